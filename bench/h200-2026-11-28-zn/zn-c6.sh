#!/usr/bin/env bash
# Run zn, call 6 (an H200, the final build: one_walk_thirds at walks <= 0.64 of the SMs),
# carry [".gpu", "dist"]: test/lead-plan-cuda.test.ts whole, the plans at full size against
# a float64 recurrence, the new thirds case among them.
set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c6}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
timeout 560 bash .gpu/run ./node_modules/.bin/vitest run test/lead-plan-cuda.test.ts --reporter=verbose \
  --reporter=json --outputFile.json=$R/lead-plan.json > $R/lead-plan.log 2>&1
echo "vitest rc=$?"
bash .gpu/run node scripts/test-summary.js $R/lead-plan.json
grep -E "✓|×|FAIL|Error|expected" $R/lead-plan.log | sed 's/\x1b\[[0-9;]*m//g' | cut -c1-200 | head -20
cd $OUT && tar czf ${CALL:-c6}.tgz ${CALL:-c6} && rm -rf ${CALL:-c6}
