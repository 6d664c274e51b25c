# Run zj, call 6: the new test that forces the lead plan on eight calls at once, each the
# first call of a worker thread (test/lead-plan-cuda.test.ts).
set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c6}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
timeout 200 bash .gpu/run ./node_modules/.bin/vitest run test/lead-plan-cuda.test.ts -t "every worker thread" \
  --reporter=verbose --reporter=json --outputFile.json=$R/tests-threads.json > $R/tests-threads.log 2>&1
bash .gpu/run node scripts/test-summary.js $R/tests-threads.json
grep -E "✓|×|→" $R/tests-threads.log | head -20
cd $OUT && tar czf ${CALL:-c6}.tgz ${CALL:-c6} && rm -rf ${CALL:-c6}
