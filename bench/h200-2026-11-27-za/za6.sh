#!/usr/bin/env bash
# twenty-seventh session, call 6 (H200), from the repository root: the final build's default against the plan off (fused_bench), then the library's issue rows
set -u
R=$OUT/r; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version,power.limit --format=csv | tee $R/gpu.txt
cd out/fbx && xz -dc fb.xz > fb && chmod +x fb
P() { timeout 60 ./fb pair "$@" >> $R/pair.log 2>&1; }
P fp16 2 65536 "LEET_FUSED_LEAD=0" "" 30
P bf16 2 65536 "LEET_FUSED_LEAD=0" "" 30
FUSED_D=256 P fp16 1 65536 "LEET_FUSED_LEAD=0" "" 30
FUSED_D=256 P bf16 1 32768 "LEET_FUSED_LEAD=0" "" 30
FUSED_H=64 P bf16 1 65536 "LEET_FUSED_LEAD=0" "" 30
P fp16 2 32768 "LEET_FUSED_LEAD=0" "" 30
P fp16 1 65536 "LEET_FUSED_LEAD=0" "" 30
P bf16 8 8192 "LEET_FUSED_LEAD=0" "" 20
P fp32 1 65536 "LEET_FUSED_LEAD=0" "" 20
grep -o "pair.*" $R/pair.log | sed 's/d128  //' | cut -c1-170
cp za6.sh $R/
cd ../..
[ -f .gpu/leet_decoding.node.xz ] && mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
bash .gpu/run node dist/cli.js bench-gpu --methods fused --out $R/bench 2>&1 | tee $R/bench.log | tail -22
bash .gpu/run node dist/cli.js bench-gpu --methods fused --dtypes float32 --precision tf32 --out $R/tf32 2>&1 | tee $R/bench-tf32.log | tail -12
cd $OUT && cp r/pair.log r/bench.log r/bench-tf32.log . && tar czf r.tgz r && rm -rf r
