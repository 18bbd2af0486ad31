"""Goldens from the REAL ModelOpt PTQ + unified HF export (torch on CPU), for mopt's TS exporter.

For each input model x recipe: load with transformers (dtype "auto", as hf_ptq.py does), run
mtq.quantize(model, recipe.quantize, forward_loop) (None for weight-only / KV-cast recipes; one forward of
fixed token ids for CALIBRATED ones), record the enabled quantizers and their calibrated amax, the
fake-quantized weights' sha256, then
export_hf_checkpoint() into a temp dir and record hf_quant_config.json, config.json and every
exported tensor (dtype, shape, sha256, scale values). Exported weights themselves are NOT written.

Inputs come from mopt's TypeScript (see make_inputs.ts):
  node --import tsx tools/oracle/make_inputs.ts tools/oracle/out
Run: tools/oracle/.venv-torch/bin/python tools/oracle/quant_golden.py [tools/oracle/out]
Writes test/oracle-goldens/quant/<model>-<recipe>.json and index.json.
"""

import sys

sys.dont_write_bytecode = True  # keep tools/oracle free of __pycache__

import contextlib
import io
import json
import os
import tempfile
import warnings
from pathlib import Path

import torch
from quant_io import (REPO_ROOT, describe_safetensors, sha256_bytes, sha256_file, typed,
                      versions, write_json)

import modelopt.torch.quantization as mtq
from modelopt.recipe import load_config, load_recipe
from modelopt.torch.export import export_hf_checkpoint
from modelopt.torch.quantization.nn import TensorQuantizer
from transformers import AutoModelForCausalLM

MAKE_INPUTS = "node --import tsx tools/oracle/make_inputs.ts tools/oracle/out"
MODELS = {"stories260K": "float32", "qwen3-tiny": "bfloat16", "qwen3-w256": "bfloat16"}
# stories260K is a real model the project may not redistribute: no byte of its weights goes into a
# golden (hashes and scales only); the synthetic models also get a 16-byte head per tensor.
HEADS = {"stories260K": False, "qwen3-tiny": True, "qwen3-w256": True}
AMAX_VALUES_MAX = 64  # larger calibrated amax tensors are pinned by the sha256 of their float32 bytes


def fp8_weight_only():
    """FP8 per-tensor weights, inputs off: the fp8 preset with its input quantizers disabled."""
    preset = load_config("configs/ptq/presets/model/fp8").model_dump(exclude_unset=True)
    entries = preset["quant_cfg"]
    last_format = max(i for i, e in enumerate(entries) if e.get("quantizer_name") == "*input_quantizer")
    entries.insert(last_format + 1, {"quantizer_name": "*input_quantizer", "enable": False})
    return {"quant_cfg": entries, "algorithm": preset.get("algorithm", "max")}


def from_recipe(name):
    return lambda: load_recipe(name).quantize.model_dump(exclude_unset=True)


def from_preset(name):
    return lambda: load_config(name).model_dump(exclude_unset=True)


RECIPES = {
    "fp8_weight_only": ("configs/ptq/presets/model/fp8 + '*input_quantizer' disabled", fp8_weight_only),
    "nvfp4_weight_only": ("general/ptq/nvfp4_weight_only-kv_fp16",
                          from_recipe("general/ptq/nvfp4_weight_only-kv_fp16")),
    "int4_blockwise_weight_only": ("general/ptq/int4_blockwise_weight_only",
                                   from_recipe("general/ptq/int4_blockwise_weight_only")),
    "mxfp4_mlp_weight_only": ("general/ptq/mxfp4_mlp_weight_only",
                              from_recipe("general/ptq/mxfp4_mlp_weight_only")),
    "fp8_2d_blockwise_weight_only": ("configs/ptq/presets/model/fp8_2d_blockwise_weight_only",
                                     from_preset("configs/ptq/presets/model/fp8_2d_blockwise_weight_only")),
    "nvfp4_mlp_weight_only": ("general/ptq/nvfp4_mlp_weight_only",
                              from_recipe("general/ptq/nvfp4_mlp_weight_only")),
    "nvfp4_weight_only-kv_fp8_cast": ("general/ptq/nvfp4_weight_only-kv_fp8_cast",
                                      from_recipe("general/ptq/nvfp4_weight_only-kv_fp8_cast")),
    "fp8_default-kv_fp8": ("general/ptq/fp8_default-kv_fp8", from_recipe("general/ptq/fp8_default-kv_fp8")),
    "nvfp4_default-kv_fp8": ("general/ptq/nvfp4_default-kv_fp8",
                             from_recipe("general/ptq/nvfp4_default-kv_fp8")),
}
# Recipes with activation / KV quantizers to calibrate: one forward of CALIB_SHAPE fixed token ids.
CALIBRATED = {"fp8_default-kv_fp8", "nvfp4_default-kv_fp8"}
CALIB_SHAPE = (2, 16)


def calib_input_ids(vocab):
    """BOS then ids spread over the vocabulary: ids[r][c] = 3 + (131 r + 37 c) mod (vocab - 3)."""
    rows, cols = CALIB_SHAPE
    return torch.tensor([[1 if c == 0 else 3 + (131 * r + 37 * c) % (vocab - 3) for c in range(cols)]
                         for r in range(rows)], dtype=torch.long)


def make_forward_loop(ids):
    def forward_loop(model):
        with torch.no_grad():
            model(input_ids=ids, attention_mask=torch.ones_like(ids), use_cache=False)
    return forward_loop


def tensor_bytes(t):
    return t.detach().contiguous().cpu().view(torch.uint8).numpy().tobytes()


def quantizer_records(model):
    """Enabled TensorQuantizers: repr (as print_quant_summary shows it) and calibrated amax."""
    out, total = {}, 0
    for name, q in model.named_modules():
        if not isinstance(q, TensorQuantizer):
            continue
        total += 1
        if not q.is_enabled:
            continue
        rec = {"repr": str(q)}
        amax = getattr(q, "_amax", None)
        if amax is not None:
            rec["amax_dtype"] = str(amax.dtype).removeprefix("torch.")
            rec["amax_shape"] = list(amax.shape)
            f32 = amax.detach().float().contiguous()
            if amax.numel() <= AMAX_VALUES_MAX:
                rec["amax"] = f32.flatten().tolist()
            else:
                rec["amax_f32_sha256"] = sha256_bytes(tensor_bytes(f32))
        out[name] = rec
    return {"total": total, "enabled": out}


def fake_quant_hashes(model, heads):
    """sha256 of weight_quantizer(weight) per linear with an enabled weight quantizer (model dtype bytes)."""
    out = {}
    for name, mod in model.named_modules():
        wq = getattr(mod, "weight_quantizer", None)
        if not isinstance(wq, TensorQuantizer) or not wq.is_enabled:
            continue
        try:
            with torch.no_grad():
                fq = wq(mod.weight)
            out[name] = {"dtype": str(fq.dtype).removeprefix("torch."), "shape": list(fq.shape),
                         "sha256": sha256_bytes(tensor_bytes(fq))}
            if heads:
                out[name]["head"] = tensor_bytes(fq)[:16].hex()
        except Exception as exc:  # e.g. a format whose fake quant has only a CUDA kernel
            out[name] = {"error": f"{type(exc).__name__}: {exc}"}
    return out


def normalise(text, paths):
    for p, tag in paths:
        text = text.replace(str(p), tag)
    return text


def export_record(export_dir, heads):
    files = sorted(p.name for p in Path(export_dir).iterdir() if p.is_file())
    rec = {"files": {f: sha256_file(Path(export_dir, f)) for f in files}}
    for f in ("hf_quant_config.json", "config.json", "generation_config.json"):
        if f in files:
            text = Path(export_dir, f).read_text()
            rec[f] = json.loads(text)
            rec[f + ":text"] = text  # exact formatting (indent, key order, trailing newline)
    rec["safetensors"] = {f: describe_safetensors(Path(export_dir, f), heads)
                          for f in files if f.endswith(".safetensors")}
    if "model.safetensors.index.json" in files:
        rec["index"] = json.loads(Path(export_dir, "model.safetensors.index.json").read_text())
    return rec


def run_case(model_name, input_dir, recipe_label):
    source, build = RECIPES[recipe_label]
    with contextlib.redirect_stdout(io.StringIO()):  # load_recipe prints its resolved path
        cfg = build()
    record = {"model": model_name, "recipe": recipe_label, "recipe_source": source,
              "quantize_config": typed(cfg)}
    torch.manual_seed(0)
    out = io.StringIO()
    with tempfile.TemporaryDirectory(prefix="oracle-export-") as export_dir, \
            warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        paths = [(export_dir, "<export>"), (input_dir, "<input>")]
        try:
            with contextlib.redirect_stdout(out):
                model = AutoModelForCausalLM.from_pretrained(input_dir, dtype="auto")
                model.eval()
                record["load_dtype"] = str(model.dtype).removeprefix("torch.")
                record["attn_implementation"] = model.config._attn_implementation
                loop = None
                if recipe_label in CALIBRATED:
                    ids = calib_input_ids(model.config.vocab_size)
                    record["calib"] = {"input_ids": ids.tolist(), "attention_mask": "all ones",
                                       "use_cache": False}
                    loop = make_forward_loop(ids)
                mtq.quantize(model, cfg, forward_loop=loop)
            record["quantize_stdout"] = normalise(out.getvalue(), paths)
            record["quantizers"] = quantizer_records(model)
            record["fake_quant"] = fake_quant_hashes(model, HEADS[model_name])
            out = io.StringIO()
            with contextlib.redirect_stdout(out), torch.inference_mode():
                export_hf_checkpoint(model, export_dir=export_dir)
            record["export_stdout"] = normalise(out.getvalue(), paths)
            record["ok"] = True
            record["export"] = export_record(export_dir, HEADS[model_name])
        except Exception as exc:
            record["ok"] = False
            record["error"] = {"type": type(exc).__name__, "message": normalise(str(exc), paths)}
            record["stdout_at_error"] = normalise(out.getvalue(), paths)
        record["warnings"] = sorted({f"{w.category.__name__}: {normalise(str(w.message), paths)}"
                                     for w in caught})
    return record


def main():
    inputs_root = Path(sys.argv[1] if len(sys.argv) > 1 else REPO_ROOT / "tools/oracle/out").resolve()
    only = set(sys.argv[2].split(",")) if len(sys.argv) > 2 else None
    os.chdir(tempfile.mkdtemp(prefix="oracle-cwd-"))  # nothing local can shadow the library
    torch.set_num_threads(1)
    info = {"generator": "tools/oracle/quant_golden.py (real ModelOpt + torch CPU)", "versions": versions()}
    inputs, cases = {}, []
    for model_name, dtype in MODELS.items():
        mdir = inputs_root / model_name
        inputs[model_name] = {
            "dir": f"tools/oracle/out/{model_name}", "checkpoint_dtype": dtype,
            "files": {f.name: sha256_file(f) for f in sorted(mdir.iterdir())
                      if f.suffix in (".safetensors", ".json")},
        }
        for recipe_label in RECIPES:
            if only and recipe_label not in only:
                continue
            print(f"== {model_name} / {recipe_label}", flush=True)
            rec = run_case(model_name, str(mdir), recipe_label)
            if not rec["ok"]:
                print(f"   error: {rec['error']['type']}: {rec['error']['message'][:300]}")
            fname = f"{model_name}-{recipe_label}.json"
            size = write_json(fname, {**info, "input": inputs[model_name], **rec})
            cases.append({"file": fname, "model": model_name, "recipe": recipe_label,
                          "recipe_source": rec["recipe_source"], "ok": rec["ok"], "bytes": size,
                          **({} if rec["ok"] else {"error": rec["error"]})})
    if only:  # a partial run must not drop the other cases from the index
        print("partial run: index.json left unchanged (run without a recipe list to rewrite it)")
        return
    write_json("index.json", {**info, "make_inputs": MAKE_INPUTS, "inputs": inputs, "cases": cases})


if __name__ == "__main__":
    main()
