#!/usr/bin/env bash
# twenty-first session, call 5: 16-bit 1x65536 knobs on the TMA build (state-pass
# sub-segments, PDL), five alternating repeats
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version --format=csv | tee $OUT/gpu.txt
xz -dc tma5.xz > fb; chmod +x fb
ROWS="fp16 1x65536|bf16 1x65536|K fp16 1x65536 ksub2|K fp16 1x65536 ksub4|K fp16 1x65536 pdl|K fp16 1x65536 ksub2 pdl|K bf16 1x65536|fp16 1x16384|K fp16 1x16384 ksub4"
for rep in 1 2 3 4 5; do
  FUSED_ROWS="$ROWS" timeout 100 ./fb bench /tmp/b.json > /tmp/bench.txt 2>&1
  sed "s/^/r$rep /" /tmp/bench.txt | grep -v '^$' >> $OUT/knobs.log
done
grep -v "^$" $OUT/knobs.log | grep -v " row \|device\|copy" | sort -s -k2,5 | cut -c1-84
