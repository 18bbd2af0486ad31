#!/usr/bin/env bash
# Create tools/oracle/.venv with the real ModelOpt recipe loader (no torch; see modelopt_shim.py).
# Usage: bash tools/oracle/setup.sh   (then run recipes_golden.py / conformance_golden.py, see README.md)
set -euo pipefail
cd "$(dirname "$0")"
python3 -m venv .venv
# --no-deps: the wheel's declared deps include torch (+CUDA) and scipy/pulp/rich, none of which the loader needs.
.venv/bin/pip install --quiet --no-deps nvidia-modelopt==0.47.0
# What the import chain of modelopt.recipe actually uses (numpy/tqdm: modelopt.torch.utils.network/tensor).
.venv/bin/pip install --quiet pydantic==2.14.4 pydantic_core==2.50.5 omegaconf==2.4.0 PyYAML==6.0.4 \
  typing_extensions==4.16.0 numpy==2.4.6 tqdm==4.70.1 packaging==26.4
.venv/bin/python -B - <<'PY'
import sys; sys.path.insert(0, ".")
import modelopt_shim  # noqa: F401
from modelopt.recipe import load_recipe
assert load_recipe("general/ptq/fp8_default-kv_fp8").recipe_type == "ptq"
print("oracle venv ready")
PY
