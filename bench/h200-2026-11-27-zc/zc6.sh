#!/usr/bin/env bash
# twenty-ninth session, call 6 (H100), from the repository root: the final build. fused_bench's
# version-3 checks, paired A/B against the small pieces off, the library's TF32 rows with
# and without them, the lead plan's CUDA tests
set -u
R=$OUT/r; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version,power.limit --format=csv | tee $R/gpu.txt
cd out/fbx && xz -dc fb.xz > fb && chmod +x fb
FUSED_CASES="v3" timeout 200 ./fb check /tmp/c.json > $OUT/check.log 2>&1; echo "check rc=$?"; grep -c PASS $OUT/check.log; grep -iE "fail" $OUT/check.log | grep -v "0 failures" | head -5 | cut -c1-160; grep v3m $OUT/check.log | cut -c1-110; tail -1 $OUT/check.log
P() { timeout 100 ./fb pair "$@" 2>/dev/null | grep -o "pair.*" | sed 's/d128  //' | tee -a $OUT/pair.log | cut -c1-170; }
for rep in 1 2 3; do P fp32 1 65536 "LEET_FUSED_SMALL=0" "" 10; done
P fp32 1 65536 "LEET_FUSED_SMALL=0" "" 40
P fp32 1 131072 "LEET_FUSED_SMALL=0" "" 6
cd ../..
cp bench/h200-2026-11-27-zc/zc6.sh $R/
[ -f .gpu/leet_decoding.node.xz ] && mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
for i in 1 2; do
  bash .gpu/run node dist/cli.js bench-gpu --methods fused --dtypes float32 --precision tf32 --out $R/tf32-$i 2>&1 | tee -a $OUT/bench-tf32.log | tail -8
  LEET_FUSED_SMALL=0 bash .gpu/run node dist/cli.js bench-gpu --methods fused --dtypes float32 --precision tf32 --out $R/tf32-s0-$i 2>&1 | tee -a $OUT/bench-tf32-s0.log | tail -8
done
timeout 200 bash .gpu/run ./node_modules/.bin/vitest run test/schedules-cuda.test.ts -t "lead plan" --reporter=dot 2>&1 | tee $OUT/tests.log | tail -6
cd $OUT && tar czf r.tgz r && rm -rf r
