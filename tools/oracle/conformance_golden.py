"""Run every hand-written conformance case through the real loader and write
test/oracle-goldens/conformance.json (case files embedded, so TS can recreate them).

Cases live in cases_yaml_imports.py and cases_recipes_validation.py.
Run: tools/oracle/.venv/bin/python tools/oracle/conformance_golden.py
"""

import sys

sys.dont_write_bytecode = True  # keep tools/oracle free of __pycache__ (not git-ignored)

from collections import Counter

import cases_recipes_validation
import cases_yaml_imports
from golden_io import capture, fresh_cwd, oracle_info, write_golden
from modelopt.recipe import load_config, load_recipe
from modelopt.torch.opt.config_loader import _schema_type


def _call(call):
    fn, path, *extra = call
    if fn == "load_config":
        schema = _schema_type(extra[0]) if extra else None
        return {"fn": fn, "path": path, "schema_type": extra[0] if extra else None}, \
            (lambda: load_config(path, schema_type=schema))
    overrides = extra[0] if extra else None
    return {"fn": fn, "path": path, "overrides": overrides}, \
        (lambda: load_recipe(path, overrides=overrides))


def run_case(group, name, files, call):
    described, thunk = _call(call)
    with fresh_cwd(files) as tmp:
        record = capture(thunk, tmp)
    return {"name": name, "group": group, "files": files, "call": described, **record}


def main():
    records = []
    for module in (cases_yaml_imports, cases_recipes_validation):
        for name, files, call in module.CASES:
            records.append(run_case(name.split("_")[0], name, files, call))
    names = [r["name"] for r in records]
    assert len(names) == len(set(names)), "duplicate case names"
    write_golden("conformance.json", {**oracle_info(), "cases": records})
    outcome = Counter("ok" if r["ok"] else r["error"]["type"] for r in records)
    print(f"{len(records)} cases: {dict(outcome)}")


if __name__ == "__main__":
    main()
