# Run zj, call 4: the primary context made current on each calling thread (make_context):
# lead-why.js (every case should run), test/lead-plan-cuda.test.ts, and the schedule tests
# that force the lead plan at small shapes.
set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c4}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
timeout 90 bash .gpu/run node bench/h200-2026-11-28-zj/lead-why.js 2>&1 | tee $R/lead-why.log
timeout 150 bash .gpu/run ./node_modules/.bin/vitest run test/schedules-cuda.test.ts -t "lead plan" \
  --reporter=verbose --reporter=json --outputFile.json=$R/tests-schedules.json > $R/tests-schedules.log 2>&1
bash .gpu/run node scripts/test-summary.js $R/tests-schedules.json
grep -E "×|→" $R/tests-schedules.log | head -20
timeout 320 bash .gpu/run ./node_modules/.bin/vitest run test/lead-plan-cuda.test.ts \
  --reporter=verbose --reporter=json --outputFile.json=$R/tests-lead.json > $R/tests-lead.log 2>&1
bash .gpu/run node scripts/test-summary.js $R/tests-lead.json
grep -E "✓|×|→" $R/tests-lead.log | head -20
cd $OUT && tar czf ${CALL:-c4}.tgz ${CALL:-c4} && rm -rf ${CALL:-c4}
