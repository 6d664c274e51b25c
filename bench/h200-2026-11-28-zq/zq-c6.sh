#!/usr/bin/env bash
# Run zq, call 6 (an H200), carry [".gpu", "dist"], the same build as call 5 (9e83cb7):
# test/lead-plan-cuda.test.ts (the plans at full size against a float64 recurrence). Verbose,
# so that the log keeps each test's result even if the time limit cuts the file.
set -u
start=$SECONDS
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c6}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv | tee $R/nvidia-smi.txt
timeout $((575 - (SECONDS - start))) bash .gpu/run ./node_modules/.bin/vitest run test/lead-plan-cuda.test.ts \
  --reporter=verbose --reporter=json --outputFile.json=$R/lead-plan.json > $R/lead-plan.log 2>&1
echo "vitest rc=$? after $((SECONDS - start)) s"
grep -E "✓|×|FAIL" $R/lead-plan.log | sed 's/\x1b\[[0-9;]*m//g' | cut -c1-170
[ -f $R/lead-plan.json ] && bash .gpu/run node scripts/test-summary.js $R/lead-plan.json
cd $OUT && tar czf ${CALL:-c6}.tgz ${CALL:-c6} && rm -rf ${CALL:-c6}
