#!/usr/bin/env bash
# twentieth session, call 1: a short first segment on versions 2 and 3's 128-column CTAs.
# fused_bench checks and sanitizers on the new build, A/B against the base build, library bench
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version --format=csv | tee $OUT/gpu.txt
for b in base new; do xz -dc $b.xz > $b; chmod +x $b; done
FUSED_CASES="v2|v3 |v3n|L|B|K" timeout 150 ./new check /tmp/c.json > $OUT/check-new.log 2>&1; echo "check new rc=$? pass=$(grep -c PASS $OUT/check-new.log) fail=$(grep -c FAIL $OUT/check-new.log)"
grep FAIL $OUT/check-new.log | head -5; grep pad $OUT/check-new.log | cut -c1-150
C="v2 f16 1x2x777 r128 d128 seg192 pad50|v3 f32tf32 1x2x777 r128 d128 seg192 pad50|v2 f16 2x2x1000 r128 d128 seg256 ksub4 pad1|v3 f32tf32 1x2x4100 r128 d128 seg1024 ksub4 pad300"
FUSED_CASES="$C" timeout 80 compute-sanitizer --tool racecheck ./new check /tmp/c.json > $OUT/racecheck-new.log 2>&1
echo "racecheck: $(grep -E 'RACECHECK SUMMARY' $OUT/racecheck-new.log | tr '\n' ' ')"
FUSED_CASES="$C" timeout 80 compute-sanitizer --tool memcheck ./new check /tmp/c.json > $OUT/memcheck-new.log 2>&1
echo "memcheck: $(grep -E 'ERROR SUMMARY' $OUT/memcheck-new.log | tr '\n' ' ')"
ROWS="N1 fp16 1x65536 out128|N1 fp32-tf32 1x65536 out128|N1 fp16 2x32768 out128|N1 fp32-tf32 2x32768 out128|L fp32-tf32 1x65536 wide|B fp16 1x65536|fp16 8x8192|fp32-tf32 8x8192"
for rep in 1 2 3; do for b in base new; do
  R="$ROWS"; [ $b = new ] && R="$ROWS|P "
  FUSED_ROWS="$R" timeout 120 ./$b bench /tmp/b.json > /tmp/bench.txt 2>&1
  sed "s/^/$b r$rep /" /tmp/bench.txt | grep -v '^$' >> $OUT/ab.log
done; done
grep -v "^$" $OUT/ab.log | grep -v " row \|device\|copy" | sort -s -k3,7 | cut -c1-84
cd ../..
mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
timeout 100 bash .gpu/run node dist/cli.js bench-gpu --out $OUT/lib16 --methods fused --dtypes float16,bfloat16 > $OUT/lib16.log 2>&1; grep -E 'copy|×' $OUT/lib16.log | head -14
timeout 100 bash .gpu/run node dist/cli.js bench-gpu --out $OUT/libtf32 --methods fused --dtypes float32 --precision tf32 > $OUT/libtf32.log 2>&1; grep -E 'copy|×' $OUT/libtf32.log | head -8
cd $OUT && tar czf run.tgz --exclude=run.tgz . && find . -mindepth 1 ! -name run.tgz -delete
