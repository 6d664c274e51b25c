# Run zf (H100), call 1: the int8 / float64 tensor-core probes, then the CUDA conformance, state,
# runtime and options suites on this session's build (vanilla's (batch, head) pairs over
# 65535, and the 65568-pair conformance case).
set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/c1; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
nvcc -gencode=arch=compute_90a,code=sm_90a -O3 -Xptxas -v -o /tmp/imma_probe scripts/fused-bench/imma_probe.cu > $R/probe-build.txt 2>&1
cuobjdump -sass /tmp/imma_probe | grep -oE "(IMMA|HGMMA|DMMA|I2F|DFMA)[.A-Z0-9x_]*" | sort | uniq -c > $R/probe-sass.txt
timeout 120 /tmp/imma_probe > $R/imma-probe.txt 2>&1; cat $R/imma-probe.txt
timeout 300 bash .gpu/run ./node_modules/.bin/vitest run test/conformance-cuda.test.ts test/state-cuda.test.ts test/cuda-runtime.test.ts test/options.test.ts \
  --reporter=dot --reporter=json --outputFile.json=$R/tests-other.json > $R/tests-other.log 2>&1
bash .gpu/run node scripts/test-summary.js $R/tests-other.json
grep -hE "FAIL|AssertionError" $R/tests-*.log | head -20
cd $OUT && tar czf c1.tgz c1 && rm -rf c1
