# Run zh, call 2 (thirty-fourth session): the CUDA conformance, state, runtime and options suites
# on the shipped build (commit 068e81f's addon, carried in .gpu/), on whichever card comes. On an
# H200 they last ran whole in run zc (twenty-ninth session); the packed-sequence, scan, dispatch
# and vanilla changes since then were tested on H100s (runs zd to zf).
set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/c2; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
timeout 560 bash .gpu/run ./node_modules/.bin/vitest run test/conformance-cuda.test.ts test/state-cuda.test.ts test/cuda-runtime.test.ts test/options.test.ts \
  --reporter=dot --reporter=json --outputFile.json=$R/tests-other.json > $R/tests-other.log 2>&1
bash .gpu/run node scripts/test-summary.js $R/tests-other.json
grep -hE "FAIL|AssertionError" $R/tests-*.log | head -20
cd $OUT && tar czf c2.tgz c2 && rm -rf c2
