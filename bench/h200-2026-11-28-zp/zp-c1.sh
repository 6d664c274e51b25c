#!/usr/bin/env bash
# Run zp, call 1 (an H200), from the repository root, carry [".gpu", "dist"]: this session's
# build (family_segment: one helper for the output kernels' segment length; no plan moves by
# scripts/fused-bench/plan.cu over 6390 shapes x 2 cards x 4 dtypes):
# 1. the rows through the library (bench-gpu, fused: fp16, bf16, float32 exact; then
#    TF32 three times, since that row sits at the 1.5-ms edge);
# 2. the CUDA conformance, state, runtime and options suites.
set -u
start=$SECONDS
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c1}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv | tee $R/nvidia-smi.txt
timeout 200 bash .gpu/run node dist/cli.js bench-gpu --methods fused --out $R/rows > $R/bench.log 2>&1
grep -E "fused|floor|copy" $R/bench.log | cut -c1-200 | head -30
for i in 1 2 3; do
  timeout 100 bash .gpu/run node dist/cli.js bench-gpu --methods fused --dtypes float32 --precision tf32 --out $R/tf32-$i > $R/bench-tf32-$i.log 2>&1
  grep -E "fused|copy" $R/bench-tf32-$i.log | cut -c1-200 | head -6
done
echo "after rows: $((SECONDS - start)) s"
timeout $((590 - (SECONDS - start))) bash .gpu/run ./node_modules/.bin/vitest run test/conformance-cuda.test.ts test/state-cuda.test.ts \
  test/cuda-runtime.test.ts test/options.test.ts \
  --reporter=dot --reporter=json --outputFile.json=$R/suites.json > $R/suites.log 2>&1
echo "vitest rc=$? after $((SECONDS - start)) s"
bash .gpu/run node scripts/test-summary.js $R/suites.json
cd $OUT && tar czf ${CALL:-c1}.tgz ${CALL:-c1} && rm -rf ${CALL:-c1}
