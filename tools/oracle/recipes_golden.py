"""Write goldens for the built-in library shipped in the nvidia-modelopt wheel.

  test/oracle-goldens/builtin-recipes.json  every recipe (file or directory) -> load_recipe dumps
  test/oracle-goldens/builtin-configs.json  every other YAML file           -> load_config result
  test/oracle-goldens/overrides.json        load_recipe(fp8_default-kv_fp8, overrides=[...])

Every call runs with a fresh empty temp dir as cwd, so nothing local shadows the library.
Run: tools/oracle/.venv/bin/python tools/oracle/recipes_golden.py
"""

import sys

sys.dont_write_bytecode = True  # keep tools/oracle free of __pycache__ (not git-ignored)

import hashlib
from pathlib import Path

import yaml
from golden_io import (BUILTIN_ROOT, capture, fresh_cwd, oracle_info, plain,
                       write_golden)
from modelopt.recipe import load_config, load_recipe
from modelopt.torch.opt.config_loader import _parse_modelopt_schema

ROOT = Path(BUILTIN_ROOT)
YAML_SUFFIXES = (".yaml", ".yml")

# (label, overrides) applied to general/ptq/fp8_default-kv_fp8
OVERRIDE_CASES = [
    ("empty list replaces quant_cfg", ["quantize.quant_cfg=[]"]),
    ("string description", ["metadata.description=hello world"]),
    ("value containing '='", ["metadata.description=a=b"]),
    ("empty value is null", ["metadata.description="]),
    ("float 1e-4 (OmegaConf float)", ["quantize.effective_bits=1e-4"]),
    ("float 4.5", ["quantize.effective_bits=4.5"]),
    ("int 8 into float field", ["quantize.effective_bits=8"]),
    ("null algorithm", ["quantize.algorithm=null"]),
    ("algorithm string", ["quantize.algorithm=smoothquant"]),
    ("algorithm mapping", ["quantize.algorithm={method: mse, fp8_scale_sweep: true}"]),
    ("deep-merge into mapping", ["quantize.algorithm={method: max}",
                                 "quantize.algorithm.distributed_sync=false"]),
    ("quant_cfg replaced by list with ExMy string",
     ["quantize.quant_cfg=[{quantizer_name: '*weight_quantizer', cfg: {num_bits: e4m3}}]"]),
    ("bool spellings", ["quantize.quant_cfg=[{quantizer_name: a, enable: yes}, "
                        "{quantizer_name: b, enable: off}]"]),
    ("numeric key segment becomes a string key",
     ["quantize.algorithm={method: max}", "quantize.algorithm.-1=8"]),
    ("1e-4 is a float, so not a valid description", ["metadata.description=1e-4"]),
    ("int key inside a mapping value",
     ["quantize.quant_cfg=[{quantizer_name: '*', cfg: {num_bits: 4, block_sizes: {-1: 16}}}]"]),
    ("list index not supported", ["quantize.quant_cfg.0.enable=true"]),
    ("bad key rejected", ["quantize.bogus=1"]),
    ("bad metadata key rejected", ["metadata.owner=me"]),
    ("missing '='", ["quantize.algorithm"]),
    ("recipe_type changed, class kept", ["metadata.recipe_type=speculative_eagle"]),
    ("later entry wins", ["quantize.algorithm=max", "quantize.algorithm=mse"]),
    ("quoted string stays string", ["metadata.description='5'"]),
    ("int description rejected", ["metadata.description=5"]),
    ("value grammar inside a list (algorithm mapping is not validated)",
     ["quantize.algorithm={method: max, v: [1, -1, 0x10, 007, 1_000, 1.5, .5, 1e-4, 5e-5, inf, nan, "
      "true, yes, on, no, off, null, NULL, ~, None, 2024-01-01, 'q', \"d\"]}"]),
    ("top-level inf stays a string", ["quantize.algorithm=inf"]),
    ("top-level None stays a string", ["quantize.algorithm=None"]),
    ("top-level date stays a string", ["quantize.algorithm=2024-01-01"]),
    ("top-level 0x10 is an int (rejected by algorithm)", ["quantize.algorithm=0x10"]),
    ("new intermediate mappings are created", ["quantize.algorithm={method: max}",
                                               "quantize.algorithm.layerwise.enable=true"]),
    ("scalar replaces mapping", ["quantize.algorithm={method: max}", "quantize.algorithm=mse"]),
    ("interpolation kept literally", ["metadata.description=${quantize.algorithm}"]),
]


def _first_document(path):
    try:
        return next(iter(yaml.safe_load_all(path.read_text(encoding="utf-8"))), None)
    except yaml.YAMLError:
        return None


def _is_recipe_file(path):
    doc = _first_document(path)
    return isinstance(doc, dict) and isinstance(doc.get("metadata"), dict) \
        and "recipe_type" in doc["metadata"]


def _name(path):
    return str(path.relative_to(ROOT).with_suffix("")).replace("\\", "/")


def _library_files():
    return sorted(p for p in ROOT.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def manifest():
    """Every file of the shipped library with its sha256, so TS can tell the copies apart."""
    return {str(p.relative_to(ROOT)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in _library_files()}


def recipe_records():
    yaml_files = [p for p in _library_files() if p.suffix in YAML_SUFFIXES]
    recipe_dirs = sorted({p.parent for p in yaml_files if p.stem == "metadata"})
    targets = [(_name(p), p) for p in yaml_files
               if _is_recipe_file(p) and p.parent not in recipe_dirs]
    targets += [(str(d.relative_to(ROOT)), d) for d in recipe_dirs]
    records = []
    for name, path in sorted(targets):
        with fresh_cwd() as tmp:
            rec = capture(lambda: load_recipe(name), tmp)
        entry = {"name": name, "file": str(path.relative_to(ROOT)), "directory": path.is_dir()}
        if rec["ok"]:
            full, sparse = rec["result"]["full"], rec["result"]["sparse"]
            entry.update(recipe_type=full["metadata"]["recipe_type"]["$enum"],
                         recipe_class=rec["result"]["class"])
            entry["full"], entry["sparse"] = _untyped(full), _untyped(sparse)
            entry["full_typed"], entry["sparse_typed"] = full, sparse
        else:
            entry["error"] = rec["error"]
        entry["warnings"], entry["stdout"] = rec["warnings"], rec["stdout"]
        records.append(entry)
    return records


def _untyped(t):
    """The plain json.dumps view (tuples as lists, keys as strings) rebuilt from a typed dump."""
    if isinstance(t, list):
        return [_untyped(i) for i in t]
    if isinstance(t, dict):
        if "$float" in t:
            return float(t["$float"])
        if "$tuple" in t:
            return [_untyped(i) for i in t["$tuple"]]
        if "$enum" in t:
            return t["$enum"]
        if "$dict" in t:
            return plain({_key(k): _untyped(v) for k, v in t["$dict"]})
        return {k: _untyped(v) for k, v in t.items()}
    return t


def _key(k):
    return k["$float"] if isinstance(k, dict) and "$float" in k else k


def config_records():
    records = []
    for path in _library_files():
        if path.suffix not in YAML_SUFFIXES or _is_recipe_file(path) or path.stem == "metadata":
            continue
        name = _name(path)
        schema = _parse_modelopt_schema(path.read_text(encoding="utf-8"), path)
        with fresh_cwd() as tmp:
            rec = capture(lambda: load_config(name), tmp)
        entry = {"name": name, "file": str(path.relative_to(ROOT)), "schema": schema}
        entry.update({k: rec[k] for k in ("ok", "result", "error", "warnings") if k in rec})
        records.append(entry)
    return records


def preset_choices():
    """The --qformat / --kv_cache_qformat vocabularies (modelopt.recipe.presets)."""
    from modelopt.recipe import presets

    return {"model": sorted(presets.QUANT_CFG_CHOICES), "kv": sorted(presets.KV_QUANT_CFG_CHOICES),
            "model_dir": presets.MODEL_QUANT_PRESET_DIR, "kv_dir": presets.KV_QUANT_PRESET_DIR,
            "kv_none": presets.KV_CACHE_NONE}


def override_records():
    base = "general/ptq/fp8_default-kv_fp8"
    records = []
    for label, overrides in OVERRIDE_CASES:
        with fresh_cwd() as tmp:
            rec = capture(lambda: load_recipe(base, overrides=overrides), tmp)
        records.append({"label": label, "recipe": base, "overrides": overrides, **rec})
    return records


def main():
    info = oracle_info()
    recipes = recipe_records()
    write_golden("builtin-recipes.json", {**info, "library": manifest(), "recipes": recipes})
    configs = config_records()
    write_golden("builtin-configs.json", {**info, "preset_choices": preset_choices(), "configs": configs})
    write_golden("overrides.json", {**info, "cases": override_records()})
    failed = [r["name"] for r in recipes + configs if "error" in r]
    print(f"{len(recipes)} recipes, {len(configs)} configs; load failures: {failed or 'none'}")


if __name__ == "__main__":
    main()
