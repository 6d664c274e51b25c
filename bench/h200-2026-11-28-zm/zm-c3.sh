# Run zm, call 3 (an H200, the final build): the CUDA suites but the lead-plan test (call 2):
# conformance, states, schedules (which forces every kernel form at small shapes), the CUDA
# runtime and the options.
set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c3}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
timeout 560 bash .gpu/run ./node_modules/.bin/vitest run test/conformance-cuda.test.ts test/state-cuda.test.ts \
  test/schedules-cuda.test.ts test/cuda-runtime.test.ts test/options.test.ts \
  --reporter=dot --reporter=json --outputFile.json=$R/gpu-tests.json > $R/gpu-tests.log 2>&1
bash .gpu/run node scripts/test-summary.js $R/gpu-tests.json
tail -8 $R/gpu-tests.log
cd $OUT && tar czf ${CALL:-c3}.tgz ${CALL:-c3} && rm -rf ${CALL:-c3}
