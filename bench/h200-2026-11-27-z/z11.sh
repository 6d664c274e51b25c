#!/usr/bin/env bash
# twenty-sixth session, call 11 (H100): the lead plan forced (with the TMA-fed kernels it needs) against the H100's default kernels; the v3l cases
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version,power.limit --format=csv | tee $OUT/gpu.txt
xz -dc fb.xz > fb; chmod +x fb
FUSED_CASES="v3l" timeout 100 ./fb check /tmp/c.json > $OUT/check.log 2>&1; echo "check rc=$?"; tail -1 $OUT/check.log
L="LEET_FUSED_LEAD=1 LEET_FUSED_V3DEC=1 LEET_FUSED_STATE_DEEP=1"
P() { timeout 60 ./fb pair "$@" >> $OUT/pair-h100.log 2>&1; }
P fp32 1 65536 "LEET_FUSED_LEAD=0" "$L" 60
P fp32 1 16384 "LEET_FUSED_LEAD=0" "$L" 50
P fp32 1 32768 "LEET_FUSED_LEAD=0" "$L" 50
P fp32 1 65536 "LEET_FUSED_LEAD=0 LEET_FUSED_V3DEC=1 LEET_FUSED_STATE_DEEP=1" "$L" 60
grep -o "pair.*" $OUT/pair-h100.log | sed 's/d128  //' | cut -c1-200
cp z11.sh $OUT/
