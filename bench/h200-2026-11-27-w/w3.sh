#!/usr/bin/env bash
# twenty-third session, call 3 (H100): the TMA-fed 16-bit kernels, the deep state kernels and
# the three-stage TF32 state kernel on an H100 (none had run on one): every fused_bench
# check case, sanitizers, the library rows of the issue, the clock under sustained load.
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total,clocks.sm,clocks.max.sm,driver_version,power.limit --format=csv | tee $OUT/gpu.txt
xz -dc fb.xz > fb; chmod +x fb
timeout 240 ./fb check /tmp/c.json > $OUT/check.log 2>&1; echo "check cases: $(grep -c PASS $OUT/check.log) PASS, $(grep -c FAIL $OUT/check.log) FAIL"; tail -1 $OUT/check.log
for c in "v2 f16 1x2x4100 r128 d128 seg1024 st" "v2d f16 1x2x700 r128 d256 seg192 st" "v3 f32tf32 1x2x4100 r128 d128 seg1024 ksub4 pad300 st"; do
  FUSED_CASES="$c" timeout 80 compute-sanitizer --tool racecheck ./fb check /tmp/r.json >> $OUT/sanitize.log 2>&1
  FUSED_CASES="$c" timeout 80 compute-sanitizer --tool memcheck ./fb check /tmp/m.json >> $OUT/sanitize.log 2>&1
done
grep -E "ERROR SUMMARY|RACECHECK SUMMARY" $OUT/sanitize.log | sort | uniq -c
for shape in "fp16 1 65536" "fp32 1 65536"; do timeout 60 ./fb clocks $shape 1500 >> $OUT/clocks.log 2>&1; done
cat $OUT/clocks.log
for shape in "fp16 1 4096" "fp16 1 1024" "fp32 1 65536" "fp32 1 16384"; do
  timeout 60 ./fb pair $shape "LEET_FUSED_STATE_DEEP=0" "" 200 2>/dev/null >> $OUT/clocks.log
done
grep "^pair" $OUT/clocks.log
cd ../..
mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
(nvidia-smi --query-gpu=timestamp,clocks.sm,power.draw,clocks_event_reasons.active --format=csv -lms 50 > $OUT/smi.csv 2>&1 &)
mkdir -p $OUT/lib; timeout 150 bash .gpu/run node dist/cli.js bench-gpu --out $OUT/lib/16 --methods fused,lightning,blocked --dtypes float16,bfloat16 > $OUT/lib/16.log 2>&1
timeout 120 bash .gpu/run node dist/cli.js bench-gpu --out $OUT/lib/tf32 --methods fused,lightning,blocked --dtypes float32 --precision tf32 > $OUT/lib/tf32.log 2>&1
timeout 150 bash .gpu/run node dist/cli.js bench-gpu --out $OUT/lib/exact --methods fused,recurrent --dtypes float32 --precision exact > $OUT/lib/exact.log 2>&1
pkill nvidia-smi
grep -hE "copy|^fused" $OUT/lib/*.log
cut -d, -f2 $OUT/smi.csv | sort | uniq -c | sort -rn | head -6
cd $OUT && mv smi.csv clocks.log sanitize.log lib/ && tar czf lib.tgz lib && rm -rf lib
