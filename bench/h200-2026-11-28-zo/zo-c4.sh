#!/usr/bin/env bash
# Run zo, call 4 (an H200), carry [".gpu", "dist"], the final build: the two tests of
# test/lead-plan-cuda.test.ts that call 3's time limit cut (the thirds at full size; forcing
# the lead plan where it does not fit), then the CUDA suites but the schedules file (call 5).
set -u
start=$SECONDS
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c4}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv | tee $R/nvidia-smi.txt
timeout 300 bash .gpu/run ./node_modules/.bin/vitest run test/lead-plan-cuda.test.ts -t "into thirds|does not fit" \
  --reporter=verbose --reporter=json --outputFile.json=$R/lead-plan-rest.json > $R/lead-plan-rest.log 2>&1
echo "vitest rc=$? after $((SECONDS - start)) s"
grep -E "✓|×|FAIL" $R/lead-plan-rest.log | sed 's/\x1b\[[0-9;]*m//g' | cut -c1-170
bash .gpu/run node scripts/test-summary.js $R/lead-plan-rest.json
timeout $((590 - (SECONDS - start))) bash .gpu/run ./node_modules/.bin/vitest run test/conformance-cuda.test.ts test/state-cuda.test.ts \
  test/cuda-runtime.test.ts test/options.test.ts \
  --reporter=dot --reporter=json --outputFile.json=$R/suites.json > $R/suites.log 2>&1
echo "vitest rc=$? after $((SECONDS - start)) s"
bash .gpu/run node scripts/test-summary.js $R/suites.json
cd $OUT && tar czf ${CALL:-c4}.tgz ${CALL:-c4} && rm -rf ${CALL:-c4}
