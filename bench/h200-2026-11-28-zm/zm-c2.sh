# Run zm, call 2 (an H200, the final build): the plans at full size against a float64
# recurrence (test/lead-plan-cuda.test.ts, with the new 160-head cases of out_narrow's rule),
# then the TF32 row through the library.
set -u
start=$SECONDS
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c2}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
timeout 480 bash .gpu/run ./node_modules/.bin/vitest run test/lead-plan-cuda.test.ts --reporter=verbose \
  --reporter=json --outputFile.json=$R/lead-plan.json > $R/lead-plan.log 2>&1
bash .gpu/run node scripts/test-summary.js $R/lead-plan.json
grep -E "✓|×|FAIL|Error" $R/lead-plan.log | head -30
left=$((570 - (SECONDS - start)))
echo "left: $left s"
if [ $left -gt 45 ]; then
  timeout $left bash .gpu/run node dist/cli.js bench-gpu --methods fused --dtypes float32 --precision tf32 --out $R/tf32 > $R/bench-tf32.log 2>&1
  tail -6 $R/bench-tf32.log
fi
cd $OUT && tar czf ${CALL:-c2}.tgz ${CALL:-c2} && rm -rf ${CALL:-c2}
