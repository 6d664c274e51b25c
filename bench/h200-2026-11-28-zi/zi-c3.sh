# Run zi, call 3: the segment candidates (cuda/fused_kernels.cuh, segment_candidates; this
# session's build, carried in .gpu/): fused at full size with the plans by rule (test/
# lead-plan-cuda.test.ts, which call 2 found taking no lead plan at N = 16421 and 65573 on
# the powers of two alone), then the candidates against the powers of two alone
# (scripts/fused-segment-ab.js).
set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c3}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
timeout 280 bash .gpu/run ./node_modules/.bin/vitest run test/lead-plan-cuda.test.ts \
  --reporter=verbose --reporter=json --outputFile.json=$R/tests-lead.json > $R/tests-lead.log 2>&1
bash .gpu/run node scripts/test-summary.js $R/tests-lead.json
grep -E "✓|×|FAIL|AssertionError|→" $R/tests-lead.log | head -30
timeout 290 bash .gpu/run node scripts/fused-segment-ab.js $R > $R/segment-ab.log 2>&1
cat $R/segment-ab.log
cd $OUT && tar czf ${CALL:-c3}.tgz ${CALL:-c3} && rm -rf ${CALL:-c3}
