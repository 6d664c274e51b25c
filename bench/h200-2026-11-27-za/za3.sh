#!/usr/bin/env bash
# twenty-seventh session, call 3 (H200): the 16-bit lead plan with kLeadFrac16 0.75 (LEET_FUSED_LEAD=1), and L0 by shape, against the plan off
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version,power.limit --format=csv | tee $OUT/gpu.txt
xz -dc fb.xz > fb; chmod +x fb
FUSED_CASES="v2l" timeout 60 ./fb check /tmp/c.json > $OUT/check.log 2>&1; echo "check rc=$?"; grep -c PASS $OUT/check.log; tail -1 $OUT/check.log
P() { timeout 60 ./fb pair "$@" >> $OUT/sweep.log 2>&1; }
for x in 1 11264 12288 13312; do P fp16 1 65536 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=$x" 60; done
for x in 1 5632 6144; do P fp16 1 32768 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=$x" 60; done
for x in 1 2816 3072; do P fp16 1 16384 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=$x" 60; done
for x in 1 24576; do P fp16 1 131072 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=$x" 40; done
P bf16 1 65536 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 60
P bf16 1 32768 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 60
# m = 2 (64 CTAs a segment) and m = 3
for x in 1 9216 13056; do P fp16 2 32768 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=$x" 40; done
P bf16 2 32768 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 40
for x in 1 13056 16384; do FUSED_D=256 P fp16 1 65536 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=$x" 40; done
FUSED_D=256 P fp16 1 32768 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 40
FUSED_D=256 P fp16 1 16384 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 40
P fp16 2 16384 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 40
P fp16 1 49152 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 40
P fp16 1 24576 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 40
FUSED_H=16 P fp16 1 65536 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 40
FUSED_H=64 P fp16 1 32768 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 40
P fp16 4 16384 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 40
P fp16 1 8192 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 40
grep -o "pair.*" $OUT/sweep.log | sed 's/d128  //' | cut -c1-170
cp za3.sh $OUT/
