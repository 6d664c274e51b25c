#!/usr/bin/env bash
# Run zr, call 8 (an H200), from the repository root, carry [".gpu", "dist"]: the library as in
# call 4, test/options.test.ts with its new TF32 range test (keys and state near 1e30).
set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/c8; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv | tee $R/nvidia-smi.txt
timeout 200 bash .gpu/run ./node_modules/.bin/vitest run test/options.test.ts --reporter=verbose --reporter=json \
  --outputFile.json=$R/options.json > $R/options.log 2>&1
echo "options rc=$?"; grep -E "1e30|Hopper paths" $R/options.log | cut -c1-160
bash .gpu/run node scripts/test-summary.js $R/options.json
cd $OUT && tar czf c8.tgz c8 && rm -rf c8
