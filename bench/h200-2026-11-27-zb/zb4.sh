#!/usr/bin/env bash
# twenty-eighth session, call 4 (H100), from the repository root: the CUDA suites on the build with the early state update as the default
set -u
R=$OUT/r; mkdir -p $R
OUT=$R bash scripts/gpu-check.sh tests 2>&1 | tail -5
cp bench/h200-2026-11-27-zb/zb4.sh $R/
cd $OUT && cp r/gpu-tests.log r/nvidia-smi.txt . 2>/dev/null; tar czf r.tgz r && rm -rf r
