#!/usr/bin/env bash
# twenty-sixth session, call 15 (H200): the final build (with the H100 rule): version-3 checks, the default against the plan off
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version,power.limit --format=csv | tee $OUT/gpu.txt
xz -dc fb.xz > fb; chmod +x fb
FUSED_CASES="v3" timeout 120 ./fb check /tmp/c.json > $OUT/check.log 2>&1; echo "check rc=$?"; grep -c PASS $OUT/check.log; tail -1 $OUT/check.log
P() { timeout 60 ./fb pair "$@" >> $OUT/pair.log 2>&1; }
P fp32 1 65536 "LEET_FUSED_LEAD=0" "" 40
P fp32 1 32768 "LEET_FUSED_LEAD=0" "" 30
P fp32 2 32768 "LEET_FUSED_LEAD=0" "" 20
grep -o "pair.*" $OUT/pair.log | sed 's/d128  //' | cut -c1-150
cp z15.sh $OUT/
