#!/usr/bin/env bash
# twenty-sixth session, call 1: the output walk's rate with few CTAs (no bandwidth contention) against many;
# PDL on the long-segment schedules
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version,power.limit --format=csv | tee $OUT/gpu.txt
xz -dc fb.xz > fb; chmod +x fb
E="LEET_FUSED_SEGMENT=8192 LEET_CUDA_WGMMA_NARROW=0"
for dt in fp32 fp16; do
  for H in 16 32 64 96 128; do
    FUSED_H=$H timeout 60 ./fb pair $dt 1 8192 "$E" "$E LEET_FUSED_PDL=0" 40 >> $OUT/walk.log 2>&1
  done
  for H in 32 128; do
    FUSED_H=$H timeout 60 ./fb pair $dt 1 16384 "LEET_FUSED_SEGMENT=16384 LEET_CUDA_WGMMA_NARROW=0" "LEET_FUSED_SEGMENT=16384 LEET_CUDA_WGMMA_NARROW=0 LEET_FUSED_PDL=0" 30 >> $OUT/walk.log 2>&1
  done
done
cat $OUT/walk.log
for dt in fp32 fp16 bf16; do
  timeout 60 ./fb pair $dt 1 65536 "LEET_FUSED_PDL=0" "LEET_FUSED_PDL=1" 100 >> $OUT/pdl.log 2>&1
done
timeout 60 ./fb pair fp32 2 32768 "LEET_FUSED_PDL=0" "LEET_FUSED_PDL=1" 100 >> $OUT/pdl.log 2>&1
timeout 60 ./fb pair fp32 1 16384 "LEET_FUSED_PDL=0" "LEET_FUSED_PDL=1" 100 >> $OUT/pdl.log 2>&1
cat $OUT/pdl.log
cp z1.sh $OUT/
