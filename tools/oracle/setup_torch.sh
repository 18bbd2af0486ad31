#!/usr/bin/env bash
# Create tools/oracle/.venv-torch: real torch (PyPI wheel, used on CPU) + nvidia-modelopt 0.47.0 with its
# declared deps, for the quant goldens (quant_golden.py). About 5.4 GB and 8-10 min on 2 cores.
# Usage: bash tools/oracle/setup_torch.sh   (then see README.md "Quant goldens")
set -euo pipefail
cd "$(dirname "$0")"
python3 -m venv .venv-torch
# The PyPI torch wheel is the CUDA build and pulls the nvidia-* CUDA wheels; it runs fine without a GPU.
.venv-torch/bin/pip install --quiet nvidia-modelopt==0.47.0 torch==2.15.0 safetensors==0.8.0 \
  "transformers==5.14.1" accelerate==1.15.0 requests==2.34.2
.venv-torch/bin/python -B - <<'PY'
import torch
print("torch", torch.__version__, "cpu matmul", float(torch.randn(2) @ torch.randn(2)))
import modelopt.torch.quantization as mtq  # noqa: F401  (needs requests: modelopt imports it, undeclared)
from modelopt.torch.export import export_hf_checkpoint  # noqa: F401
print("quant oracle venv ready")
PY
