#!/usr/bin/env bash
# twenty-seventh session, call 5 (H200), from the repository root: the CUDA suites on the final build, then fused_bench's version-2 and -3 checks
set -u
R=$OUT/r; mkdir -p $R
OUT=$R bash scripts/gpu-check.sh tests 2>&1 | tail -5
cd out/fbx && xz -dc fb.xz > fb && chmod +x fb
FUSED_CASES="v2|v3" timeout 200 ./fb check /tmp/c.json > $R/check.log 2>&1; echo "check rc=$?"; grep -c PASS $R/check.log; grep -iE "fail" $R/check.log | grep -v "0 failures" | head -5 | cut -c1-160; tail -1 $R/check.log
cp za5.sh $R/
cd $OUT && cp r/gpu-tests.log r/check.log r/nvidia-smi.txt . && tar czf r.tgz r && rm -rf r
