"""Shared helpers for the golden writers: the typed JSON encoding, dumps, error capture.

Typed encoding (what the TS side decodes; see README.md "Typed encoding"):
  None/bool/str       -> JSON null/bool/string
  int                 -> JSON number (always integral)
  float               -> {"$float": repr(x)}          e.g. "4.5", "inf", "1e-05"
  tuple               -> {"$tuple": [items...]}
  list                -> [items...]
  dict, all keys str  -> {key: value, ...}             (mapping order kept)
  dict, other keys    -> {"$dict": [[key, value], ...]} keys encoded typed too (-1 stays a number)
  Enum member         -> {"$enum": value}
  date/datetime       -> {"$date": isoformat}
  anything else       -> {"$repr": repr(x)}
A str-keyed dict is also written as "$dict" when a plain JSON object could not carry it
faithfully: a single key that starts with "$" (would look like a tag) or an array-index-like
key such as "0" (JavaScript objects move those to the front).
"""

import contextlib
import datetime
import enum
import io
import json
import os
import re
import tempfile
import warnings
from pathlib import Path

import modelopt_shim  # noqa: F401  (must precede modelopt imports)
from modelopt.torch.opt.config_loader import BUILTIN_CONFIG_ROOT
from pydantic import BaseModel

REPO_ROOT = Path(__file__).resolve().parents[2]
GOLDEN_DIR = REPO_ROOT / "test" / "oracle-goldens"
BUILTIN_ROOT = str(BUILTIN_CONFIG_ROOT)
_INDEX_KEY = re.compile(r"^(0|[1-9][0-9]*)$")


def _plain_object_ok(d):
    if not all(isinstance(k, str) for k in d):
        return False
    if len(d) == 1 and next(iter(d)).startswith("$"):
        return False
    return not any(_INDEX_KEY.match(k) for k in d)


def typed(x):
    if isinstance(x, enum.Enum):  # before str: RecipeType is a str enum
        return {"$enum": x.value}
    if x is None or isinstance(x, (bool, str)):
        return x
    if isinstance(x, int):
        return x
    if isinstance(x, float):
        return {"$float": repr(x)}
    if isinstance(x, tuple):
        return {"$tuple": [typed(i) for i in x]}
    if isinstance(x, list):
        return [typed(i) for i in x]
    if isinstance(x, dict):
        if _plain_object_ok(x):
            return {k: typed(v) for k, v in x.items()}
        return {"$dict": [[typed(k), typed(v)] for k, v in x.items()]}
    if isinstance(x, (datetime.date, datetime.datetime)):
        return {"$date": x.isoformat()}
    if isinstance(x, BaseModel):
        return {"$model": type(x).__name__, "sparse": typed(x.model_dump(exclude_unset=True))}
    return {"$repr": repr(x)}


def plain(x):
    """What json.dumps makes of a Python value: tuples -> lists, keys -> strings."""
    return json.loads(json.dumps(x, default=str))


def dump_result(value):
    """Describe a load_config / load_recipe result with typed full and sparse dumps."""
    if isinstance(value, BaseModel):
        return {
            "kind": "model",
            "class": type(value).__name__,
            "full": typed(value.model_dump()),
            "sparse": typed(value.model_dump(exclude_unset=True)),
        }
    if isinstance(value, list) and value and all(isinstance(v, BaseModel) for v in value):
        return {
            "kind": "model_list",
            "class": type(value[0]).__name__,
            "full": [typed(v.model_dump()) for v in value],
            "sparse": [typed(v.model_dump(exclude_unset=True)) for v in value],
        }
    return {"kind": "plain", "value": typed(value)}


def normalise_text(text, cwd=None):
    """Replace machine-specific paths so goldens are stable: <cwd>/..., <builtin>/..."""
    text = text.replace(BUILTIN_ROOT, "<builtin>")
    if cwd:
        text = text.replace(os.path.realpath(cwd), "<cwd>").replace(str(cwd), "<cwd>")
    return text


def capture(fn, cwd=None):
    """Run fn(); return {"ok", result|error, "warnings", "stdout"} with paths normalised."""
    out = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out):
        warnings.simplefilter("always")
        try:
            record = {"ok": True, "result": dump_result(fn())}
        except Exception as exc:  # the error class and message are the golden
            record = {"ok": False, "error": {"type": type(exc).__name__,
                                              "message": normalise_text(str(exc), cwd)}}
    record["warnings"] = [
        {"category": w.category.__name__, "message": normalise_text(str(w.message), cwd)}
        for w in caught
    ]
    record["stdout"] = normalise_text(out.getvalue(), cwd)
    return record


@contextlib.contextmanager
def fresh_cwd(files=None):
    """A new empty temp dir as cwd, optionally populated with {relative path: text}."""
    old = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="oracle-") as tmp:
        for rel, text in (files or {}).items():
            target = Path(tmp, rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        os.chdir(tmp)
        try:
            yield tmp
        finally:
            os.chdir(old)


def write_golden(name, payload):
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    path = GOLDEN_DIR / name
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(REPO_ROOT)} ({len(text) / 1024:.0f} KiB)")


def oracle_info():
    import importlib.metadata as md

    return {
        "generator": "tools/oracle (real ModelOpt loader, torch stubbed)",
        "versions": {p: md.version(p) for p in ("nvidia-modelopt", "pydantic", "PyYAML", "omegaconf")},
    }
