#!/usr/bin/env bash
# twenty-first session, call 2: TMA loads in v2's state, output and narrow kernels, TMA
# output stores (LEET_FUSED_TMA=2, the new default; 1: loads only; 0: the shipped kernels)
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version --format=csv | tee $OUT/gpu.txt
xz -dc tma2.xz > fb; chmod +x fb
timeout 240 ./fb check /tmp/c.json > $OUT/check.log 2>&1; echo "check rc=$? pass=$(grep -c PASS $OUT/check.log) fail=$(grep -c FAIL $OUT/check.log)"
grep -E "FAIL" $OUT/check.log | head -12 | cut -c1-150
C="v2 f16 2x2x333|v2 bf16 1x3x65|v2n f16 1x2x700|v2 f16 1x2x4100 r128 d128 seg1024 ksub8|L fp16|v2c f16 2x2x333"
FUSED_CASES="$C" timeout 150 compute-sanitizer --tool racecheck ./fb check /tmp/c.json > $OUT/racecheck.log 2>&1
echo "racecheck: $(grep -E 'RACECHECK SUMMARY|cases|failures' $OUT/racecheck.log | head -3 | tr '\n' ' ')"
FUSED_CASES="$C|v2 bf16 3x2x300" timeout 150 compute-sanitizer --tool memcheck ./fb check /tmp/c.json > $OUT/memcheck.log 2>&1
echo "memcheck: $(grep -E 'ERROR SUMMARY|failures' $OUT/memcheck.log | tr '\n' ' ')"
ROWS="fp16 1x65536|bf16 1x65536|fp16 8x8192|bf16 8x8192|fp16 1x16384|fp16 1x4096|fp16 1x1024|N0 fp16 2x32768 default|N0 fp16 2x32768 out128|L fp16 1x65536 narrow|L fp16 1x65536 wide|B fp16 1x65536"
for rep in 1 2 3; do for t in 0 1 2; do
  LEET_FUSED_TMA=$t FUSED_ROWS="$ROWS" timeout 100 ./fb bench /tmp/b.json > /tmp/bench.txt 2>&1
  sed "s/^/tma$t r$rep /" /tmp/bench.txt | grep -v '^$' >> $OUT/ab.log
done; done
grep -v "^$" $OUT/ab.log | grep -v " row \|device\|copy" | sort -s -k3,5 | cut -c1-100
LEET_FUSED_TMA=2 timeout 120 ncu --clock-control none -k regex:fused_v2_kernel -c 1 --section SpeedOfLight --section WarpStateStats \
    --section MemoryWorkloadAnalysis --section SchedulerStats \
    --metrics breakdown:lts__throughput.avg.pct_of_peak_sustained_elapsed,breakdown:l1tex__throughput.avg.pct_of_peak_sustained_active \
    ./fb profile > $OUT/ncu-tma2.txt 2>&1
echo "== ncu tma2"; grep -E "Duration|Throughput|ltcfabric|lts__t_sectors |Warp Cycles|No Eligible" $OUT/ncu-tma2.txt | head -20
