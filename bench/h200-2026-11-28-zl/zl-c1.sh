# Run zl, call 1 (an H200): the TF32 segment model's lead-plan cost (the thirty-eighth
# session) against the thirty-seventh session's model (LEET_FUSED_SEGMODEL=3), paired, on
# the shapes it moves (--grid lead); the rows through the library (bench-gpu); then
# the lead-plan test, which holds the new default at 1x40000 H = 24 against a float64
# recurrence.
set -u
start=$SECONDS
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c1}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
timeout 240 bash .gpu/run node scripts/fused-segment-ab.js $R/lead --grid lead --against 3 > $R/lead.log 2>&1
grep -E "tf32|geometric|faster" $R/lead.log | tail -20
if [ "${ROWS:-1}" = 1 ]; then
  timeout 150 bash .gpu/run node dist/cli.js bench-gpu --methods fused --out $R/bench > $R/bench.log 2>&1
  timeout 60 bash .gpu/run node dist/cli.js bench-gpu --methods fused --dtypes float32 --precision tf32 --out $R/tf32 > $R/bench-tf32.log 2>&1
  tail -14 $R/bench.log; tail -5 $R/bench-tf32.log
fi
left=$((560 - (SECONDS - start)))
echo "left for the lead-plan test: $left s"
if [ $left -gt 120 ]; then
  timeout $left bash .gpu/run ./node_modules/.bin/vitest run test/lead-plan-cuda.test.ts --reporter=verbose \
    --reporter=json --outputFile.json=$R/lead-plan.json > $R/lead-plan.log 2>&1
  bash .gpu/run node scripts/test-summary.js $R/lead-plan.json
  grep -E "✓|×|FAIL" $R/lead-plan.log | head -20
fi
cd $OUT && tar czf ${CALL:-c1}.tgz ${CALL:-c1} && rm -rf ${CALL:-c1}
