#!/usr/bin/env bash
# twenty-fourth session, call 4 (H100): the decoupled TF32 output kernel on an H100.
# fused_bench checks, paired A/B (A = the default, decoupled; B = lockstep; the 128-column
# kernels forced where the H100's width rule takes 64 columns), the library's TF32 rows.
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version,power.limit --format=csv | tee $OUT/gpu.txt
xz -dc fb.xz > fb; chmod +x fb
FUSED_CASES="v3|f32tf32" timeout 200 ./fb check /tmp/c.json > $OUT/check.log 2>&1; echo "check rc=$?"; grep -c PASS $OUT/check.log; grep -E "FAIL|failures" $OUT/check.log
p() { timeout 60 ./fb pair "$@" >> $OUT/pair.log 2>&1; }
p fp32 8 8192 "" "LEET_FUSED_V3DEC=0" 100
p fp32 1 65536 "LEET_FUSED_OUT=128" "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=0" 60
p fp32 1 65536 "LEET_FUSED_OUT=128" "LEET_FUSED_OUT=64" 60
p fp32 4 16384 "" "LEET_FUSED_V3DEC=0" 100
p fp32 2 32768 "LEET_FUSED_OUT=128" "LEET_FUSED_OUT=64" 60
p fp32 1 16384 "LEET_FUSED_OUT=128" "LEET_FUSED_OUT=64" 100
p fp32 1 1024 "" "LEET_FUSED_V3DEC=0" 200
grep pair $OUT/pair.log
cd ../..
mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
for dv in 1 0; do
  LEET_FUSED_V3DEC=$dv timeout 120 bash .gpu/run node dist/cli.js bench-gpu --out $OUT/lib32-dec$dv --methods fused,lightning,blocked --dtypes float32 --precision tf32 > $OUT/lib32-dec$dv.log 2>&1; grep -E 'copy|fused' $OUT/lib32-dec$dv.log | head -8
done
cd $OUT && tar czf lib.tgz lib32-dec0 lib32-dec1 && rm -rf lib32-dec0 lib32-dec1
