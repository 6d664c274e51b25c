#!/usr/bin/env bash
# Run zq, call 4 (an H200), carry ["out/fbx-prod2-xz"]: the producer warpgroup again, with each
# consumer waiting for its V^T where it first reads it (the state's first r-half's update,
# after Q S's first half and the K^T gather) instead of at the top of the step, so that the
# producer's transpose runs under Q S. v3-producer.patch plus that move (v3-producer-2.patch):
# fbP (setmaxnreg 56 / 224) and fbP232 (40 / 232).
set -u
R=$OUT/c4; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv | tee $R/nvidia-smi.txt
cd out/fbx-prod2-xz && for b in fbP fbP232; do xz -dc $b.xz > $b && chmod +x $b; done
for b in fbP fbP232; do
  LEET_FUSED_PROD=1 FUSED_CASES="v3e|v3m|v3f" timeout 150 ./$b check /tmp/c.json > $R/check-$b.log 2>&1; echo "check $b rc=$?"
  grep -c PASS $R/check-$b.log; tail -1 $R/check-$b.log
done
c="v3m f32tf32 1x2x4100 r128 d128 seg1024 lead256 small128 st"
for tool in racecheck synccheck; do
  echo "== $tool $c" >> $R/san.log
  LEET_FUSED_PROD=1 FUSED_CASES="$c" timeout 90 compute-sanitizer --tool $tool ./fbP check /tmp/s.json >> $R/san.log 2>&1
done
grep -E "^==|ERROR SUMMARY|RACECHECK SUMMARY" $R/san.log | cut -c1-120
P() { b=$1; shift; timeout 100 ./$b pair "$@" 2>&1 | grep pair | sed "s/^/$b: /" >> $R/pair.log; }
P fbP fp32 1 65536 "" "LEET_FUSED_PROD=1" 40
P fbP232 fp32 1 65536 "" "LEET_FUSED_PROD=1" 40
P fbP fp32 8 8192 "" "LEET_FUSED_PROD=1" 40
P fbP232 fp32 8 8192 "" "LEET_FUSED_PROD=1" 40
P fbP fp32 1 65536 "" "LEET_FUSED_PROD=1" 40
P fbP232 fp32 1 65536 "" "LEET_FUSED_PROD=1" 40
cut -c1-190 $R/pair.log
cd $OUT && tar czf c4.tgz c4 && rm -rf c4
