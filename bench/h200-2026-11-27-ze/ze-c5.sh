set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/c5; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
timeout 150 bash .gpu/run node bench/h200-2026-11-27-ze/segment-sweep.js > $R/segment-sweep.log 2>&1; cat $R/segment-sweep.log
timeout 200 bash .gpu/run node scripts/fused-packed-ab.js $R > $R/ab.log 2>&1; tail -1 $R/ab.log
timeout 120 bash .gpu/run ./node_modules/.bin/vitest run test/schedules-cuda.test.ts test/state-cuda.test.ts -t "packed" \
  --reporter=dot --reporter=json --outputFile.json=$R/tests-packed.json > $R/tests-packed.log 2>&1
bash .gpu/run node scripts/test-summary.js $R/tests-packed.json
for g in holdout varlen; do timeout 150 bash .gpu/run node dist/cli.js bench-auto --grid $g --out $R/auto-$g > $R/auto-$g.log 2>&1; grep "within" $R/auto-$g.log; done
cd $OUT && tar czf c5.tgz c5 && rm -rf c5
