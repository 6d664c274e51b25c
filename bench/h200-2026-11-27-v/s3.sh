#!/usr/bin/env bash
# twenty-second session, call 3: time against the SM clock (NVML) over long back-to-back
# runs; the deep state kernel's rule in alternating pairs; v2 checks and sanitizers
set -u
cd "$(dirname "$0")"
xz -dc fb3.xz > fb; chmod +x fb
nvidia-smi --query-gpu=name,clocks.sm,clocks.max.sm,power.limit,driver_version --format=csv | tee $OUT/gpu.txt
for shape in "fp16 1 65536 3000" "bf16 1 65536 3000" "fp16 8 8192 3000" "fp32 1 65536 1500" "fp16 1 1024 20000"; do
  timeout 60 ./fb clocks $shape >> $OUT/clocks.log 2>&1
  sleep 3
done
cat $OUT/clocks.log | grep -v device
for shape in "fp16 1 1024" "bf16 1 1024" "fp16 1 4096" "bf16 1 4096" "fp16 1 16384" "fp16 1 65536"; do
  timeout 60 ./fb pair $shape "LEET_FUSED_STATE_DEEP=0" "" 400 >> $OUT/pair.log 2>&1
done
grep -v device $OUT/pair.log
FUSED_CASES="v2" timeout 120 ./fb check /tmp/c.json > $OUT/check.log 2>&1; tail -1 $OUT/check.log
for c in "v2 f16 1x2x4100 r128 d128 seg1024 st" "v2 bf16 3x2x300 r128 d384 seg128 st" "v2n bf16 2x2x2000 r128 d128 seg256 ksub2 st" "v2d f16 1x2x700 r128 d256 seg192 st"; do
  FUSED_CASES="$c" timeout 60 compute-sanitizer --tool racecheck ./fb check /tmp/r.json >> $OUT/racecheck.log 2>&1
  FUSED_CASES="$c" timeout 60 compute-sanitizer --tool memcheck ./fb check /tmp/m.json >> $OUT/memcheck.log 2>&1
done
grep -hE "ERROR SUMMARY|RACECHECK SUMMARY|PASS|FAIL" $OUT/racecheck.log $OUT/memcheck.log | cut -c1-60 | sort | uniq -c
cd $OUT && tar czf s3.tgz *.log gpu.txt
