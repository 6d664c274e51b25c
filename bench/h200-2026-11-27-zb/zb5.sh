#!/usr/bin/env bash
# twenty-eighth session, call 5 (H100, the same machine as calls 3 and 4), from the repository root: the CUDA tests that run the early state update's kernels (call 4's full suites ran past the call's limit)
set -u
mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
bash .gpu/run ./node_modules/.bin/vitest run test/schedules-cuda.test.ts -t "decoupled|lead plan|segmented sequences" --reporter=verbose --reporter=json --outputFile.json=$OUT/t.json > $OUT/t.log 2>&1
bash .gpu/run node scripts/test-summary.js $OUT/t.json
