# Run zh, call 1 (thirty-fourth session): does FFMA run beside DMMA (scripts/fused-bench/ffma_probe.cu,
# built here with the device's nvcc), then the shipped build's issue rows through the library
# (bench-gpu, fused: fp16, bf16, exact float32; then float32 at TF32) on whichever card comes.
# No library build on the device: the carried addon (.gpu/leet_decoding.node.xz) and dist/.
set -u
R=$OUT/c1; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
nvcc -gencode=arch=compute_90a,code=sm_90a -O3 -Xptxas -v -o /tmp/ffma_probe scripts/fused-bench/ffma_probe.cu > $R/build.txt 2>&1
/tmp/ffma_probe 2>&1 | tee $R/ffma_probe.log
/tmp/ffma_probe 2>&1 > $R/ffma_probe-2.log
cuobjdump -sass /tmp/ffma_probe > $R/ffma_probe.sass 2>&1
mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
bash .gpu/run node dist/cli.js bench-gpu --methods fused --out $R/bench 2>&1 | tee $R/bench.log | tail -19
bash .gpu/run node dist/cli.js bench-gpu --methods fused --dtypes float32 --precision tf32 --out $R/tf32 2>&1 | tee $R/bench-tf32.log | tail -8
cd $OUT && tar czf c1.tgz c1 && rm -rf c1
