"""Re-derives ModelOpt's exported weight bytes from the ORIGINAL weights with the formulas of
shared/spec/quant-engine.md §4.2 (and the corrections in README.md), and counts mismatching bytes.
It writes nothing; it is the evidence behind README "What the real run showed".

Run (after make_inputs.ts): tools/oracle/.venv-torch/bin/python tools/oracle/quant_check_formulas.py [tools/oracle/out]
"""

import sys

sys.dont_write_bytecode = True

import contextlib
import io
import tempfile
import warnings
from pathlib import Path

import torch
from quant_golden import RECIPES
from safetensors.torch import load_file

import modelopt.torch.quantization as mtq
from modelopt.torch.export import export_hf_checkpoint
from transformers import AutoModelForCausalLM

E2M1_BOUNDS = torch.tensor([0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5.0])


def export(model_dir, recipe):
    """(original state dict, exported state dict) of one case."""
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype="auto")
    orig = {k: v.clone() for k, v in model.state_dict().items()}
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mtq.quantize(model, RECIPES[recipe][1](), forward_loop=None)
        out = tempfile.mkdtemp(prefix="oracle-check-")
        with torch.inference_mode():
            export_hf_checkpoint(model, export_dir=out)
    return orig, load_file(str(Path(out, "model.safetensors")))


def e2m1_rne_codes(v):
    """Spec 2.5 rounding (ties to even, saturating), sign bit = v < 0."""
    a = v.abs()
    up = torch.tensor([False, True, False, True, False, True, False])  # tie goes up at these bounds
    mag = ((a[..., None] > E2M1_BOUNDS) | (up & (a[..., None] == E2M1_BOUNDS))).sum(-1)
    return mag | ((v < 0).long() << 3)


def pack_low_first(codes):
    return (codes[:, 0::2] | (codes[:, 1::2] << 4)).to(torch.uint8)


def nvfp4(w, ex, p, group):
    ws2 = ex[p + ".weight_scale_2"].float()
    blocks = w.float().reshape(w.shape[0], -1, group)
    s = blocks.abs().amax(-1) / (6 * ws2)
    s8 = torch.where(s == 0, torch.ones_like(s), s).clamp(2**-9, 448).to(torch.float8_e4m3fn)
    codes = e2m1_rne_codes(blocks / (s8.float() * ws2)[..., None]).reshape(w.shape)
    return {"weight_scale": s8.view(torch.uint8), "weight": pack_low_first(codes)}


def mxfp4(w, ex, p):
    blocks = w.float().reshape(w.shape[0], -1, 32)
    e = torch.ceil(torch.clamp(torch.log2(blocks.abs().amax(-1) / 6), min=-127))
    v = blocks / torch.exp2(e)[..., None]
    mag = (v.abs()[..., None] > E2M1_BOUNDS).sum(-1)  # ties round DOWN at export
    codes = (mag | ((v <= 0).long() << 3)).reshape(w.shape)  # exact zero gets the sign bit
    return {"weight_scale": (e + 127).to(torch.uint8), "weight": pack_low_first(codes)}


def int4(w, ex, p):
    blocks = w.float().reshape(w.shape[0], -1, 128)
    scale = blocks.abs().amax(-1) / 7
    q = torch.clamp(torch.round(blocks / scale[..., None]), -8, 7).to(torch.int8).reshape(w.shape)
    return {"weight_scale": scale, "weight": ((q[0::2] & 0xF) | ((q[1::2] & 0xF) << 4)).to(torch.uint8)}


def fp8(w, ex, p, bf16_round):
    ws = ex[p + ".weight_scale"]
    if ws.ndim == 0:
        x = w.float() / ws
        if bf16_round and w.dtype == torch.bfloat16:
            x = x.to(torch.bfloat16)  # torch computes bf16 / 0-dim f32 in f32, result dtype bf16
    else:  # 2-D blocks [out/128, 1, in/128, 1], partial blocks padded
        full = ws.reshape(ws.shape[0], ws.shape[2]).repeat_interleave(128, 0).repeat_interleave(128, 1)
        x = w.float() / full[: w.shape[0], : w.shape[1]]
    return {"weight": x.to(torch.float8_e4m3fn).view(torch.uint8)}


def compare(expected, ex, p):
    bad = 0
    for key, want in expected.items():
        got = ex[f"{p}.{key}"]
        got = got.view(torch.uint8) if got.dtype == torch.float8_e4m3fn else got
        bad += int((want != got).sum())
    return bad


CHECKS = [  # (recipe, note printed with the result, derivation of the expected tensors)
    ("nvfp4_weight_only", None, lambda w, ex, p: nvfp4(w, ex, p, 16)),
    ("nvfp4_mlp_weight_only", None, lambda w, ex, p: nvfp4(w, ex, p, 32)),
    ("mxfp4_mlp_weight_only", None, mxfp4),
    ("int4_blockwise_weight_only", None, int4),
    ("fp8_weight_only", None, lambda w, ex, p: fp8(w, ex, p, True)),
    ("fp8_weight_only", "naive f32 division (spec text)", lambda w, ex, p: fp8(w, ex, p, False)),
    ("fp8_2d_blockwise_weight_only", None, lambda w, ex, p: fp8(w, ex, p, False)),
]


def main():
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "out").resolve()
    torch.set_num_threads(1)
    cache = {}
    for model in ("qwen3-tiny", "qwen3-w256", "stories260K"):
        for recipe, note, derive in CHECKS:
            key = (model, recipe)
            if key not in cache:
                try:
                    cache[key] = export(str(root / model), recipe)
                except Exception as exc:  # shapes the exporter refuses (see README)
                    cache[key] = exc
            if isinstance(cache[key], Exception):
                print(f"{model:12} {recipe:30} export refused: {type(cache[key]).__name__}")
                continue
            orig, ex = cache[key]
            layers = [k[: -len(".weight_scale")] for k in ex if k.endswith(".weight_scale")]
            total = sum(ex[p + ".weight"].numel() for p in layers)
            bad = sum(compare(derive(orig[p + ".weight"], ex, p), ex, p) for p in layers)
            print(f"{model:12} {recipe:30} {len(layers):2} linears, {bad:6} of {total} weight bytes differ"
                  + (f"  [{note}]" if note else ""))


if __name__ == "__main__":
    main()
