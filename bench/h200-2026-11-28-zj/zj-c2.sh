# Run zj, call 2: why the forced lead plan did not fit in call 1's test (lead-why.js, with
# outputs poisoned as the tests do and without); the schedule tests that force the plan at
# small shapes, now an error where it does not fit.
set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c2}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
timeout 90 bash .gpu/run node bench/h200-2026-11-28-zj/lead-why.js 2>&1 | tee $R/lead-why.log
LEET_DECODING_POISON=1 timeout 90 bash .gpu/run node bench/h200-2026-11-28-zj/lead-why.js 2>&1 | tee $R/lead-why-poison.log
timeout 240 bash .gpu/run ./node_modules/.bin/vitest run test/schedules-cuda.test.ts -t "lead plan" \
  --reporter=verbose --reporter=json --outputFile.json=$R/tests-schedules.json > $R/tests-schedules.log 2>&1
bash .gpu/run node scripts/test-summary.js $R/tests-schedules.json
grep -E "×|→" $R/tests-schedules.log | head -20
cd $OUT && tar czf ${CALL:-c2}.tgz ${CALL:-c2} && rm -rf ${CALL:-c2}
