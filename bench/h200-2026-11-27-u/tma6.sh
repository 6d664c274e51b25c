#!/usr/bin/env bash
# twenty-first session, call 6: the state kernel one CTA per SM (a knob, LEET_FUSED_STATE_SMEM)
# against the default, five alternating repeats; then bench-auto's main grid on the TMA build
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version --format=csv | tee $OUT/gpu.txt
xz -dc tma6.xz > fb; chmod +x fb
ROWS="fp16 1x65536|bf16 1x65536|K fp16 1x65536 state1|K bf16 1x65536 state1|fp16 1x16384|K fp16 1x16384 state1"
for rep in 1 2 3 4 5; do
  FUSED_ROWS="$ROWS" timeout 100 ./fb bench /tmp/b.json > /tmp/bench.txt 2>&1
  sed "s/^/r$rep /" /tmp/bench.txt | grep -v '^$' >> $OUT/state1.log
done
grep -v "^$" $OUT/state1.log | grep -v " row \|device\|copy" | sort -s -k2,5 | cut -c1-84
cd ../..
mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
timeout 330 bash .gpu/run node dist/cli.js bench-auto --out $OUT/auto > $OUT/auto.log 2>&1; grep -E "^auto within" $OUT/auto.log
cd $OUT && tar czf auto.tgz auto auto.log && rm -rf auto
