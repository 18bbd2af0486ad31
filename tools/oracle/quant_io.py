"""Helpers of the quant oracle (real torch venv .venv-torch; never imports modelopt_shim).

- typed(): the same typed JSON encoding as golden_io.py (README "Typed encoding"), so a recorded
  quant_cfg keeps tuples ((4, 3)) and integer dict keys (-1) apart from lists and strings;
- describe_safetensors(): header order, dtype, shape and sha256 of every tensor of an exported file,
  plus the full values of scale tensors;
- write_json(): compact JSON writer for test/oracle-goldens/quant/.
"""

import enum
import hashlib
import json
import math
import re
import struct
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
GOLDEN_DIR = REPO_ROOT / "test" / "oracle-goldens" / "quant"
_INDEX_KEY = re.compile(r"^(0|[1-9][0-9]*)$")
# Tensor-name suffixes whose full values are recorded (they are small: per tensor / per block).
SCALE_SUFFIXES = (".weight_scale", ".weight_scale_2", ".input_scale", ".k_scale", ".v_scale",
                  ".pre_quant_scale")
VERSION_PACKAGES = ("nvidia-modelopt", "torch", "transformers", "safetensors", "numpy", "pydantic",
                    "omegaconf", "PyYAML")


def typed(x):
    if isinstance(x, enum.Enum):
        return {"$enum": x.value}
    if x is None or isinstance(x, (bool, str, int)):
        return x
    if isinstance(x, float):
        return {"$float": repr(x)}
    if isinstance(x, tuple):
        return {"$tuple": [typed(i) for i in x]}
    if isinstance(x, list):
        return [typed(i) for i in x]
    if isinstance(x, dict):
        plain_ok = all(isinstance(k, str) for k in x) and not (
            len(x) == 1 and next(iter(x)).startswith("$")) and not any(
            _INDEX_KEY.match(k) for k in x)
        if plain_ok:
            return {k: typed(v) for k, v in x.items()}
        return {"$dict": [[typed(k), typed(v)] for k, v in x.items()]}
    return {"$repr": repr(x)}


def sha256_bytes(data):
    return hashlib.sha256(data).hexdigest()


def sha256_file(path):
    return sha256_bytes(Path(path).read_bytes())


VALUES_INLINE_MAX = 64  # decoded values are also written for tensors this small


def decoded_values(dtype, raw):
    """Exact values of a small tensor: F32 as JSON numbers (float32 -> double is exact), 1-byte codes as ints."""
    if dtype == "F32":
        return list(struct.unpack(f"<{len(raw) // 4}f", raw))
    if dtype in ("F8_E4M3", "U8", "I8", "F8_E5M2"):
        return list(raw)
    if dtype in ("BF16", "F16"):
        return list(struct.unpack(f"<{len(raw) // 2}H", raw))  # raw 16-bit patterns
    raise ValueError(f"no value encoding for dtype {dtype}")


def describe_safetensors(path, heads=True, include_values=SCALE_SUFFIXES):
    """Every tensor of one .safetensors file in header order; sha256 is of the tensor's raw bytes.
    heads=False leaves out the first-16-bytes hex (for models whose weights may not be committed)."""
    blob = Path(path).read_bytes()
    (hlen,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + hlen])
    meta = header.pop("__metadata__", None)
    base = 8 + hlen
    tensors = []
    for name, info in header.items():
        start, end = info["data_offsets"]
        raw = blob[base + start:base + end]
        entry = {"name": name, "dtype": info["dtype"], "shape": info["shape"],
                 "data_offsets": [start, end], "sha256": sha256_bytes(raw)}
        if heads:
            entry["head"] = raw[:16].hex()
        if name.endswith(include_values):
            entry["values_hex"] = raw.hex()  # the tensor's bytes as stored (little-endian)
            if math.prod(info["shape"]) <= VALUES_INLINE_MAX:
                entry["values"] = decoded_values(info["dtype"], raw)
        tensors.append(entry)
    return {"file_sha256": sha256_bytes(blob), "header_bytes": hlen,
            "header_text": blob[8:8 + hlen].decode("utf-8"), "metadata": meta, "tensors": tensors}


def versions():
    import importlib.metadata as md
    import platform

    out = {p: md.version(p) for p in VERSION_PACKAGES}
    out["python"] = platform.python_version()
    return out


def write_json(name, payload):
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    path = GOLDEN_DIR / name
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(REPO_ROOT)} ({len(text) / 1024:.1f} KiB)")
    return len(text)
