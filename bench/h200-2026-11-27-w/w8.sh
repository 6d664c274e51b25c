#!/usr/bin/env bash
# twenty-third session, call 8 (H200): the TF32 width rule's picks (default against forced,
# paired), then bench-auto's main and check grids on the final build
set -u
cd "$(dirname "$0")"
xz -dc fb.xz > fb; chmod +x fb
FUSED_D=256 timeout 30 ./fb pair fp32 1 4096 "" "LEET_FUSED_OUT=64" 100 2>/dev/null | grep ^pair
timeout 30 ./fb pair fp32 2 65536 "" "LEET_FUSED_OUT=64" 50 2>/dev/null | grep ^pair
timeout 30 ./fb pair fp32 2 32768 "" "LEET_FUSED_OUT=128" 100 2>/dev/null | grep ^pair
timeout 30 ./fb pair fp32 1 65536 "" "LEET_FUSED_OUT=128" 100 2>/dev/null | grep ^pair
cd ../..
mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
timeout 240 bash .gpu/run node dist/cli.js bench-auto --grid check --out $OUT/auto-check 2>&1 | tee $OUT/auto-check.log | grep -E "^auto within"
timeout 240 bash .gpu/run node dist/cli.js bench-auto --out $OUT/auto 2>&1 | tee $OUT/auto.log | grep -E "^auto within"
cd $OUT && tar czf auto.tgz auto auto-check && rm -rf auto auto-check
