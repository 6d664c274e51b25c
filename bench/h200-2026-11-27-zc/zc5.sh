#!/usr/bin/env bash
# twenty-ninth session, call 5 (H200), from the repository root: the CUDA suites on the final build
set -u
R=$OUT/r; mkdir -p $R
OUT=$R timeout 580 bash scripts/gpu-check.sh tests 2>&1 | tail -5
cp bench/h200-2026-11-27-zc/zc5.sh $R/
cd $OUT && cp r/gpu-tests.log r/nvidia-smi.txt . 2>/dev/null; tar czf r.tgz r && rm -rf r
