#!/usr/bin/env bash
# Run zr, call 4 (an H200), from the repository root, carry [".gpu", "dist"]: the
# library with this session's TF32 walk (tf32_rn and the OVT order in cuda/fused_v3.cuh),
# built here from a clean tree: the rows (bench-gpu, fused; TF32 three times), the
# CUDA conformance, state, runtime and options suites, the TF32 tests of the schedules and
# lead-plan suites.
set -u
start=$SECONDS
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/c4; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv | tee $R/nvidia-smi.txt
timeout 200 bash .gpu/run node dist/cli.js bench-gpu --methods fused --out $R/rows > $R/bench.log 2>&1
grep -E "fused|floor|copy" $R/bench.log | cut -c1-200 | head -30
for i in 1 2 3; do
  timeout 100 bash .gpu/run node dist/cli.js bench-gpu --methods fused --dtypes float32 --precision tf32 --out $R/tf32-$i > $R/bench-tf32-$i.log 2>&1
  grep -E "fused|copy" $R/bench-tf32-$i.log | cut -c1-200 | head -6
done
echo "after rows: $((SECONDS - start)) s"
V() { name=$1; lim=$2; shift 2
  timeout $lim bash .gpu/run ./node_modules/.bin/vitest run "$@" --reporter=dot --reporter=json --outputFile.json=$R/$name.json > $R/$name.log 2>&1
  echo "$name rc=$? after $((SECONDS - start)) s"; bash .gpu/run node scripts/test-summary.js $R/$name.json; }
V suites 200 test/conformance-cuda.test.ts test/state-cuda.test.ts test/cuda-runtime.test.ts test/options.test.ts
V schedules-tf32 150 test/schedules-cuda.test.ts -t tf32
V lead-plan-tf32 $((570 - (SECONDS - start))) test/lead-plan-cuda.test.ts -t tf32
cd $OUT && tar czf c4.tgz c4 && rm -rf c4
