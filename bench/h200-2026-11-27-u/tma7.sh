#!/usr/bin/env bash
# twenty-first session, call 7: version 3 (TF32) with Q and K by TMA: the full fused_bench
# check, sanitizers on v3 cases, A/B LEET_FUSED_TMA=0 against the default, the library bench
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version --format=csv | tee $OUT/gpu.txt
xz -dc tma7.xz > fb; chmod +x fb
timeout 200 ./fb check /tmp/c.json > $OUT/check.log 2>&1; echo "check rc=$? pass=$(grep -c PASS $OUT/check.log) fail=$(grep -c FAIL $OUT/check.log)"
grep -E "FAIL" $OUT/check.log | head -12 | cut -c1-150
C="v3 f32tf32 2x2x333|v3 f32tf32 1x2x777 r128 d128 seg192 pad50|v3n f32tf32 1x3x65"
FUSED_CASES="$C" timeout 100 compute-sanitizer --tool racecheck ./fb check /tmp/c.json > $OUT/racecheck.log 2>&1
echo "racecheck: $(grep -E 'RACECHECK SUMMARY|failures' $OUT/racecheck.log | head -3 | tr '\n' ' ') cases $(grep -c PASS $OUT/racecheck.log)"
FUSED_CASES="$C" timeout 100 compute-sanitizer --tool memcheck ./fb check /tmp/c.json > $OUT/memcheck.log 2>&1
echo "memcheck: $(grep -E 'ERROR SUMMARY|failures' $OUT/memcheck.log | tr '\n' ' ') cases $(grep -c PASS $OUT/memcheck.log)"
ROWS="fp32-tf32 1x65536|fp32-tf32 8x8192|N1 fp32-tf32 2x32768 default|N1 fp32-tf32 1x16384 default|L fp32-tf32 1x65536 narrow64"
for rep in 1 2 3; do for t in 0 2; do
  LEET_FUSED_TMA=$t FUSED_ROWS="$ROWS" timeout 100 ./fb bench /tmp/b.json > /tmp/bench.txt 2>&1
  sed "s/^/tma$t r$rep /" /tmp/bench.txt | grep -v '^$' >> $OUT/ab.log
done; done
grep -v "^$" $OUT/ab.log | grep -v " row \|device\|copy" | sort -s -k3,5 | cut -c1-84
cd ../..
mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
timeout 100 bash .gpu/run node dist/cli.js bench-gpu --out $OUT/libtf32 --methods fused --dtypes float32 --precision tf32 > $OUT/libtf32.log 2>&1; grep -E 'copy|fused' $OUT/libtf32.log | head -8
timeout 100 bash .gpu/run node dist/cli.js bench-gpu --out $OUT/lib16 --methods fused --dtypes float16,bfloat16 > $OUT/lib16.log 2>&1; grep -E 'copy|fused' $OUT/lib16.log | head -14
cd $OUT && tar czf lib.tgz libtf32 lib16 && rm -rf libtf32 lib16
