# Run zi, call 1 (thirty-fifth session): fused at full size with the segment plans chosen by
# rule (test/lead-plan-cuda.test.ts), on whichever card comes; then, on an H200 only, whether
# method "auto" is the fastest on this build (bench-auto's main grid).
set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c1}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
timeout 280 bash .gpu/run ./node_modules/.bin/vitest run test/lead-plan-cuda.test.ts \
  --reporter=verbose --reporter=json --outputFile.json=$R/tests-lead.json > $R/tests-lead.log 2>&1
bash .gpu/run node scripts/test-summary.js $R/tests-lead.json
grep -E "✓|×|FAIL|AssertionError|Error" $R/tests-lead.log | head -30
if grep -q H200 $R/nvidia-smi.txt; then
  timeout 250 bash .gpu/run node dist/cli.js bench-auto --out $R/auto > $R/auto.log 2>&1
  grep -E "^auto within" $R/auto.log
fi
cd $OUT && tar czf ${CALL:-c1}.tgz ${CALL:-c1} && rm -rf ${CALL:-c1}
