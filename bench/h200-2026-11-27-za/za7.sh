#!/usr/bin/env bash
# twenty-seventh session, call 7 (H100), from the repository root: the CUDA suites on the final build
set -u
R=$OUT/r; mkdir -p $R
OUT=$R bash scripts/gpu-check.sh tests 2>&1 | tail -5
cd out/fbx && xz -dc fb.xz > fb && chmod +x fb
FUSED_CASES="v2l|v3l" timeout 60 ./fb check /tmp/c.json > $R/check.log 2>&1; echo "check rc=$?"; grep -c PASS $R/check.log; tail -1 $R/check.log
cp za7.sh $R/
cd $OUT && cp r/gpu-tests.log r/check.log r/nvidia-smi.txt . && tar czf r.tgz r && rm -rf r
