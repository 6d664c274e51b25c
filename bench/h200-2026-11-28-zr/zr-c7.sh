#!/usr/bin/env bash
# Run zr, call 7 (an H200, another machine than call 4's), from the repository root, carry
# [".gpu", "dist"]: the library as in call 4, the TF32 rows of the issue three times
# (bench-gpu, fused), then the 16-bit and exact rows once.
set -u
start=$SECONDS
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/c7; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv | tee $R/nvidia-smi.txt
for i in 1 2 3; do
  timeout 100 bash .gpu/run node dist/cli.js bench-gpu --methods fused --dtypes float32 --precision tf32 --out $R/tf32-$i > $R/bench-tf32-$i.log 2>&1
  grep -E "fused|copy" $R/bench-tf32-$i.log | cut -c1-200 | head -6
done
timeout 200 bash .gpu/run node dist/cli.js bench-gpu --methods fused --out $R/rows > $R/bench.log 2>&1
grep -E "fused|floor|copy" $R/bench.log | cut -c1-200 | head -30
echo "done after $((SECONDS - start)) s"
cd $OUT && tar czf c7.tgz c7 && rm -rf c7
