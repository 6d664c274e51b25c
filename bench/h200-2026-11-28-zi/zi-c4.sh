# Run zi, call 4: the segment candidates rounded to 512 tokens from L = 512 on (the build
# after call 3): the A/B in float16, float32 tf32 and exact; the lead plan's diagnostic
# (lead-diag.js); test/lead-plan-cuda.test.ts at N = 16421.
set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c4}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
for dt in float16 float32; do
  timeout 200 bash .gpu/run node scripts/fused-segment-ab.js $R/$dt --only $dt > $R/segment-ab-$dt.log 2>&1
  cat $R/segment-ab-$dt.log
done
timeout 60 bash .gpu/run node bench/h200-2026-11-28-zi/lead-diag.js 2>&1 | tee $R/lead-diag.log
timeout 120 bash .gpu/run ./node_modules/.bin/vitest run test/lead-plan-cuda.test.ts -t "N=16421" \
  --reporter=verbose --reporter=json --outputFile.json=$R/tests-lead.json > $R/tests-lead.log 2>&1
bash .gpu/run node scripts/test-summary.js $R/tests-lead.json
grep -E "✓|×|→" $R/tests-lead.log | head -12
cd $OUT && tar czf ${CALL:-c4}.tgz ${CALL:-c4} && rm -rf ${CALL:-c4}
