#!/usr/bin/env bash
# twenty-fifth session, call 2 (H200): the TF32 three-stage state kernel fed by TMA
# (default above 4 TB/s) against cp.async (LEET_FUSED_TMA=0 against =1: both keep the
# output kernel's 8-byte stores); checks; then the library's TF32 rows.
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version,power.limit --format=csv | tee $OUT/gpu.txt
xz -dc fb.xz > fb; chmod +x fb
FUSED_CASES="v3" timeout 200 ./fb check /tmp/c.json > $OUT/check.log 2>&1; echo "check rc=$?"; grep -ciE "fail" $OUT/check.log; grep -c PASS $OUT/check.log; tail -2 $OUT/check.log
for c in "v3u f32tf32 1x2x4100 r128 d128 seg1024 ksub4 pad256 st" "v3u f32tf32 1x2x2000 r128 d384 heur st" "v3 f32tf32 1x2x1000 r128 d128 seg64 st (scan)"; do
  FUSED_CASES="$c" timeout 90 compute-sanitizer --tool racecheck ./fb check /tmp/r.json >> $OUT/sanitize.log 2>&1
  FUSED_CASES="$c" timeout 90 compute-sanitizer --tool memcheck ./fb check /tmp/m.json >> $OUT/sanitize.log 2>&1
done
grep -E "ERROR SUMMARY|RACECHECK SUMMARY|hazard|FAIL|fail" $OUT/sanitize.log | sort | uniq -c | head
for shape in "fp32 1 65536" "fp32 8 8192" "fp32 2 32768" "fp32 1 16384" "fp32 1 4096" "fp32 1 1024"; do
  timeout 60 ./fb pair $shape "LEET_FUSED_TMA=0" "LEET_FUSED_TMA=1" 150 >> $OUT/pair-state.log 2>&1
done
timeout 60 ./fb pair fp32 1 65536 "LEET_FUSED_TMA=0" "" 150 >> $OUT/pair-state.log 2>&1
cat $OUT/pair-state.log
for tl in 0 2; do
  LEET_FUSED_TMA=$tl timeout 90 ncu --clock-control none --cache-control none -k regex:fused_v3_kernel --metrics gpu__time_duration.sum,dram__throughput.avg.pct_of_peak_sustained_elapsed,lts__ltcfabric2ltc_cycles_active.avg.pct_of_peak_sustained_elapsed ./fb profile32l > $OUT/ncu-tma$tl.txt 2>&1
  grep -E "fused_v3_kernel|gpu__time|dram__|ltcfabric" $OUT/ncu-tma$tl.txt | sed 's/(.*//' | cut -c1-110 | tail -8
done
cd ../..
xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node 2>/dev/null || { mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node; }
timeout 200 bash .gpu/run node dist/cli.js bench-gpu --out $OUT/tf32 --dtypes float32 --precision tf32 --methods blocked,lightning,fused 2>&1 | tail -40 > $OUT/bench-tf32.log
cat $OUT/bench-tf32.log | tail -30
cp out/fbx/y2.sh $OUT/
