#!/usr/bin/env bash
# Run zq, call 5 (an H200), from the repository root, carry [".gpu", "dist"]: the library at
# 9e83cb7 (the forty-second session's last commit, whose host code had not run on a GPU),
# built here from a clean tree: the rows (bench-gpu, fused; TF32 three times), the
# CUDA conformance, state, runtime and options suites, then bench-auto's varlen grid.
set -u
start=$SECONDS
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c5}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv | tee $R/nvidia-smi.txt
timeout 200 bash .gpu/run node dist/cli.js bench-gpu --methods fused --out $R/rows > $R/bench.log 2>&1
grep -E "fused|floor|copy" $R/bench.log | cut -c1-200 | head -30
for i in 1 2 3; do
  timeout 100 bash .gpu/run node dist/cli.js bench-gpu --methods fused --dtypes float32 --precision tf32 --out $R/tf32-$i > $R/bench-tf32-$i.log 2>&1
  grep -E "fused|copy" $R/bench-tf32-$i.log | cut -c1-200 | head -6
done
echo "after rows: $((SECONDS - start)) s"
timeout $((500 - (SECONDS - start))) bash .gpu/run ./node_modules/.bin/vitest run test/conformance-cuda.test.ts test/state-cuda.test.ts \
  test/cuda-runtime.test.ts test/options.test.ts \
  --reporter=dot --reporter=json --outputFile.json=$R/suites.json > $R/suites.log 2>&1
echo "vitest rc=$? after $((SECONDS - start)) s"
bash .gpu/run node scripts/test-summary.js $R/suites.json
left=$((585 - (SECONDS - start)))
if [ $left -gt 90 ]; then
  timeout $left bash .gpu/run node dist/cli.js bench-auto --grid varlen --out $R/auto-varlen > $R/auto-varlen.log 2>&1
  echo "varlen rc=$? after $((SECONDS - start)) s"
  grep -E "^auto within" $R/auto-varlen.log
fi
cd $OUT && tar czf ${CALL:-c5}.tgz ${CALL:-c5} && rm -rf ${CALL:-c5}
