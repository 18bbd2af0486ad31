"""Goldens for mopt's TS reference forward, from the REAL transformers (torch CPU, float32, eager attention),
plus calibrated amaxes from the REAL ModelOpt mtq.quantize over a fixed calibration batch.

Inputs come from mopt's TypeScript (make_inputs.ts writes them and out/fidelity-inputs.json):
  node --import tsx tools/oracle/make_inputs.ts tools/oracle/out
Run: tools/oracle/.venv-torch/bin/python tools/oracle/logits_golden.py [tools/oracle/out]
Writes test/oracle-goldens/logits/<model>.json and test/oracle-goldens/calib/<model>-<recipe>[-pad16].json.
"""

import sys

sys.dont_write_bytecode = True  # keep tools/oracle free of __pycache__

import base64
import contextlib
import io
import json
import os
import tempfile
from pathlib import Path

import torch
from quant_golden import RECIPES, make_forward_loop, quantizer_records
from quant_io import REPO_ROOT, sha256_file, versions

import modelopt.torch.quantization as mtq
from transformers import AutoModelForCausalLM

LOGITS_DIR = REPO_ROOT / "test" / "oracle-goldens" / "logits"
CALIB_DIR = REPO_ROOT / "test" / "oracle-goldens" / "calib"
MAKE_INPUTS = "node --import tsx tools/oracle/make_inputs.ts tools/oracle/out"
SEQ = 24
PAD = 5  # row 1 is left-padded by this many pad tokens (id 0, attention_mask 0)
GREEDY_NEW = {"stories260K": 64}  # others: GREEDY_NEW_DEFAULT
GREEDY_NEW_DEFAULT = 16
# (model, recipe, left padding of the last calibration row): the padded case shows ModelOpt counting pad
# tokens; the MoE ones how it names and calibrates transformers 5's fused experts
CALIB_CASES = (("stories260K", "fp8_default-kv_fp8", 0), ("stories260K", "nvfp4_default-kv_fp8", 0),
               ("stories260K", "fp8_default-kv_fp8", 16), ("qwen3_moe-tiny-f32", "fp8_default-kv_fp8", 0),
               ("mixtral-tiny-f32", "fp8_default-kv_fp8", 0))
MOE_CALIB_SHAPE = (4, 32)


def moe_calib_ids(vocab):
    """BOS then ids spread over the vocabulary: ids[r][c] = 3 + (131 r + 37 c) mod (vocab - 3)."""
    rows, cols = MOE_CALIB_SHAPE
    return [[1 if c == 0 else 3 + (131 * r + 37 * c) % (vocab - 3) for c in range(cols)] for r in range(rows)]


def batch_ids(vocab):
    """Row 0: BOS + 23 ids; row 1: 5 pads, then BOS + 18 different ids (fixed formulas, no RNG)."""
    row0 = [1] + [3 + (17 * c + 5) % (vocab - 3) for c in range(1, SEQ)]
    row1 = [0] * PAD + [1] + [3 + (29 * c + 11) % (vocab - 3) for c in range(1, SEQ - PAD)]
    mask = [[1] * SEQ, [0] * PAD + [1] * (SEQ - PAD)]
    return torch.tensor([row0, row1]), torch.tensor(mask)


def f32_b64(t):
    return base64.b64encode(t.detach().float().contiguous().numpy().astype("<f4").tobytes()).decode()


def load(mdir, attn="eager"):
    model = AutoModelForCausalLM.from_pretrained(mdir, dtype=torch.float32, attn_implementation=attn)
    return model.eval()


def sdpa_logits(mdir, ids, mask):
    """Same forward under SDPA: it differs from eager only at padding queries (no visible key): SDPA gives
    them a zero attention output, eager's finfo.min bias a uniform average over all keys."""
    with torch.no_grad():
        return load(mdir, "sdpa")(input_ids=ids, attention_mask=mask, use_cache=False).logits


def logits_case(name, entry):
    model = load(entry["dir"])
    vocab = model.config.vocab_size
    ids, mask = batch_ids(vocab)
    with torch.no_grad():
        logits = model(input_ids=ids, attention_mask=mask, use_cache=False).logits
        # generate() with no sampling = greedy; the model's generation_config gives eos (kept, as HF does)
        n_new = GREEDY_NEW.get(name, GREEDY_NEW_DEFAULT)
        gen = model.generate(torch.tensor([[1]]), attention_mask=torch.ones(1, 1, dtype=torch.long),
                             max_new_tokens=n_new, do_sample=False, num_beams=1)
    eos = model.generation_config.eos_token_id
    return {
        "model": name, "make": entry["make"], "safetensors_sha256": entry["sha256"],
        "model_type": model.config.model_type, "load": {"dtype": "float32", "attn_implementation": "eager"},
        "forward": {
            "call": "model(input_ids, attention_mask, use_cache=False); no position_ids passed",
            "input_ids": ids.tolist(), "attention_mask": mask.tolist(),
            "position_ids_effective": [list(range(SEQ))] * 2,
            "logits_shape": list(logits.shape), "logits_f32_b64": f32_b64(logits),
            "logits_sdpa_f32_b64": f32_b64(sdpa_logits(entry["dir"], ids, mask)),
        },
        "greedy": {
            "call": f"generate([[1]], max_new_tokens={n_new}, do_sample=False)",
            "prompt": [1], "max_new_tokens": n_new, "eos_token_id": eos,
            "new_ids": gen[0, 1:].tolist(),
        },
    }


def padded(calib_ids, pad):
    """The batch with the last row's first `pad` ids replaced by pad id 0 (mask 0) and its mask."""
    ids = [list(r) for r in calib_ids]
    mask = [[1] * len(r) for r in ids]
    ids[-1][:pad] = [0] * pad
    mask[-1][:pad] = [0] * pad
    return ids, mask


def masked_forward_loop(ids, mask):
    def forward_loop(model):
        with torch.no_grad():
            model(input_ids=ids, attention_mask=mask, use_cache=False)
    return forward_loop


def calib_case(model_name, entry, calib_ids, recipe_label, pad):
    source, build = RECIPES[recipe_label]
    if calib_ids is not None:
        calib_ids, calib_mask = padded(calib_ids, pad)
    with contextlib.redirect_stdout(io.StringIO()):
        cfg = build()
    torch.manual_seed(0)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        model = AutoModelForCausalLM.from_pretrained(entry["dir"], dtype=torch.float32).eval()
        attn = model.config._attn_implementation
        if calib_ids is None:
            calib_ids, calib_mask = padded(moe_calib_ids(model.config.vocab_size), pad)
        ids = torch.tensor(calib_ids)
        loop = masked_forward_loop(ids, torch.tensor(calib_mask)) if pad else make_forward_loop(ids)
        mtq.quantize(model, cfg, forward_loop=loop)
    return {
        "model": model_name, "make": entry["make"], "safetensors_sha256": entry["sha256"],
        "recipe": recipe_label, "recipe_source": source,
        "load": {"dtype": "float32", "attn_implementation": attn},
        "calib": {"input_ids": calib_ids, "attention_mask": calib_mask if pad else "all ones",
                  "left_padding_last_row": pad, "use_cache": False,
                  "forward_loop": "one forward of the whole batch under torch.no_grad()"},
        "quantize_stdout": out.getvalue(),
        "quantizers": quantizer_records(model),
    }


def write(path, obj):
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(obj, separators=(",", ":")) + "\n"
    path.write_text(text)
    print(f"{path.relative_to(REPO_ROOT)}: {len(text)} bytes", flush=True)


def main():
    root = Path(sys.argv[1] if len(sys.argv) > 1 else REPO_ROOT / "tools/oracle/out").resolve()
    manifest = json.loads((root / "fidelity-inputs.json").read_text())
    os.chdir(tempfile.mkdtemp(prefix="oracle-cwd-"))  # nothing local can shadow the libraries
    torch.set_num_threads(1)
    info = {"generator": "tools/oracle/logits_golden.py (real transformers/ModelOpt, torch CPU float32)",
            "versions": versions(), "make_inputs": MAKE_INPUTS}
    models = manifest["models"]
    for name, entry in models.items():
        got = sha256_file(Path(entry["dir"]) / "model.safetensors")
        if got != entry["sha256"]:
            raise SystemExit(f"{name}: model.safetensors sha256 {got} != manifest {entry['sha256']}")
        write(LOGITS_DIR / f"{name}.json", {**info, **logits_case(name, entry)})
    calib = manifest["calib"]
    for name, label, pad in CALIB_CASES:
        ids = calib["input_ids"] if name == calib["model"] else None  # None: moe_calib_ids of the model's vocab
        rec = calib_case(name, models[name], ids, label, pad)
        suffix = f"-pad{pad}" if pad else ""
        write(CALIB_DIR / f"{name}-{label}{suffix}.json", {**info, **rec})


if __name__ == "__main__":
    main()
