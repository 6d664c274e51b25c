#!/usr/bin/env bash
# twenty-eighth session, call 3 (H100), from the repository root: the early state update (the default; it runs on an H100 in the lead plan's output kernels): fused_bench's version-3 checks, paired A/B against LEET_FUSED_EARLY=0, then the library's issue rows
set -u
R=$OUT/r; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version,power.limit --format=csv | tee $R/gpu.txt
cd out/fbx && xz -dc fb.xz > fb && chmod +x fb
FUSED_CASES="v3" timeout 200 ./fb check /tmp/c.json > $R/check.log 2>&1; echo "check rc=$?"; grep -c PASS $R/check.log; grep -iE "fail" $R/check.log | grep -v "0 failures" | head -5 | cut -c1-160; tail -1 $R/check.log
P() { timeout 90 ./fb pair "$@" >> $R/pair.log 2>&1; }
P fp32 1 65536 "LEET_FUSED_EARLY=0" "" 30
P fp32 1 32768 "LEET_FUSED_EARLY=0" "" 30
P fp32 2 32768 "LEET_FUSED_EARLY=0" "" 20
P fp32 1 65536 "LEET_FUSED_EARLY=0 LEET_FUSED_LEAD=1" "LEET_FUSED_LEAD=1" 30
grep -o "pair.*" $R/pair.log | sed 's/d128  //' | cut -c1-170
LEET_FUSED_EARLY=1 timeout 100 ncu --clock-control none --kernel-name-base mangled -c 4 ./fb profile32l 2>&1 | grep -oE "fused_v3_kernel[A-Za-z0-9_]*" | sort | uniq -c | cut -c1-120
cd ../..
cp bench/h200-2026-11-27-zb/zb3.sh $R/
[ -f .gpu/leet_decoding.node.xz ] && mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
bash .gpu/run node dist/cli.js bench-gpu --methods fused --out $R/bench 2>&1 | tee $R/bench.log | tail -20
bash .gpu/run node dist/cli.js bench-gpu --methods fused --dtypes float32 --precision tf32 --out $R/tf32 2>&1 | tee $R/bench-tf32.log | tail -9
cd $OUT && cp r/pair.log r/bench.log r/bench-tf32.log r/check.log . && tar czf r.tgz r && rm -rf r
