#!/usr/bin/env bash
# twenty-ninth session, call 4 (H200), from the repository root: the final build (small
# pieces of kSmallFrac x / q tokens, 1472 at 1x65536). Paired A/B against the pieces off,
# fused_bench's version-3 checks, the library's issue rows
set -u
R=$OUT/r; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version,power.limit --format=csv | tee $R/gpu.txt
cd out/fbx && xz -dc fb.xz > fb && chmod +x fb
P() { timeout 100 ./fb pair "$@" 2>/dev/null | grep -o "pair.*" | sed 's/d128  //' | tee -a $OUT/pair.log | cut -c1-170; }
for rep in 1 2 3; do P fp32 1 65536 "LEET_FUSED_SMALL=0" "" 10; done
P fp32 1 131072 "LEET_FUSED_SMALL=0" "" 6
P fp32 1 32768 "LEET_FUSED_SMALL=0" "" 10
P fp32 1 65536 "LEET_FUSED_SMALL=0" "" 40
FUSED_CASES="v3" timeout 200 ./fb check /tmp/c.json > $OUT/check.log 2>&1; echo "check rc=$?"; grep -c PASS $OUT/check.log; grep -iE "fail" $OUT/check.log | grep -v "0 failures" | head -5 | cut -c1-160; tail -1 $OUT/check.log
cd ../..
cp bench/h200-2026-11-27-zc/zc4.sh $R/
[ -f .gpu/leet_decoding.node.xz ] && mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
bash .gpu/run node dist/cli.js bench-gpu --methods fused --out $R/bench 2>&1 | tee $OUT/bench.log | tail -20
for i in 1 2; do
  bash .gpu/run node dist/cli.js bench-gpu --methods fused --dtypes float32 --precision tf32 --out $R/tf32-$i 2>&1 | tee -a $OUT/bench-tf32.log | tail -8
  LEET_FUSED_SMALL=0 bash .gpu/run node dist/cli.js bench-gpu --methods fused --dtypes float32 --precision tf32 --out $R/tf32-s0-$i 2>&1 | tee -a $OUT/bench-tf32-s0.log | tail -8
done
cd $OUT && tar czf r.tgz r && rm -rf r
