#!/usr/bin/env bash
# twenty-second session, call 7: bench-auto's main grid on the committed build, cut at
# 230 s (the rows print as they finish; the device time left was ~5 minutes)
set -u
cd "$(dirname "$0")/../.."
mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
timeout 230 bash .gpu/run node dist/cli.js bench-auto --out $OUT/auto > $OUT/auto.log 2>&1; grep -cE "auto " $OUT/auto.log; grep -E "^auto within|×1\.0[5-9]|×1\.[1-9]" $OUT/auto.log | head
