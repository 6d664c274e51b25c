#!/usr/bin/env bash
# twenty-ninth session, call 8, from the repository root: after the review's refactor (one
# helper for a sequence's first state slot, wg_seq_slot; the PTX differs from the measured
# build only in the operand order of one addition in the first segments' output kernels):
# fused_bench's version-2 and -3 checks, the lead plan's CUDA tests, one paired A/B
set -u
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version,power.limit --format=csv | tee $OUT/gpu.txt
cd out/fbx && xz -dc fb.xz > fb && chmod +x fb
FUSED_CASES="v2|v3" timeout 240 ./fb check /tmp/c.json > $OUT/check.log 2>&1; echo "check rc=$?"; grep -c PASS $OUT/check.log; grep -iE "fail" $OUT/check.log | grep -v "0 failures" | head -5 | cut -c1-160; tail -1 $OUT/check.log
timeout 100 ./fb pair fp32 1 65536 "LEET_FUSED_SMALL=0" "" 10 2>/dev/null | grep -o "pair.*" | tee $OUT/pair.log
cd ../..
[ -f .gpu/leet_decoding.node.xz ] && mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
timeout 200 bash .gpu/run ./node_modules/.bin/vitest run test/schedules-cuda.test.ts -t "lead plan" --reporter=dot 2>&1 | tee $OUT/tests.log | tail -6
cp bench/h200-2026-11-27-zc/zc8.sh $OUT/
