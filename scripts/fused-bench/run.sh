#!/usr/bin/env bash
# Build + correctness check + benchmark of the `fused` CUDA method in one device call.
#   bash scripts/fused-bench/run.sh            (on the GPU machine; writes to $OUT or ./out)
# Uses a prebuilt .gpu/fused_bench when it runs on this machine, else builds with nvcc.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-out}
mkdir -p "$OUT"
NVCC=${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
ARCH=${FUSED_ARCH:--gencode=arch=compute_90a,code=sm_90a}
BIN=.gpu/fused_bench
nvidia-smi --query-gpu=name,memory.total,clocks.sm,clocks.mem,driver_version --format=csv | tee "$OUT/gpu.txt"
"$BIN" none >/dev/null 2>&1; PREBUILT_RC=$?
if [ "$PREBUILT_RC" -ne 2 ] || [ -n "${FUSED_REBUILD:-}" ]; then
  echo "building $BIN"
  mkdir -p .gpu
  "$NVCC" $ARCH -std=c++17 -O3 -Xptxas -v -o "$BIN" scripts/fused-bench/main.cu cuda/fused.cu 2>&1 \
    | grep -E "error|registers|spill" | tee "$OUT/build.txt"
fi
"$BIN" check "$OUT/check.json" 2>&1 | tee "$OUT/check.txt"
CHECK_RC=${PIPESTATUS[0]}
"$BIN" bench "$OUT/bench.json" 2>&1 | tee "$OUT/bench.txt"
echo "check rc=$CHECK_RC"
