#!/usr/bin/env bash
# twenty-first session, call 8: the committed build (v2 by TMA; v3 unchanged): CUDA suites,
# then the library bench (16-bit and TF32 fused rows)
set -u
cd "$(dirname "$0")/../.."
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version --format=csv | tee $OUT/gpu.txt
mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
timeout 400 bash scripts/gpu-check.sh tests > $OUT/tests-stdout.log 2>&1; sed "s/\x1b\[[0-9;]*m//g" $OUT/tests-stdout.log | grep -E "passed|failed|Test Files|Tests " | tail -5
timeout 60 bash .gpu/run node dist/cli.js bench-gpu --out $OUT/lib16 --methods fused --dtypes float16,bfloat16 > $OUT/lib16.log 2>&1; grep -E 'copy|fused' $OUT/lib16.log | head -14
timeout 60 bash .gpu/run node dist/cli.js bench-gpu --out $OUT/libtf32 --methods fused --dtypes float32 --precision tf32 > $OUT/libtf32.log 2>&1; grep -E 'copy|fused' $OUT/libtf32.log | head -8
cd $OUT && tar czf lib.tgz lib16 libtf32 && rm -rf lib16 libtf32 && rm -f gpu-tests.json.tmp
