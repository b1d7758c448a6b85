#!/usr/bin/env bash
# The GPU timing run: one shot on a lent H100/H200-class machine, about five minutes, one JSON file.
#
# With the device tool (check `status` first: can_start_another must be true), from the repo root:
#     run(command="bash derive/timing/gpu_run.sh", timeout_s=540)
# then, on this machine, with the files_at folder the reply names:
#     cp FILES_AT/nvidia-*.json docs/timing/ && python -m derive build && git add docs && git commit
# Elsewhere: `bash derive/timing/gpu_run.sh` writes into $OUT, or into the current folder.
#
# Needs the machine's python3 with a CUDA build of torch (the device image has one), and
# derive.generated.costs in the tree (the A6.4 cost formulas; `derive build` makes it).
# The grid (derive/timing/plan.py, CUDA) stops starting cases after 420 s and records the rest as
# skipped, so the JSON is written even on a slow card; `timeout` is the last resort behind that.
set -euo pipefail
out="${OUT:-.}"
mkdir -p "$out"
export PYTHONUNBUFFERED=1
export DERIVE_DEBUG=1  # a one-shot run: a crash should leave its traceback in the log
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm,temperature.gpu,utilization.gpu \
    --format=csv | tee "$out/nvidia-smi.csv" || echo "nvidia-smi failed" >&2
gpu=$(python3 -c 'import torch; print(torch.cuda.get_device_name(0) if torch.cuda.is_available() else "")')
if [ -z "$gpu" ]; then
    echo "gpu_run.sh: torch sees no CUDA device" >&2
    exit 2
fi
# The file's name names the GPU ("NVIDIA H200" -> nvidia-h200.json): it names the page's plots too.
name=$(printf '%s' "$gpu" | tr 'A-Z ' 'a-z-' | tr -cd 'a-z0-9-')
timeout 520 python3 -m derive timing --device cuda --out "$out/$name.json" 2>&1 | tee "$out/timing.log"
echo "gpu_run.sh: wrote $out/$name.json"
