# Run zj, call 1: the 16-bit kernels' state cost where even segment lengths are costed
# (SegModel::long_state_us): the A/B in float16 against the thirty-fifth session's model
# (LEET_FUSED_SEGMODEL=1) on the shapes it moves; then test/lead-plan-cuda.test.ts, whose
# forced plan is now the plan or an error.
set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c1}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
timeout 230 bash .gpu/run node scripts/fused-segment-ab.js $R/float16 --only float16 --grid wide16 --against 1 > $R/segment-ab-float16.log 2>&1
cat $R/segment-ab-float16.log
timeout 300 bash .gpu/run ./node_modules/.bin/vitest run test/lead-plan-cuda.test.ts \
  --reporter=verbose --reporter=json --outputFile.json=$R/tests-lead.json > $R/tests-lead.log 2>&1
bash .gpu/run node scripts/test-summary.js $R/tests-lead.json
grep -E "✓|×|→|Error" $R/tests-lead.log | head -20
cd $OUT && tar czf ${CALL:-c1}.tgz ${CALL:-c1} && rm -rf ${CALL:-c1}
