#!/usr/bin/env bash
# twenty-sixth session, call 3: the lead plan with unsplit state walks: checks, the first segment's length swept
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version,power.limit --format=csv | tee $OUT/gpu.txt
xz -dc fb.xz > fb; chmod +x fb
FUSED_CASES="v3l|v3e|v3u" timeout 200 ./fb check /tmp/c.json > $OUT/check.log 2>&1; echo "check rc=$?"; grep -ciE "fail" $OUT/check.log; tail -1 $OUT/check.log
P() { timeout 60 ./fb pair "$@" >> $OUT/sweep.log 2>&1; }
for x in 4096 5120 6144 1 7168 8192; do P fp32 1 65536 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=$x" 60; done
for x in 1 6144 8192 10240 12288; do P fp32 2 32768 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=$x" 60; done
for x in 1 1280 1536; do P fp32 1 16384 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=$x" 60; done
for x in 1 512 768; do P fp32 1 8192 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=$x" 60; done
P fp32 4 16384 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 40
P fp32 1 131072 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 30
FUSED_D=256 P fp32 1 65536 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 40
FUSED_H=16 P fp32 1 65536 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 40
FUSED_H=8 P fp32 1 65536 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 40
FUSED_H=64 P fp32 1 32768 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 40
grep -o "pair.*" $OUT/sweep.log | sed 's/d128  //' | cut -c1-160
cp z3.sh $OUT/
