# Run zh, call 16 (thirty-fourth session), on call 15's H200 while it was warm: every issue row
# through the library on the final build (commit 6e25121's addon and dist/), as call 1 did for the
# build before: bench-gpu --methods fused, then float32 at TF32.
set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/c16; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
bash .gpu/run node dist/cli.js bench-gpu --methods fused --out $R/bench 2>&1 | tee $R/bench.log | tail -18
bash .gpu/run node dist/cli.js bench-gpu --methods fused --dtypes float32 --precision tf32 --out $R/tf32 2>&1 | tee $R/bench-tf32.log | tail -7
cd $OUT && tar czf c16.tgz c16 && rm -rf c16
