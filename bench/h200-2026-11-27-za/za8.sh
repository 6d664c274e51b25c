#!/usr/bin/env bash
# twenty-seventh session, call 8 (H200): the TF32 walk's first state half updated under Q S (LEET_FUSED_EARLY=1): checks, paired A/B
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,clocks.sm --format=csv,noheader
xz -dc fb.xz > fb; chmod +x fb
LEET_FUSED_EARLY=1 FUSED_CASES="v3e|v3l|v3f|v3u" timeout 60 ./fb check /tmp/c.json > $OUT/check.log 2>&1; echo "check rc=$?"; grep -c PASS $OUT/check.log; grep -iE "fail" $OUT/check.log | grep -v "0 failures" | head -3 | cut -c1-150; tail -1 $OUT/check.log
P() { timeout 30 ./fb pair "$@" >> $OUT/pair.log 2>&1; }
P fp32 1 65536 "LEET_FUSED_EARLY=0" "LEET_FUSED_EARLY=1" 20
P fp32 8 8192 "LEET_FUSED_EARLY=0" "LEET_FUSED_EARLY=1" 15
P fp32 1 16384 "LEET_FUSED_EARLY=0" "LEET_FUSED_EARLY=1" 20
P fp32 1 65536 "LEET_FUSED_EARLY=0" "LEET_FUSED_EARLY=1" 20
grep -o "pair.*" $OUT/pair.log | sed 's/d128  //' | cut -c1-170
cp za8.sh $OUT/
