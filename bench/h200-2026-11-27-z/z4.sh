#!/usr/bin/env bash
# twenty-sixth session, call 4: the lead plan at kLeadFrac 0.34: the default against neighbours and off, over shapes; the library's TF32 rows
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version,power.limit --format=csv | tee $OUT/gpu.txt
xz -dc fb.xz > fb; chmod +x fb
FUSED_CASES="v3l" timeout 100 ./fb check /tmp/c.json > $OUT/check.log 2>&1; echo "check rc=$?"; tail -1 $OUT/check.log
P() { timeout 60 ./fb pair "$@" >> $OUT/sweep.log 2>&1; }
for x in 1 4608 5632; do P fp32 1 65536 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=$x" 80; done
for x in 1 4096 5376; do P fp32 2 32768 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=$x" 60; done
for x in 1 1024; do P fp32 1 16384 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=$x" 60; done
for n in 12288 24576 32768 49152; do P fp32 1 $n "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 50; done
P fp32 1 131072 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 30
FUSED_D=256 P fp32 1 65536 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 40
FUSED_D=256 P fp32 1 16384 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 40
FUSED_H=64 P fp32 1 32768 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 40
FUSED_H=16 P fp32 1 65536 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 40
FUSED_H=16 P fp32 1 131072 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 30
FUSED_H=40 P fp32 1 65536 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 40
grep -o "pair.*" $OUT/sweep.log | sed 's/d128  //' | cut -c1-160
cd ../..
mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
timeout 200 bash .gpu/run node dist/cli.js bench-gpu --out $OUT/tf32 --dtypes float32 --precision tf32 --methods blocked,lightning,fused 2>&1 | tail -40 > $OUT/bench-tf32.log
cat $OUT/bench-tf32.log | tail -30
cp out/fbx/z4.sh $OUT/
