#!/usr/bin/env bash
# twenty-third session, call 4 (H100): the CUDA suites with the TF32 state rule (three stages
# only above 4 TB/s), and the v3 fused_bench cases (v3s / v3d force either form)
set -u
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
OUT=$OUT timeout 520 bash scripts/gpu-check.sh tests > $OUT/suites.log 2>&1; tail -1 $OUT/suites.log
cd out/fbx && xz -dc fb.xz > fb && chmod +x fb
FUSED_CASES="v3|f32tf32" timeout 60 ./fb check /tmp/c.json > $OUT/check-v3.log 2>&1; echo "v3 cases: $(grep -c PASS $OUT/check-v3.log) PASS, $(grep -c FAIL $OUT/check-v3.log) FAIL"
