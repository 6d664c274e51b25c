#!/usr/bin/env bash
# Run zo, call 5 (an H200), carry [".gpu", "dist"], the final build: test/schedules-cuda.test.ts,
# the CUDA suites' long file (every method's schedules and fused's kernels by form).
set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c5}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv | tee $R/nvidia-smi.txt
timeout 575 bash .gpu/run ./node_modules/.bin/vitest run test/schedules-cuda.test.ts \
  --reporter=dot --reporter=json --outputFile.json=$R/schedules.json > $R/schedules.log 2>&1
echo "vitest rc=$?"
bash .gpu/run node scripts/test-summary.js $R/schedules.json
cd $OUT && tar czf ${CALL:-c5}.tgz ${CALL:-c5} && rm -rf ${CALL:-c5}
