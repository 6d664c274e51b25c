#!/usr/bin/env bash
# twenty-fourth session, call 2 (H200): the decoupled TF32 output kernel as the default.
# fused_bench checks (v3e: decoupled; v3 with LEET_FUSED_V3DEC=0: lockstep), paired A/B at
# more shapes (A = the default, decoupled; B = lockstep), the library's float32 TF32 rows
# with both.
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version,power.limit --format=csv | tee $OUT/gpu.txt
xz -dc fb.xz > fb; chmod +x fb
FUSED_CASES="v3|f32tf32" timeout 200 ./fb check /tmp/c.json > $OUT/check.log 2>&1; echo "check rc=$?"; grep -c PASS $OUT/check.log; grep -E "FAIL|failures" $OUT/check.log
p() { timeout 60 ./fb pair "$@" >> $OUT/pair.log 2>&1; }
p fp32 1 65536 "" "LEET_FUSED_V3DEC=0" 100
p fp32 8 8192 "" "LEET_FUSED_V3DEC=0" 100
p fp32 4 16384 "" "LEET_FUSED_V3DEC=0" 100
p fp32 1 1024 "" "LEET_FUSED_V3DEC=0" 200
FUSED_D=256 p fp32 1 65536 "LEET_FUSED_OUT=128" "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=0" 60
FUSED_D=256 p fp32 1 4096 "" "LEET_FUSED_V3DEC=0" 200
FUSED_H=8 p fp32 1 8192 "LEET_FUSED_OUT=128" "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=0" 200
grep pair $OUT/pair.log
cd ../..
mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
(nvidia-smi --query-gpu=timestamp,clocks.sm,power.draw,clocks_event_reasons.active --format=csv -lms 50 > $OUT/smi.csv 2>&1 &)
for dv in 1 0; do
  LEET_FUSED_V3DEC=$dv timeout 120 bash .gpu/run node dist/cli.js bench-gpu --out $OUT/lib32-dec$dv --methods fused,lightning,blocked --dtypes float32 --precision tf32 > $OUT/lib32-dec$dv.log 2>&1; grep -E 'copy|fused' $OUT/lib32-dec$dv.log | head -8
done
pkill nvidia-smi
cut -d, -f2 $OUT/smi.csv | sort | uniq -c | sort -rn | head -5
cd $OUT && tar czf lib.tgz lib32-dec0 lib32-dec1 && rm -rf lib32-dec0 lib32-dec1
