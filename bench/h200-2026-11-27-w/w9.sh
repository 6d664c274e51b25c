#!/usr/bin/env bash
# twenty-third session, call 10 (H200): the final build's float32 TF32 library rows, and
# bench-auto's varlen grid
set -u
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
timeout 100 bash .gpu/run node dist/cli.js bench-gpu --out $OUT/lib32 --methods fused,lightning,blocked --dtypes float32 --precision tf32 > $OUT/lib32.log 2>&1; grep -E "copy|^fused" $OUT/lib32.log
timeout 400 bash .gpu/run node dist/cli.js bench-auto --grid varlen --out $OUT/auto-varlen 2>&1 | tee $OUT/auto-varlen.log | grep -E "^auto within"
cd $OUT && tar czf out.tgz lib32 auto-varlen && rm -rf lib32 auto-varlen
