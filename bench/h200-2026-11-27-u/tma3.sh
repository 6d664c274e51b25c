#!/usr/bin/env bash
# twenty-first session, call 3: A/B of LEET_FUSED_TMA 0 (shipped kernels) / 1 (TMA loads) /
# 2 (loads and output stores, the new default) in fused_bench and through the library
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version --format=csv | tee $OUT/gpu.txt
xz -dc tma3.xz > fb; chmod +x fb
ROWS="fp16 1x65536|bf16 1x65536|fp16 8x8192|bf16 8x8192|fp16 1x16384|N0 fp16 2x32768 default|N0 fp16 2x32768 out128|L fp16 1x65536 narrow|B fp16 1x65536"
for rep in 1 2 3; do for t in 0 1 2; do
  LEET_FUSED_TMA=$t FUSED_ROWS="$ROWS" timeout 100 ./fb bench /tmp/b.json > /tmp/bench.txt 2>&1
  sed "s/^/tma$t r$rep /" /tmp/bench.txt | grep -v '^$' >> $OUT/ab.log
done; done
grep -v "^$" $OUT/ab.log | grep -v " row \|device\|copy" | sort -s -k3,5 | cut -c1-84
cd ../..
mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
for rep in 1 2; do for t in 0 2; do
  LEET_FUSED_TMA=$t timeout 100 bash .gpu/run node dist/cli.js bench-gpu --out $OUT/lib16-t$t-r$rep --methods fused,blocked,lightning --dtypes float16,bfloat16 > $OUT/lib16-t$t-r$rep.log 2>&1
  echo "== library tma$t r$rep"; grep -E 'copy|fused|blocked|lightning' $OUT/lib16-t$t-r$rep.log | head -30
done; done
cd $OUT && tar czf lib.tgz lib16-* && rm -rf lib16-t*-r*/ 
