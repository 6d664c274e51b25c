#!/usr/bin/env bash
# twenty-ninth session, call 1 (H200), from the repository root: the lead plan's small
# pieces (LEET_FUSED_SMALL=0: without them). fused_bench's version-2 and -3 checks,
# sanitizers on the new cases, paired A/B, the build before this change (fbbase) against
# this one without the pieces, ncu of the other segments' output kernel; then the
# library's issue rows
set -u
R=$OUT/r; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version,power.limit --format=csv | tee $R/gpu.txt
cd out/fbx && xz -dc fb.xz > fb && xz -dc fbbase.xz > fbbase && chmod +x fb fbbase
FUSED_CASES="v2|v3" timeout 200 ./fb check /tmp/c.json > $OUT/check.log 2>&1; echo "check rc=$?"; grep -c PASS $OUT/check.log; grep -iE "fail" $OUT/check.log | grep -v "0 failures" | head -5 | cut -c1-160; grep "v3m" $OUT/check.log | cut -c1-150; tail -1 $OUT/check.log
for c in "v3m f32tf32 1x2x4100 r128 d128 seg1024 lead256 small128 st" "v3m f32tf32 2x2x1000 r128 d256 seg256 lead128 small64 st"; do
  for tool in racecheck memcheck synccheck; do
    FUSED_CASES="$c" timeout 90 compute-sanitizer --tool $tool ./fb check /tmp/s.json >> $R/san.log 2>&1
  done
done
grep -E "ERROR SUMMARY|RACECHECK SUMMARY|hazard|FAIL|fail" $R/san.log | sort | uniq -c | head | tee -a $OUT/summary.txt
P() { timeout 100 ./fb pair "$@" >> $OUT/pair.log 2>&1; }
P fp32 1 65536 "LEET_FUSED_SMALL=0" "" 40
P fp32 1 32768 "LEET_FUSED_SMALL=0" "" 30
P fp32 1 16384 "LEET_FUSED_SMALL=0" "" 30
P fp32 1 131072 "LEET_FUSED_SMALL=0" "" 10
P fp32 1 65536 "" "LEET_FUSED_SMALL=1344" 20
P fp32 1 65536 "" "LEET_FUSED_SMALL=2112" 20
P fp32 1 65536 "LEET_FUSED_SMALL=0" "" 40
grep -o "pair.*" $OUT/pair.log | sed 's/d128  //' | cut -c1-170
# the build before (fbbase) against this one with the pieces off and on, alternating
for i in 1 2 3; do
  timeout 60 ./fbbase pair fp32 1 65536 "" "" 10 2>/dev/null | sed "s/^/base $i: /" >> $OUT/xbin.log
  timeout 60 ./fb pair fp32 1 65536 "LEET_FUSED_SMALL=0" "" 10 2>/dev/null | sed "s/^/new $i: /" >> $OUT/xbin.log
done
cut -c1-150 $OUT/xbin.log
for b in fbbase fb; do
  for e in 0 1; do
    [ $b = fbbase ] && [ $e = 1 ] && continue
    LEET_FUSED_SMALL=$( [ $e = 0 ] && echo 0 || echo -1 ) timeout 150 ncu --clock-control none --kernel-name-base mangled -k regex:Li2ELi2ELi1ELb1E -c 1 --section SpeedOfLight --section LaunchStats ./$b profile32l > $R/ncu-$b-$e.txt 2>&1
    { echo "$b small=$e"; grep -E "Duration|Registers|Grid Size" $R/ncu-$b-$e.txt | cut -c1-100 | head -4; } | tee -a $OUT/summary.txt
  done
done
cd ../..
cp bench/h200-2026-11-27-zc/zc1.sh $R/
[ -f .gpu/leet_decoding.node.xz ] && mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
bash .gpu/run node dist/cli.js bench-gpu --methods fused --dtypes float32 --precision tf32 --out $R/tf32 2>&1 | tee $OUT/bench-tf32.log | tail -12
LEET_FUSED_SMALL=0 bash .gpu/run node dist/cli.js bench-gpu --methods fused --dtypes float32 --precision tf32 --out $R/tf32-s0 2>&1 | tee $OUT/bench-tf32-s0.log | tail -12
bash .gpu/run node dist/cli.js bench-gpu --methods fused --out $R/bench 2>&1 | tee $OUT/bench.log | tail -22
cd $OUT && tar czf r.tgz r && rm -rf r
