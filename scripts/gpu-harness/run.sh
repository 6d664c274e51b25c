#!/usr/bin/env bash
# Builds the CUDA harness on the GPU machine (sm_90a, from cuda/*.cu + main.cpp) and runs
# the checks and the benchmark. Usage: scripts/gpu-harness/run.sh [all|check|bench|quick]
# Output goes to stdout and, when $OUT is set, to $OUT/harness.log.
set -o pipefail
cd "$(dirname "$0")/../.."
NVCC=${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
ARCH=${ARCH:--gencode=arch=compute_90a,code=sm_90a}
B=${BUILD_DIR:-/tmp/leet-harness}
mkdir -p "$B"
LOG=${OUT:-$B}/harness.log
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem --format=csv 2>&1 | tee "$LOG"
# HARNESS_BIN: a harness built elsewhere (e.g. carried build/gpu-harness/harness, built with
# the same nvcc for sm_80/sm_90a/compute_90); used when it starts on this machine.
if [ -n "$HARNESS_BIN" ] && "$HARNESS_BIN" none > /dev/null 2>&1; then
  echo "using prebuilt $HARNESS_BIN" | tee -a "$LOG"
  timeout 420 "$HARNESS_BIN" "${1:-all}" 2>&1 | tee -a "$LOG"
  exit ${PIPESTATUS[0]}
fi
t0=$(date +%s)
pids=()
for f in cuda/*.cu; do
  n=$(basename "$f" .cu)
  "$NVCC" -std=c++17 -O3 --expt-relaxed-constexpr $ARCH -Xptxas -v -c "$f" -o "$B/$n.o" > "$B/$n.build" 2>&1 &
  pids+=($!)
done
"$NVCC" -std=c++17 -O2 $ARCH -c scripts/gpu-harness/main.cpp -o "$B/main.o" > "$B/main.build" 2>&1 &
pids+=($!)
"$NVCC" -std=c++17 -O3 $ARCH -c scripts/gpu-harness/floor.cu -o "$B/floor.o" > "$B/floor.build" 2>&1 &
pids+=($!)
ok=1
for p in "${pids[@]}"; do wait "$p" || ok=0; done
if [ $ok = 0 ] && [ ! -s "$B/fused.o" ] || grep -q error "$B/fused.build" 2>/dev/null; then
  # fused.cu belongs to another work stream: if it does not build, time blocked in its place
  echo "NOTE: cuda/fused.cu failed to build; harness uses a stub (fused -> blocked)" | tee -a "$LOG"
  grep -m5 error "$B/fused.build" | tee -a "$LOG"
  printf '#include "%s/cuda/common.cuh"\nnamespace leet::cuda { void launch_fused(const AttnParams& p, const LaunchContext& c) { launch_blocked(p, c); } }\n' "$PWD" > "$B/fused_stub.cu"
  "$NVCC" -std=c++17 -O3 $ARCH -c "$B/fused_stub.cu" -o "$B/fused.o" > "$B/fused.build" 2>&1
  ok=1
  for f in "$B"/*.build; do grep -q " error" "$f" && ok=0; done
fi
grep -hE "error|warning" "$B"/*.build | tee -a "$LOG"
grep -h "spill" "$B"/*.build | grep -v " 0 bytes spill stores, 0 bytes spill loads" | tee -a "$LOG"
[ $ok = 1 ] || { echo "BUILD FAILED" | tee -a "$LOG"; cat "$B"/*.build | grep -B2 -A2 error | head -50; exit 1; }
"$NVCC" -o "$B/harness" "$B"/*.o || exit 1
echo "build: $(( $(date +%s) - t0 )) s" | tee -a "$LOG"
timeout 420 "$B/harness" "${1:-all}" 2>&1 | tee -a "$LOG"
rc=$?
if [ $rc != 0 ] && command -v compute-sanitizer > /dev/null; then
  echo "harness rc=$rc: memcheck on the small cases" | tee -a "$LOG"
  timeout 90 compute-sanitizer --tool memcheck --print-limit 20 "$B/harness" small 2>&1 | tail -60 | tee -a "$LOG"
fi
exit $rc
