#!/usr/bin/env bash
# twenty-third session, call 1 (H200): the TF32 state kernel in three stages against two.
# fused_bench checks and sanitizers; ncu per kernel at fp32 TF32 1x65536; paired A/B
# (LEET_FUSED_STATE_DEEP=0: the two-stage kernel); the library's float32 rows.
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version,power.limit --format=csv | tee $OUT/gpu.txt
xz -dc fb.xz > fb; chmod +x fb
FUSED_CASES="v3|f32tf32|v2 f16 1x2x4100" timeout 150 ./fb check /tmp/c.json > $OUT/check.log 2>&1; grep -cE "^ok|ok " $OUT/check.log; tail -3 $OUT/check.log
for c in "v3 f32tf32 1x2x4100 r128 d128 seg1024 ksub4 pad300 st" "v3 f32tf32 1x3x65 r128 d128 seg64 st" "v3n f32tf32 1x2x777 r128 d128 seg192 st"; do
  FUSED_CASES="$c" timeout 80 compute-sanitizer --tool racecheck ./fb check /tmp/r.json >> $OUT/racecheck.log 2>&1
  FUSED_CASES="$c" timeout 80 compute-sanitizer --tool memcheck ./fb check /tmp/m.json >> $OUT/memcheck.log 2>&1
done
grep -E "ERROR SUMMARY|RACECHECK SUMMARY|hazard" $OUT/racecheck.log $OUT/memcheck.log | sort | uniq -c
for dp in 0 1; do
  LEET_FUSED_STATE_DEEP=$dp timeout 90 ncu --clock-control none --cache-control none --metrics gpu__time_duration.sum,dram__throughput.avg.pct_of_peak_sustained_elapsed,dram__bytes_read.sum,lts__ltcfabric2ltc_cycles_active.avg.pct_of_peak_sustained_elapsed,sm__cycles_elapsed.avg.per_second ./fb profile32l > $OUT/ncu-deep$dp.txt 2>&1
  grep -E "fused_v3_kernel|gpu__time|dram__|ltcfabric|cycles_elapsed" $OUT/ncu-deep$dp.txt | sed 's/(.*//' | cut -c1-110 | tail -20
done
for shape in "fp32 1 65536" "fp32 2 32768" "fp32 1 16384" "fp32 1 4096" "fp32 1 1024" "fp32 8 8192"; do
  timeout 60 ./fb pair $shape "LEET_FUSED_STATE_DEEP=0" "" 300 >> $OUT/pair.log 2>&1
done
cat $OUT/pair.log
cd ../..
mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
(nvidia-smi --query-gpu=timestamp,clocks.sm,power.draw,clocks_event_reasons.active --format=csv -lms 50 > $OUT/smi.csv 2>&1 &)
for dp in 0 1; do
  LEET_FUSED_STATE_DEEP=$dp timeout 100 bash .gpu/run node dist/cli.js bench-gpu --out $OUT/lib32-d$dp --methods fused,lightning,blocked --dtypes float32 --precision tf32 > $OUT/lib32-d$dp.log 2>&1; grep -E 'copy|fused' $OUT/lib32-d$dp.log | head -8
done
pkill nvidia-smi
cut -d, -f2 $OUT/smi.csv | sort | uniq -c | sort -rn | head -5
cd $OUT && tar czf lib.tgz lib32-d0 lib32-d1 && rm -rf lib32-d0 lib32-d1
