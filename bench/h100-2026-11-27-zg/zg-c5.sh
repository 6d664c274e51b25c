# Run zg, call 5 (thirty-third session): the shipped build's issue rows through the library
# (bench-gpu, fused: fp16, bf16, exact float32; then float32 at TF32), on whichever card
# comes. No build on the device: the carried addon (.gpu/leet_decoding.node.xz) and dist/.
set -u
R=$OUT/c5; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
bash .gpu/run node dist/cli.js bench-gpu --methods fused --out $R/bench 2>&1 | tee $R/bench.log | tail -19
bash .gpu/run node dist/cli.js bench-gpu --methods fused --dtypes float32 --precision tf32 --out $R/tf32 2>&1 | tee $R/bench-tf32.log | tail -8
cd $OUT && tar czf c5.tgz c5 && rm -rf c5
