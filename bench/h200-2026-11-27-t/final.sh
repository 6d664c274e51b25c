#!/usr/bin/env bash
# twentieth session, call 3: the kept build against the base build at the defaults, and the library bench
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
for b in base fin; do xz -dc $b.xz > $b; chmod +x $b; done
ROWS="N1 fp16 1x65536 default|N1 fp32-tf32 1x65536 default|N1 fp32-tf32 2x32768 default|N1 fp32-tf32 8x8192 default|N1 fp32-tf32 1x16384 default|N1 fp16 2x32768 default|L fp32-tf32 1x65536 wide|fp16 8x8192"
for rep in 1 2 3; do for b in base fin; do
  FUSED_ROWS="$ROWS" timeout 100 ./$b bench /tmp/b.json > /tmp/bench.txt 2>&1
  sed "s/^/$b r$rep /" /tmp/bench.txt | grep -v '^$' >> $OUT/ab-final.log
done; done
grep -v "^$" $OUT/ab-final.log | grep -v " row \|device\|copy" | sort -s -k3,7 | cut -c1-84
cd ../..
mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
timeout 100 bash .gpu/run node dist/cli.js bench-gpu --out $OUT/lib16 --methods fused --dtypes float16,bfloat16 > $OUT/lib16.log 2>&1; grep -E 'copy|×' $OUT/lib16.log | head -14
timeout 100 bash .gpu/run node dist/cli.js bench-gpu --out $OUT/libtf32 --methods fused --dtypes float32 --precision tf32 > $OUT/libtf32.log 2>&1; grep -E 'copy|×' $OUT/libtf32.log | head -8
