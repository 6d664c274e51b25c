# Run zi, call 2: test/lead-plan-cuda.test.ts again (call 1 found the test's own fault: it
# disposed results that were already host tensors); then, on an H200 only, bench-auto's
# check grid.
set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c2}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
timeout 280 bash .gpu/run ./node_modules/.bin/vitest run test/lead-plan-cuda.test.ts \
  --reporter=verbose --reporter=json --outputFile.json=$R/tests-lead.json > $R/tests-lead.log 2>&1
bash .gpu/run node scripts/test-summary.js $R/tests-lead.json
grep -E "✓|×|FAIL|AssertionError|Error|→" $R/tests-lead.log | head -30
if grep -q H200 $R/nvidia-smi.txt; then
  timeout 280 bash .gpu/run node dist/cli.js bench-auto --grid check --out $R/auto-check > $R/auto-check.log 2>&1
  grep -E "^auto within" $R/auto-check.log
fi
cd $OUT && tar czf ${CALL:-c2}.tgz ${CALL:-c2} && rm -rf ${CALL:-c2}
