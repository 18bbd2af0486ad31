"""Check mopt's recipes/ against the real ModelOpt 0.47.0 library, under the real loader.

The real load_recipe / load_config run with their built-in root pointed at /work/main/recipes.
Every name (root-relative path without suffix) that the goldens hold must give the same typed
full and sparse dumps, recipe class/type, schema comment and result kind as the shipped file.
Names that exist only in our library must still load without error.

Run: tools/oracle/.venv/bin/python tools/oracle/check_library.py [-v] [name-substring ...]
Exit status: 0 clean, 1 on any diff, missing name or failed load of one of ours.
"""

import sys

sys.dont_write_bytecode = True  # keep tools/oracle free of __pycache__

import json
import re
from pathlib import Path

import modelopt_shim  # noqa: F401  (must precede modelopt imports)
import modelopt.recipe.loader as recipe_loader
import modelopt.recipe.presets as recipe_presets
import modelopt.torch.opt.config_loader as config_loader
import yaml
from golden_io import GOLDEN_DIR, REPO_ROOT, capture, fresh_cwd
from modelopt.recipe import load_config, load_recipe

OUR_ROOT = REPO_ROOT / "recipes"
YAML_SUFFIXES = (".yaml", ".yml")


def point_loader_at(root):
    """Every module that captured files('modelopt_recipes') at import now sees our root."""
    config_loader.BUILTIN_CONFIG_ROOT = root
    recipe_loader.BUILTIN_RECIPES_LIB = root
    recipe_presets.BUILTIN_CONFIG_ROOT = root


def first_document(path):
    try:
        return next(iter(yaml.safe_load_all(path.read_text(encoding="utf-8"))), None)
    except yaml.YAMLError:
        return None


def is_recipe_file(path):
    doc = first_document(path)
    return isinstance(doc, dict) and isinstance(doc.get("metadata"), dict) \
        and "recipe_type" in doc["metadata"]


def our_files():
    return sorted(p for p in OUR_ROOT.rglob("*") if p.is_file() and p.suffix in YAML_SUFFIXES)


def name_of(path):
    return str(path.relative_to(OUR_ROOT).with_suffix("")).replace("\\", "/")


def our_entries():
    """(recipes, configs): {name: path} for our library, split like recipes_golden.py does."""
    files = our_files()
    recipe_dirs = {p.parent for p in files if p.stem == "metadata"}
    recipes, configs = {}, {}
    for p in files:
        if p.parent in recipe_dirs:
            continue
        (recipes if is_recipe_file(p) else configs)[name_of(p)] = p
    for d in recipe_dirs:
        recipes[str(d.relative_to(OUR_ROOT))] = d
    return recipes, configs


def normalise(record):
    text = json.dumps(record)
    return json.loads(text.replace(str(OUR_ROOT), "<builtin>"))


def mask_description(dump):
    """Descriptions are prose in our own words: only whether one is set has to agree."""
    meta = dump.get("metadata") if isinstance(dump, dict) else None
    if isinstance(meta, dict) and isinstance(meta.get("description"), str):
        meta["description"] = "<description>"
    return dump


def run_recipe(name, path):
    """Load by name; names the loader aliases (huggingface/models/...) are loaded by path."""
    target = str(path) if name.startswith("huggingface/models/") else name
    with fresh_cwd() as tmp:
        return normalise(capture(lambda: load_recipe(target), tmp))


def run_config(name):
    with fresh_cwd() as tmp:
        return normalise(capture(lambda: load_config(name), tmp))


def alias_target(name):
    """0.47.0 rewrites huggingface/models/... to models/... before probing the root."""
    with fresh_cwd() as tmp:
        rec = normalise(capture(lambda: load_recipe(name), tmp))
    return rec["stdout"].strip().replace("[load_recipe] loading: ", "") + ("" if rec["ok"] else " (fails)")


def diff(a, b, where="", out=None, limit=12):
    """Paths where two JSON values differ (at most `limit`)."""
    out = [] if out is None else out
    if len(out) >= limit:
        return out
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b) and set(a) == set(b):
            out.append(f"{where or '.'}: key order {list(a)} != {list(b)}")
        for k in list(a) + [k for k in b if k not in a]:
            if k not in a:
                out.append(f"{where}.{k}: missing in ours (golden {json.dumps(b[k])[:120]})")
            elif k not in b:
                out.append(f"{where}.{k}: extra in ours ({json.dumps(a[k])[:120]})")
            else:
                diff(a[k], b[k], f"{where}.{k}", out, limit)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{where}: length {len(a)} != golden {len(b)}")
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, f"{where}[{i}]", out, limit)
    elif a != b:
        out.append(f"{where}: ours {json.dumps(a)[:120]} != golden {json.dumps(b)[:120]}")
    return out


def schema_of(path):
    return config_loader._parse_modelopt_schema(path.read_text(encoding="utf-8"), path)


def compare_recipe(name, path, golden):
    rec = run_recipe(name, path)
    if not rec["ok"]:
        return [f"load failed: {rec['error']['type']}: {rec['error']['message'][:300]}"]
    res = rec["result"]
    problems = []
    real = Path(config_loader.files("modelopt_recipes")) / golden["file"]
    if real.is_file() and schema_of(real) != schema_of(path):  # recipe goldens carry no schema field
        problems.append(f"schema comment {schema_of(path)} != 0.47.0 {schema_of(real)}")
    if res["class"] != golden["recipe_class"]:
        problems.append(f"class {res['class']} != golden {golden['recipe_class']}")
    for part in ("full", "sparse"):
        problems += diff(mask_description(res[part]),
                         mask_description(json.loads(json.dumps(golden[part + "_typed"]))), part)
    problems += diff(rec["warnings"], golden["warnings"], "warnings")
    if rec["stdout"] != golden["stdout"]:
        problems.append(f"stdout {rec['stdout']!r} != golden {golden['stdout']!r}")
    return problems


def compare_config(name, path, golden):
    schema = schema_of(path)
    problems = [] if schema == golden["schema"] else [f"schema {schema} != golden {golden['schema']}"]
    rec = run_config(name)
    if rec["ok"] != golden["ok"]:
        return problems + [f"ok {rec['ok']} != golden {golden['ok']}: {rec.get('error')}"]
    if rec["ok"]:
        problems += diff(rec["result"], golden["result"], "result")
    problems += diff(rec["warnings"], golden["warnings"], "warnings")
    return problems


def prose_words(path):
    """Lower-case words of a file's comments and metadata.description (the parts that must be ours)."""
    text = path.read_text(encoding="utf-8")
    parts = [line.split("#", 1)[1] for line in text.splitlines()
             if "#" in line and "modelopt-schema" not in line and line.lstrip().startswith("#")]
    doc = first_document(path)
    meta = doc.get("metadata") if isinstance(doc, dict) else None
    if isinstance(meta, dict) and isinstance(meta.get("description"), str):
        parts.append(meta["description"])
    return re.findall(r"[a-z0-9]+", " ".join(parts).lower())


def shingles(words, n=7):
    """Runs of n words; runs that are mostly numbers (layer lists) are facts, not prose."""
    runs = (words[i:i + n] for i in range(len(words) - n + 1))
    return {" ".join(r) for r in runs if sum(w.isdigit() for w in r) < 4}


def copied_prose(ours, real_root):
    """7-word runs of our prose that also occur in any prose of the real library."""
    real = set()
    for p in real_root.rglob("*"):
        if p.is_file() and p.suffix in YAML_SUFFIXES:
            real |= shingles(prose_words(p))
    return {path: sorted(shingles(prose_words(path)) & real) for path in ours
            if shingles(prose_words(path)) & real}


def check_own(kind, name, path):
    rec = run_recipe(name, path) if kind == "recipe" else run_config(name)
    return [] if rec["ok"] else [f"load failed: {rec['error']['type']}: {rec['error']['message'][:300]}"]


def main(argv):
    verbose = "-v" in argv
    filters = [a for a in argv if a != "-v"]
    point_loader_at(OUR_ROOT)
    golden_recipes = {r["name"]: r for r in json.loads((GOLDEN_DIR / "builtin-recipes.json").read_text())["recipes"]}
    golden_configs = {c["name"]: c for c in json.loads((GOLDEN_DIR / "builtin-configs.json").read_text())["configs"]}
    library = json.loads((GOLDEN_DIR / "builtin-recipes.json").read_text())["library"]
    recipes, configs = our_entries()
    keep = (lambda n: any(f in n for f in filters)) if filters else (lambda n: True)

    missing = sorted(n for n in list(golden_recipes) + list(golden_configs)
                     if n not in recipes and n not in configs and keep(n))
    wrong_kind = sorted(n for n in golden_recipes if n in configs) + sorted(n for n in golden_configs if n in recipes)
    counts = {"same": 0, "diff": 0, "own_ok": 0, "own_failed": 0}
    failures = []
    for kind, ours, goldens, compare in (("recipe", recipes, golden_recipes, compare_recipe),
                                         ("config", configs, golden_configs, compare_config)):
        for name, path in sorted(ours.items()):
            if not keep(name):
                continue
            if name in goldens:
                problems = compare(name, path, goldens[name])
                counts["diff" if problems else "same"] += 1
                if problems:
                    failures.append((f"DIFF {kind} {name}", problems))
                elif verbose:
                    print(f"same {kind} {name}")
            elif name in golden_recipes or name in golden_configs:
                continue  # reported under wrong_kind
            else:
                problems = check_own(kind, name, path)
                counts["own_failed" if problems else "own_ok"] += 1
                if problems:
                    failures.append((f"OWN-FAIL {kind} {name}", problems))
                elif verbose:
                    print(f"own  {kind} {name} (not in 0.47.0) loads")
    extra = sorted(n for n in list(recipes) + list(configs)
                   if n not in golden_recipes and n not in golden_configs and keep(n))
    prose = sorted(f for f in library if not f.endswith(YAML_SUFFIXES) and f != "__init__.py"
                   and not (OUR_ROOT / f).exists())

    for title, problems in failures:
        print(title)
        for p in problems:
            print(f"    {p}")
    copies = copied_prose(our_files(), Path(str(config_loader.files("modelopt_recipes"))))
    for path, runs in copies.items():
        print(f"COPIED-PROSE {path.relative_to(OUR_ROOT)}: {runs[:3]}")
    for n in missing:
        print(f"MISSING {n}")
    for n in wrong_kind:
        print(f"WRONG-KIND {n} (recipe in one library, snippet in the other)")
    if verbose:
        for n in extra:
            print(f"EXTRA {n}")
    for n in extra:
        if n.startswith("huggingface/models/"):
            print(f"ALIAS {n}: load_recipe by this name reads {alias_target(n)}")
    print(f"summary: 0.47.0 names identical {counts['same']}, differing {counts['diff']}, "
          f"missing {len(missing)}, wrong kind {len(wrong_kind)}; ours-only {len(extra)} "
          f"(load ok {counts['own_ok']}, failed {counts['own_failed']}); "
          f"0.47.0 prose files absent (info only) {len(prose)}; files with copied prose {len(copies)}")
    return 1 if counts["diff"] or counts["own_failed"] or missing or wrong_kind or copies else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
