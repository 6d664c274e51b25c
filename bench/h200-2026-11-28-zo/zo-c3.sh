#!/usr/bin/env bash
# Run zo, call 3 (an H200), carry [".gpu", "dist"]: on the final build,
# 1. the plans at full size against a float64 recurrence (test/lead-plan-cuda.test.ts; its
#    thirds case asserts that the default is bitwise the thirds on this card);
# 2. the rule's new 85-88 walks through the library: scripts/fused-segment-ab.js --grid
#    two-waves --against 5 (A: the one walk, B: the default), fp16 and bf16.
set -u
start=$SECONDS
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c3}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv | tee $R/nvidia-smi.txt
timeout 100 bash .gpu/run node scripts/fused-segment-ab.js $R/fp16 --grid two-waves --against 5 --only float16 > $R/two-waves-fp16.log 2>&1
grep -E "B/A|x" $R/two-waves-fp16.log | cut -c1-160 | tail -8
timeout 100 bash .gpu/run node scripts/fused-segment-ab.js $R/bf16 --grid two-waves --against 5 --only bfloat16 > $R/two-waves-bf16.log 2>&1
grep -E "B/A|x" $R/two-waves-bf16.log | cut -c1-160 | tail -8
echo "after A/B: $((SECONDS - start)) s"
timeout $((585 - (SECONDS - start))) bash .gpu/run ./node_modules/.bin/vitest run test/lead-plan-cuda.test.ts \
  --reporter=verbose --reporter=json --outputFile.json=$R/lead-plan.json > $R/lead-plan.log 2>&1
echo "vitest rc=$? after $((SECONDS - start)) s"
grep -E "✓|✗|×|FAIL" $R/lead-plan.log | cut -c1-160 | tail -16
bash .gpu/run node scripts/test-summary.js $R/lead-plan.json
cd $OUT && tar czf ${CALL:-c3}.tgz ${CALL:-c3} && rm -rf ${CALL:-c3}
