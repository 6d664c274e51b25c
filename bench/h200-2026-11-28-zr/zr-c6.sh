#!/usr/bin/env bash
# Run zr, call 6 (an H200), from the repository root, carry [".gpu", "dist"]: the library as
# in call 4, bench-auto's main grid (is method "auto" the fastest, now that fused's TF32 walk
# is faster).
set -u
start=$SECONDS
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/c6; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv | tee $R/nvidia-smi.txt
timeout 480 bash .gpu/run node dist/cli.js bench-auto --out $R/auto > $R/auto.log 2>&1
echo "auto rc=$? after $((SECONDS - start)) s"
grep -E "^auto within" $R/auto.log
grep -E "float32" $R/auto.log | grep -iE "tf32" | cut -c1-200 | head -40
cd $OUT && tar czf c6.tgz c6 && rm -rf c6
