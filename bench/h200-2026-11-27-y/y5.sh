#!/usr/bin/env bash
# twenty-fifth session, call 5 (H100): do this session's two TMA forms pay on an H100,
# where the rules keep them off (peak DRAM below 4 TB/s)? Paired A/B, then the library row.
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version,power.limit --format=csv | tee $OUT/gpu.txt
xz -dc fb.xz > fb; chmod +x fb
# the decoupled output kernel (O by TMA) against the lockstep one, where 128-column CTAs run
for shape in "fp32 8 8192" "fp32 1 4096" "fp32 1 1024"; do
  timeout 60 ./fb pair $shape "" "LEET_FUSED_V3DEC=1" 100 >> $OUT/pair-h100.log 2>&1
done
# the three-stage state kernel by TMA (forced) against the default two-stage one
for shape in "fp32 1 65536" "fp32 2 32768" "fp32 1 16384"; do
  timeout 60 ./fb pair $shape "" "LEET_FUSED_STATE_DEEP=1" 100 >> $OUT/pair-h100.log 2>&1
done
cat $OUT/pair-h100.log
cd ../..
mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
timeout 150 bash .gpu/run node dist/cli.js bench-gpu --out $OUT/tf32 --dtypes float32 --precision tf32 --methods fused 2>&1 | tail -12 > $OUT/bench-tf32.log
cat $OUT/bench-tf32.log
cp out/fbx/y5.sh $OUT/
