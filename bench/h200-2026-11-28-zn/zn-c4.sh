#!/usr/bin/env bash
# Run zn, call 4 (an H200, the build with one_walk_thirds), carry [".gpu", "dist"]:
# 1. paired A/B, the default against LEET_FUSED_SEGMODEL=5 (the one walk), --grid thirds:
#    four controls whose plans stay, then twelve shapes the rule moves that calls 2 and 3
#    did not run; fp16, then bf16;
# 2. the new full-size case of test/lead-plan-cuda.test.ts (fp16 5x50000 H = 8, d = 256,
#    against a float64 recurrence; default bitwise the thirds plan on this card).
set -u
start=$SECONDS
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c4}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
timeout 230 bash .gpu/run node scripts/fused-segment-ab.js $R/fp16 --grid thirds --against 5 --only float16 > $R/thirds-fp16.log 2>&1
grep -E "float|geometric" $R/thirds-fp16.log | tail -20
echo "after fp16: $((SECONDS - start)) s"
timeout 230 bash .gpu/run ./node_modules/.bin/vitest run test/lead-plan-cuda.test.ts -t "thirds" --reporter=verbose \
  --reporter=json --outputFile.json=$R/lead-plan.json > $R/lead-plan.log 2>&1
bash .gpu/run node scripts/test-summary.js $R/lead-plan.json
grep -E "✓|×|↓|FAIL|Error|expected" $R/lead-plan.log | head -20
left=$((570 - (SECONDS - start)))
echo "left: $left s"
if [ $left -gt 60 ]; then
  timeout $left bash .gpu/run node scripts/fused-segment-ab.js $R/bf16 --grid thirds --against 5 --only bfloat16 > $R/thirds-bf16.log 2>&1
  grep -E "float|geometric" $R/thirds-bf16.log | tail -20
fi
cd $OUT && tar czf ${CALL:-c4}.tgz ${CALL:-c4} && rm -rf ${CALL:-c4}
