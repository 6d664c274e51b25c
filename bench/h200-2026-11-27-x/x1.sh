#!/usr/bin/env bash
# twenty-fourth session, call 1 (H200): the decoupled TF32 output kernel (LEET_FUSED_V3DEC=1,
# and =2 with a half-step start offset). fused_bench checks, sanitizers, paired A/B against
# the lockstep kernel, ncu of one launch each.
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version,power.limit --format=csv | tee $OUT/gpu.txt
xz -dc fb.xz > fb; chmod +x fb
FUSED_CASES="^v3e|^v3p|^v3 f32" timeout 200 ./fb check /tmp/c.json > $OUT/check.log 2>&1; echo "check rc=$?"; grep -ciE "fail" $OUT/check.log; tail -4 $OUT/check.log
for c in "v3e f32tf32 1x2x4100 r128 d128 seg1024 ksub4 pad256 st" "v3p f32tf32 2x2x1000 r128 d256 seg256 st"; do
  FUSED_CASES="$c" timeout 90 compute-sanitizer --tool racecheck ./fb check /tmp/r.json >> $OUT/racecheck.log 2>&1
  FUSED_CASES="$c" timeout 90 compute-sanitizer --tool memcheck ./fb check /tmp/m.json >> $OUT/memcheck.log 2>&1
done
grep -E "ERROR SUMMARY|RACECHECK SUMMARY|hazard|FAIL|fail" $OUT/racecheck.log $OUT/memcheck.log | sort | uniq -c | head
for shape in "fp32 1 65536" "fp32 8 8192" "fp32 2 32768" "fp32 1 16384" "fp32 1 4096"; do
  timeout 60 ./fb pair $shape "" "LEET_FUSED_V3DEC=1" 150 >> $OUT/pair.log 2>&1
  timeout 60 ./fb pair $shape "" "LEET_FUSED_V3DEC=2" 150 >> $OUT/pair.log 2>&1
done
cat $OUT/pair.log
for dv in 0 1 2; do
  LEET_FUSED_V3DEC=$dv timeout 90 ncu --clock-control none --cache-control none -k regex:fused_v3_kernel --metrics gpu__time_duration.sum,dram__throughput.avg.pct_of_peak_sustained_elapsed,lts__ltcfabric2ltc_cycles_active.avg.pct_of_peak_sustained_elapsed,sm__pipe_tensor_op_gmma_cycles_active.avg.pct_of_peak_sustained_active,smsp__average_warps_issue_stalled_barrier_per_issue_active.ratio ./fb profile32l > $OUT/ncu-dec$dv.txt 2>&1
  grep -E "fused_v3_kernel|gpu__time|dram__|ltcfabric|gmma|barrier" $OUT/ncu-dec$dv.txt | sed 's/(.*//' | cut -c1-110 | tail -16
done
