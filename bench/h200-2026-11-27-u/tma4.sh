#!/usr/bin/env bash
# twenty-first session, call 4: output width with the TMA-fed kernels (forced 64 / 128
# columns and the default), then the CUDA suites on the TMA build
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version --format=csv | tee $OUT/gpu.txt
xz -dc tma3.xz > fb; chmod +x fb
ROWS="N0 fp16 1x65536|N0 fp16 1x16384|N0 fp16 1x4096|N0 fp16 4x16384"
for rep in 1 2 3; do
  FUSED_ROWS="$ROWS" timeout 100 ./fb bench /tmp/b.json > /tmp/bench.txt 2>&1
  sed "s/^/r$rep /" /tmp/bench.txt | grep -v '^$' >> $OUT/width.log
done
grep -v "^$" $OUT/width.log | grep -v " row \|device\|copy" | sort -s -k2,5 | cut -c1-84
cd ../..
mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
timeout 420 bash scripts/gpu-check.sh tests > $OUT/tests-stdout.log 2>&1; sed "s/\x1b\[[0-9;]*m//g" $OUT/tests-stdout.log | grep -E "passed|failed|Test Files|Tests " | tail -5
