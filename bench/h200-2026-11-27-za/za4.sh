#!/usr/bin/env bash
# twenty-seventh session, call 4 (H200): where the 16-bit lead plan pays: m = 2, against the default (the narrow one-walk kernels) and the wide kernels without it
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version,power.limit --format=csv | tee $OUT/gpu.txt
xz -dc fb.xz > fb; chmod +x fb
P() { timeout 60 ./fb pair "$@" >> $OUT/sweep.log 2>&1; }
for dt in fp16 bf16; do
  P $dt 2 65536 "" "LEET_FUSED_LEAD=1" 30
  P $dt 2 65536 "" "LEET_FUSED_OUT=128" 30
  FUSED_D=256 P $dt 1 65536 "" "LEET_FUSED_LEAD=1" 30
  FUSED_D=256 P $dt 1 65536 "" "LEET_FUSED_OUT=128" 30
done
P fp16 2 65536 "" "LEET_FUSED_LEAD=16384" 30
P fp16 2 65536 "" "LEET_FUSED_LEAD=26112" 30
FUSED_D=256 P fp16 1 131072 "" "LEET_FUSED_LEAD=1" 20
P fp16 4 65536 "" "LEET_FUSED_LEAD=1" 20
P fp16 2 32768 "" "LEET_FUSED_LEAD=1" 40
FUSED_D=256 P fp16 1 32768 "" "LEET_FUSED_LEAD=1" 40
FUSED_D=256 P fp16 2 32768 "" "LEET_FUSED_LEAD=1" 30
FUSED_H=40 P fp16 1 65536 "" "LEET_FUSED_LEAD=1" 30
FUSED_H=64 P fp16 1 65536 "" "LEET_FUSED_LEAD=1" 30
FUSED_H=16 P fp16 2 65536 "" "LEET_FUSED_LEAD=1" 30
P fp16 1 65536 "" "LEET_FUSED_LEAD=1" 40
P fp16 1 65536 "" "LEET_FUSED_LEAD=1" 40
FUSED_D=256 P fp32 1 65536 "" "LEET_FUSED_LEAD=1" 20
FUSED_D=256 P fp32 1 65536 "" "LEET_FUSED_OUT=64" 20
P fp32 2 65536 "" "LEET_FUSED_LEAD=1" 20
grep -o "pair.*" $OUT/sweep.log | sed 's/d128  //' | cut -c1-170
cp za4.sh $OUT/
