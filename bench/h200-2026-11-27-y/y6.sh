#!/usr/bin/env bash
# twenty-fifth session, call 6 (H200): the decoupled output kernel with Q refilled mid-step
# (DEC = 3, LEET_FUSED_V3QREL=1) against DEC = 2. Checks, sanitizers, paired A/B, ncu.
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,clocks.sm,driver_version --format=csv | tee $OUT/gpu.txt
xz -dc fb.xz > fb; chmod +x fb
LEET_FUSED_V3QREL=1 FUSED_CASES="v3e|v3u" timeout 100 ./fb check /tmp/c.json > $OUT/check.log 2>&1; echo "check rc=$?"; grep -c PASS $OUT/check.log; grep FAIL $OUT/check.log | head -3; tail -1 $OUT/check.log
for c in "v3e f32tf32 1x2x4100 r128 d128 seg1024 ksub4 pad256 st" "v3e f32tf32 1x3x65 r128 d128 seg64 st"; do
  LEET_FUSED_V3QREL=1 FUSED_CASES="$c" timeout 60 compute-sanitizer --tool racecheck ./fb check /tmp/r.json >> $OUT/sanitize.log 2>&1
  LEET_FUSED_V3QREL=1 FUSED_CASES="$c" timeout 60 compute-sanitizer --tool memcheck ./fb check /tmp/m.json >> $OUT/sanitize.log 2>&1
done
grep -E "ERROR SUMMARY|RACECHECK SUMMARY|FAIL" $OUT/sanitize.log | sort | uniq -c
for shape in "fp32 1 65536" "fp32 8 8192" "fp32 1 16384" "fp32 1 4096" "fp32 1 1024"; do
  timeout 40 ./fb pair $shape "LEET_FUSED_V3QREL=0" "LEET_FUSED_V3QREL=1" 120 >> $OUT/pair.log 2>&1
done
grep pair $OUT/pair.log
for q in 0 1; do
  LEET_FUSED_V3QREL=$q timeout 60 ncu --clock-control none --cache-control none -k regex:fused_v3_kernel --metrics gpu__time_duration.sum,dram__throughput.avg.pct_of_peak_sustained_elapsed,lts__ltcfabric2ltc_cycles_active.avg.pct_of_peak_sustained_elapsed ./fb profile32l > $OUT/ncu-q$q.txt 2>&1
  grep -E "fused_v3_kernel|gpu__time|dram__|ltcfabric" $OUT/ncu-q$q.txt | sed 's/(.*//' | cut -c1-110 | tail -4
done
cp y6.sh $OUT/
