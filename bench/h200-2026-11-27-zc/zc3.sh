#!/usr/bin/env bash
# twenty-ninth session, call 3 (H200), from the repository root: the small pieces' length
# at TF32 1x65536 and 1x131072, short paired runs (10 pairs, the card at its top clock,
# as in the library benchmark) and long ones (40 pairs, under the power cap)
set -u
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version,power.limit --format=csv | tee $OUT/gpu.txt
cd out/fbx && xz -dc fb.xz > fb && chmod +x fb
P() { timeout 100 ./fb pair "$@" 2>/dev/null | grep -o "pair.*" | sed 's/d128  //' | tee -a $OUT/sweep.log | cut -c1-170; }
for rep in 1 2; do
  for s in 1728 1600 1344 1024 704; do
    P fp32 1 65536 "LEET_FUSED_SMALL=0" "LEET_FUSED_SMALL=$s" 10
  done
done
for s in 3584 2816 2048; do
  P fp32 1 131072 "LEET_FUSED_SMALL=0" "LEET_FUSED_SMALL=$s" 6
done
for s in 1728 1344 1024; do
  P fp32 1 65536 "LEET_FUSED_SMALL=0" "LEET_FUSED_SMALL=$s" 40
done
# the first segment's length with the pieces
for L0 in 4480 5504; do
  P fp32 1 65536 "LEET_FUSED_SMALL=1344" "LEET_FUSED_SMALL=1344 LEET_FUSED_LEAD=$L0" 10
done
cp ../../bench/h200-2026-11-27-zc/zc3.sh $OUT/
