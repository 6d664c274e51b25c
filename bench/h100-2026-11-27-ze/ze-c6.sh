set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/c6; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
timeout 200 bash .gpu/run node scripts/fused-packed-ab.js $R --only float32 > $R/ab.log 2>&1; tail -1 $R/ab.log
timeout 170 bash .gpu/run ./node_modules/.bin/vitest run test/schedules-cuda.test.ts test/state-cuda.test.ts -t "packed" \
  --reporter=dot --reporter=json --outputFile.json=$R/tests-packed.json > $R/tests-packed.log 2>&1
bash .gpu/run node scripts/test-summary.js $R/tests-packed.json
timeout 160 bash .gpu/run node dist/cli.js bench-auto --grid holdout --out $R/auto-holdout > $R/auto-holdout.log 2>&1; grep "within" $R/auto-holdout.log
cd $OUT && tar czf c6.tgz c6 && rm -rf c6
