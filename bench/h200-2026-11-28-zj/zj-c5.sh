# Run zj, call 5: the CUDA suites other than the lead-plan file (call 4), now that every
# call's TMA maps are encoded (the context bound in make_context): before, a worker
# thread's first call ran fused without its TMA-fed kernels.
set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c5}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
timeout 500 bash .gpu/run ./node_modules/.bin/vitest run test/conformance-cuda.test.ts test/state-cuda.test.ts test/schedules-cuda.test.ts test/cuda-runtime.test.ts test/options.test.ts \
  --reporter=dot --reporter=json --outputFile.json=$R/gpu-tests.json > $R/gpu-tests.log 2>&1
bash .gpu/run node scripts/test-summary.js $R/gpu-tests.json
grep -E "FAIL|AssertionError|→" $R/gpu-tests.log | head -30
cd $OUT && tar czf ${CALL:-c5}.tgz ${CALL:-c5} && rm -rf ${CALL:-c5}
