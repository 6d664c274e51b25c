#!/usr/bin/env bash
# twenty-second session, call 4: the committed build (the deep state kernel): the CUDA
# suites, then the library bench (16-bit fused rows) with the SM clock sampled beside it
set -u
cd "$(dirname "$0")/../.."
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version --format=csv | tee $OUT/gpu.txt
mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
timeout 420 bash scripts/gpu-check.sh tests > $OUT/tests-stdout.log 2>&1; sed "s/\x1b\[[0-9;]*m//g" $OUT/tests-stdout.log | grep -E "passed|failed|Test Files|Tests " | tail -5
Q=timestamp,clocks.sm,power.draw,clocks_event_reasons.active
nvidia-smi --query-gpu=$Q --format=csv,noheader > /dev/null 2>&1 || Q=timestamp,clocks.sm,power.draw,clocks_throttle_reasons.active
nvidia-smi --query-gpu=$Q --format=csv -lms 50 > $OUT/smi.log 2>&1 &
SMI=$!
timeout 60 bash .gpu/run node dist/cli.js bench-gpu --out $OUT/lib16 --methods fused,lightning,blocked --dtypes float16,bfloat16 > $OUT/lib16.log 2>&1; grep -E 'copy|fused' $OUT/lib16.log | head -14
kill $SMI
awk -F, 'NR>1{print $2, $4}' $OUT/smi.log | sort | uniq -c | sort -rn | head -8
cd $OUT && tar czf lib.tgz lib16 smi.log && rm -rf lib16 smi.log && rm -f gpu-tests.json.tmp
