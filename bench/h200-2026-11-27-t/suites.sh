#!/usr/bin/env bash
# twentieth session, call 2: the kept build (short first segment for version 3 only):
# fused_bench checks on it, then the CUDA suites
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
xz -dc fin.xz > fin; chmod +x fin
FUSED_CASES="v2|v3 |v3n|L|B|K" timeout 150 ./fin check /tmp/c.json > $OUT/check-fin.log 2>&1; echo "check fin rc=$? pass=$(grep -c PASS $OUT/check-fin.log) fail=$(grep -c FAIL $OUT/check-fin.log)"
cd ../..
mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
timeout 420 bash scripts/gpu-check.sh tests > $OUT/tests-stdout.log 2>&1; sed "s/\x1b\[[0-9;]*m//g" $OUT/tests-stdout.log | grep -E "passed|failed|Test Files|Tests " | tail -5
ls $OUT
