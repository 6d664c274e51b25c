#!/usr/bin/env bash
# twentieth session, call 5: TF32 output width rule (never 64 columns where the wide kernel needs segments, above 4 TB/s)
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name --format=csv,noheader
for b in fin fin2; do xz -dc $b.xz > $b; chmod +x $b; done
FUSED_CASES="v3 |v3n|v2n" timeout 100 ./fin2 check /tmp/c.json > $OUT/check-fin2.log 2>&1; echo "check fin2 rc=$? pass=$(grep -c PASS $OUT/check-fin2.log) fail=$(grep -c FAIL $OUT/check-fin2.log)"
ROWS="N1 fp32-tf32 2x32768 default|N1 fp32-tf32 1x4096 default|N1 fp32-tf32 1x1024 default|N1 fp16 2x32768 default|N1 fp16 1x65536 default"
for rep in 1 2; do for b in fin fin2; do
  FUSED_ROWS="$ROWS" timeout 100 ./$b bench /tmp/b.json > /tmp/bench.txt 2>&1
  sed "s/^/$b r$rep /" /tmp/bench.txt | grep -v '^$' >> $OUT/rule.log
done; done
grep -v "^$" $OUT/rule.log | grep -v " row \|device\|copy" | sort -s -k3,7 | cut -c1-84
cd ../..
mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
timeout 300 bash .gpu/run ./node_modules/.bin/vitest run test/schedules-cuda.test.ts --reporter=dot 2>&1 | sed "s/\x1b\[[0-9;]*m//g" | grep -E "Test Files|Tests |FAIL|×" | head -12
