set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/c2; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
timeout 200 bash .gpu/run node dist/cli.js bench-auto --grid varlen --out $R/auto-varlen > $R/auto-varlen.log 2>&1; grep "within" $R/auto-varlen.log
timeout 150 bash .gpu/run ./node_modules/.bin/vitest run test/schedules-cuda.test.ts test/state-cuda.test.ts -t "packed" \
  --reporter=dot --reporter=json --outputFile.json=$R/tests-packed.json > $R/tests-packed.log 2>&1
bash .gpu/run node scripts/test-summary.js $R/tests-packed.json
timeout 180 bash .gpu/run ./node_modules/.bin/vitest run test/conformance-cuda.test.ts test/state-cuda.test.ts test/cuda-runtime.test.ts test/options.test.ts \
  --reporter=dot --reporter=json --outputFile.json=$R/tests-other.json > $R/tests-other.log 2>&1
bash .gpu/run node scripts/test-summary.js $R/tests-other.json
grep -hE "FAIL|AssertionError" $R/tests-*.log | head -20
cd $OUT && tar czf c2.tgz c2 && rm -rf c2
