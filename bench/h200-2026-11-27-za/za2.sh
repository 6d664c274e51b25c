#!/usr/bin/env bash
# twenty-seventh session, call 2 (H200): the lead plan in 16 bits (version 2): checks, kernels run, sanitizers, L0 swept against the plan off
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version,power.limit --format=csv | tee $OUT/gpu.txt
xz -dc fb.xz > fb; chmod +x fb
FUSED_CASES="v2|v3l|v3e" timeout 200 ./fb check /tmp/c.json > $OUT/check.log 2>&1; echo "check rc=$?"; grep -c PASS $OUT/check.log; grep -iE "fail" $OUT/check.log | grep -v "0 failures" | head -5 | cut -c1-160; grep -E "v2l" $OUT/check.log | cut -c1-150; tail -1 $OUT/check.log
FUSED_CASES="v2l bf16 1x2x4100 r128 d128 seg1024 ksub4 lead512 st" timeout 60 ncu --metrics gpu__time_duration.sum ./fb check /tmp/n.json 2>&1 | grep -E "fused_v2_kernel" | sed 's/.*fused_v2_kernelI//' | cut -c1-60 | sort | uniq -c
for c in "v2l bf16 1x2x4100 r128 d128 seg1024 ksub4 lead512 st" "v2l f16 2x2x1000 r128 d256 seg256 st" "v2l bf16 1x3x300 r128 d128 seg128 lead64 st"; do
  FUSED_CASES="$c" timeout 90 compute-sanitizer --tool racecheck ./fb check /tmp/r.json >> $OUT/san.log 2>&1
  FUSED_CASES="$c" timeout 90 compute-sanitizer --tool memcheck ./fb check /tmp/m.json >> $OUT/san.log 2>&1
  FUSED_CASES="$c" timeout 90 compute-sanitizer --tool synccheck ./fb check /tmp/s.json >> $OUT/san.log 2>&1
done
grep -E "ERROR SUMMARY|RACECHECK SUMMARY|hazard|FAIL|fail" $OUT/san.log | sort | uniq -c | head
P() { timeout 60 ./fb pair "$@" >> $OUT/sweep.log 2>&1; }
for x in 1 4096 5120 6144 8192 9216 10240; do P fp16 1 65536 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=$x" 60; done
for x in 1 2560 3584 4608; do P fp16 1 32768 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=$x" 60; done
for x in 1 1280 1792 2304; do P fp16 1 16384 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=$x" 60; done
P bf16 1 65536 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 60
P bf16 1 65536 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=8192" 60
P fp16 1 131072 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 40
P fp16 2 32768 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 40
P fp16 8 8192 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 40
P fp16 1 4096 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 40
FUSED_D=256 P fp16 1 65536 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 40
P fp32 1 65536 "LEET_FUSED_LEAD=0" "" 30
grep -o "pair.*" $OUT/sweep.log | sed 's/d128  //' | cut -c1-170
cp za2.sh $OUT/
