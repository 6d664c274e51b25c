#!/usr/bin/env bash
# twentieth session, call 4: TF32 output width (64 / 128 columns / default) with the kept build
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name --format=csv,noheader
xz -dc fin.xz > fin; chmod +x fin
ROWS="N1 fp32-tf32"
for rep in 1 2; do
  FUSED_ROWS="$ROWS" timeout 200 ./fin bench /tmp/b.json > /tmp/bench.txt 2>&1
  sed "s/^/fin r$rep /" /tmp/bench.txt | grep -v '^$' >> $OUT/width.log
done
grep -v "^$" $OUT/width.log | grep -v " row \|device\|copy" | sort -s -k3,7 | cut -c1-84
