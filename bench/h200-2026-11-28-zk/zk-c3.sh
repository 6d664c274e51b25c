# Run zk, call 3 (an H100): the thirty-seventh session's model forced on (LEET_FUSED_SEGMODEL=3:
# every count of segments, and the 16-bit memory bound) against the thirty-sixth session's
# (=2), paired, on shapes whose plans move on an H100 (--grid h100): the default build takes
# the new model only at an H200's bandwidth. Then, in the time left, the lead-plan test.
set -u
start=$SECONDS
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c3}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
timeout 380 bash .gpu/run node scripts/fused-segment-ab.js $R/h100 --grid h100 --against 2 --new 3 > $R/h100.log 2>&1
tail -2 $R/h100.log
left=$((540 - (SECONDS - start)))
echo "left for the lead-plan test: $left s"
if [ $left -gt 120 ]; then
  timeout $left bash .gpu/run ./node_modules/.bin/vitest run test/lead-plan-cuda.test.ts --reporter=verbose \
    --reporter=json --outputFile.json=$R/lead-plan.json > $R/lead-plan.log 2>&1
  bash .gpu/run node scripts/test-summary.js $R/lead-plan.json
  grep -E "✓|×|FAIL" $R/lead-plan.log | head -20
fi
cd $OUT && tar czf ${CALL:-c3}.tgz ${CALL:-c3} && rm -rf ${CALL:-c3}
