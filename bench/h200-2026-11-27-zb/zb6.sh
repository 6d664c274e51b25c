#!/usr/bin/env bash
# twenty-eighth session, call 6 (H100), from the repository root: test/schedules-cuda.test.ts in full (call 4's whole suites ran past the call's limit with 4 tests unfinished, almost surely in this file, the longest), each test named as it ends
set -u
mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
nvidia-smi --query-gpu=name,clocks.sm --format=csv,noheader | tee $OUT/gpu.txt
timeout 570 bash .gpu/run ./node_modules/.bin/vitest run test/schedules-cuda.test.ts --reporter=verbose --reporter=json --outputFile.json=$OUT/t.json > $OUT/t.log 2>&1; echo "vitest rc=$?"
[ -f $OUT/t.json ] && bash .gpu/run node scripts/test-summary.js $OUT/t.json
sed 's/\x1b\[[0-9;]*m//g' $OUT/t.log | grep -cE "^ +✓"; sed 's/\x1b\[[0-9;]*m//g' $OUT/t.log | grep -E "^ +(×|↓)|FAIL" | cut -c1-160 | head
cp bench/h200-2026-11-27-zb/zb6.sh $OUT/
