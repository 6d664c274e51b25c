#!/usr/bin/env bash
# twenty-first session, call 1: version 2's output kernel fed by TMA (LEET_FUSED_TMA=1)
# checks, sanitizers, A/B in one binary (TMA=0 is the shipped kernel, PTX identical), ncu both
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version --format=csv | tee $OUT/gpu.txt
xz -dc tma1.xz > fb; chmod +x fb
FUSED_CASES="v2t|v2 |v2n" timeout 150 ./fb check /tmp/c.json > $OUT/check.log 2>&1; echo "check rc=$? pass=$(grep -c PASS $OUT/check.log) fail=$(grep -c FAIL $OUT/check.log)"
grep -E "FAIL|v2t" $OUT/check.log | head -12 | cut -c1-150
FUSED_CASES="v2t f16 2x2x333|v2t bf16 1x3x65|v2t f16 1x2x700" timeout 100 compute-sanitizer --tool racecheck ./fb check /tmp/c.json > $OUT/racecheck.log 2>&1
echo "racecheck: $(grep -E 'RACECHECK SUMMARY' $OUT/racecheck.log | head -2 | tr '\n' ' ')"
FUSED_CASES="v2t f16 2x2x333|v2t bf16 1x3x65|v2t bf16 3x2x300" timeout 100 compute-sanitizer --tool memcheck ./fb check /tmp/c.json > $OUT/memcheck.log 2>&1
echo "memcheck: $(grep -E 'ERROR SUMMARY' $OUT/memcheck.log | tr '\n' ' ')"
ROWS="fp16 1x65536|bf16 1x65536|fp16 8x8192|bf16 8x8192|fp16 1x16384|fp16 1x4096|fp16 1x1024|N0 fp16 2x32768 out128|N0 fp16 4x16384 out128|B fp16 1x65536"
for rep in 1 2 3; do for t in 0 1; do
  LEET_FUSED_TMA=$t FUSED_ROWS="$ROWS" timeout 100 ./fb bench /tmp/b.json > /tmp/bench.txt 2>&1
  sed "s/^/tma$t r$rep /" /tmp/bench.txt | grep -v '^$' >> $OUT/ab.log
done; done
grep -v "^$" $OUT/ab.log | grep -v " row \|device\|copy" | sort -s -k3,5 | cut -c1-100
for t in 0 1; do
  LEET_FUSED_TMA=$t timeout 120 ncu --clock-control none -k regex:fused_v2_kernel -c 1 --section SpeedOfLight --section WarpStateStats \
    --section MemoryWorkloadAnalysis --section SchedulerStats \
    --metrics breakdown:lts__throughput.avg.pct_of_peak_sustained_elapsed,breakdown:l1tex__throughput.avg.pct_of_peak_sustained_active \
    ./fb profile > $OUT/ncu-tma$t.txt 2>&1
  echo "== ncu tma$t"; grep -E "Duration|Throughput|lts__|l1tex__|Warp Cycles|Issued Warp|No Eligible|Stall" $OUT/ncu-tma$t.txt | head -40
done
