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
nvidia-smi --query-gpu=name,memory.total,clocks.sm,clocks.mem,driver_version --format=csv
"$BIN" none >/dev/null 2>&1; PREBUILT_RC=$?
if [ "$PREBUILT_RC" -ne 2 ] || [ -n "${FUSED_REBUILD:-}" ]; then
  echo "building $BIN"
  mkdir -p .gpu
  "$NVCC" $ARCH -std=c++17 -O3 -Xptxas -v -o "$BIN" scripts/fused-bench/main.cu cuda/fused.cu cuda/short_seqs.cu 2>&1 \
    | grep -E "error|registers|spill" | tee "$OUT/build.txt"
fi
"$BIN" check "$OUT/check.json" 2>&1 | tee "$OUT/check.txt"
CHECK_RC=${PIPESTATUS[0]}
"$BIN" bench "$OUT/bench.json" 2>&1 | tee "$OUT/bench.txt"
# disassembly: instruction mix of each kernel (HMMA, LDSM, barriers, local memory)
if command -v cuobjdump >/dev/null; then
  cuobjdump -sass "$BIN" > /tmp/fused.sass 2>&1
  awk '/Function :/{f=$3} /[0-9a-f]\*\/ /{n[f]++} / HMMA/{h[f]++} /HGMMA/{q[f]++} /LDSM/{l[f]++} /BAR\.SYNC/{b[f]++} /LDL|STL/{s[f]++} /LDGSTS/{g[f]++}
       END{for (k in n) printf "%s instr=%d HMMA=%d HGMMA=%d LDSM=%d BAR=%d LDL/STL=%d LDGSTS=%d\n", k, n[k], h[k], q[k], l[k], b[k], s[k], g[k]}' \
       /tmp/fused.sass > "$OUT/sass.txt"
  cat "$OUT/sass.txt"
fi
# hardware counters of one output-pass launch (fp16 8x8192, one segment: v2 output kernel;
# FUSED_NCU_MODE=profile32 FUSED_NCU_KERNEL=fused_v3_kernel: the fp32 TF32 v3 one),
# clocks left alone; skipped when the check fails
if [ -z "${FUSED_NO_NCU:-}" ] && [ "$CHECK_RC" -eq 0 ] && command -v ncu >/dev/null; then
  timeout ${FUSED_NCU_TIMEOUT:-150} ncu --clock-control none -k regex:${FUSED_NCU_KERNEL:-fused_v2_kernel} -c 1 --section SpeedOfLight \
    --section WarpStateStats --section Occupancy --section ComputeWorkloadAnalysis \
    --section MemoryWorkloadAnalysis "$BIN" ${FUSED_NCU_MODE:-profile} > "$OUT/ncu.txt" 2>&1
  grep -E "Duration|Throughput|Stall|Warp Cycles|Issued|Eligible|Active Warps|Pipe|Bank" "$OUT/ncu.txt" | head -60
fi
echo "check rc=$CHECK_RC"
