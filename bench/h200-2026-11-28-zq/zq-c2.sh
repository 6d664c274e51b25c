#!/usr/bin/env bash
# Run zq, call 2 (an H200), from the repository root, carry ["out/fbx-prod-xz"]: the decoupled
# TF32 output kernels with a producer warpgroup (fused_v3_kernel's PROD, LEET_FUSED_PROD=1)
# in fused_bench built from this tree: fb (setmaxnreg 72 / 216) and fb224 (56 / 224, whose
# producer spills 12 bytes).
# 1. fused_bench's version 3 checks with the producer (v3e, v3m, v3f: the decoupled and lead
#    plan kernels, DEC 1 and 2), and without it;
# 2. racecheck, synccheck and memcheck on three producer cases;
# 3. paired A/B, the default (no producer) against LEET_FUSED_PROD=1, at the TF32
#    shape and others;
# 4. ncu of the version 3 kernels with the producer.
set -u
R=$OUT/c2; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv | tee $R/nvidia-smi.txt
cd out/fbx-prod-xz && xz -dc fb.xz > fb && xz -dc fb224.xz > fb224 && chmod +x fb fb224
LEET_FUSED_PROD=1 FUSED_CASES="v3e|v3m|v3f" timeout 150 ./fb check /tmp/c.json > $R/check-prod.log 2>&1; echo "check prod rc=$?"
grep -c PASS $R/check-prod.log; grep -iE "fail|error" $R/check-prod.log | grep -v "0 failures" | head -5 | cut -c1-160; tail -1 $R/check-prod.log
FUSED_CASES="v3e|v3m|v3f" timeout 100 ./fb check /tmp/c0.json > $R/check-base.log 2>&1; echo "check base rc=$?"; grep -c PASS $R/check-base.log; tail -1 $R/check-base.log
for c in "v3m f32tf32 1x2x4100 r128 d128 seg1024 lead256 small128 st" "v3e f32tf32 2x2x1000 r128 d256 seg256 st" "v3f f32tf32 1x3x65 r128 d128 seg64 st"; do
  for tool in racecheck synccheck memcheck; do
    echo "== $tool $c" >> $R/san.log
    LEET_FUSED_PROD=1 FUSED_CASES="$c" timeout 90 compute-sanitizer --tool $tool ./fb check /tmp/s.json >> $R/san.log 2>&1
  done
done
grep -E "^==|ERROR SUMMARY|RACECHECK SUMMARY|hazard|FAIL" $R/san.log | cut -c1-120 | tee $R/san-summary.txt
P() { b=$1; shift; timeout 100 ./$b pair "$@" 2>&1 | sed "s/^/$b: /" >> $R/pair.log; }
P fb fp32 1 65536 "" "LEET_FUSED_PROD=1" 40
P fb224 fp32 1 65536 "" "LEET_FUSED_PROD=1" 40
P fb fp32 8 8192 "" "LEET_FUSED_PROD=1" 40
P fb fp32 1 16384 "" "LEET_FUSED_PROD=1" 40
P fb fp32 2 32768 "" "LEET_FUSED_PROD=1" 30
P fb fp32 1 4096 "" "LEET_FUSED_PROD=1" 60
P fb fp32 1 65536 "" "LEET_FUSED_PROD=1" 40
cut -c1-190 $R/pair.log
LEET_FUSED_PROD=1 timeout 150 ncu --clock-control none -k regex:fused_v3_kernel -c 4 --section SpeedOfLight --section LaunchStats \
  --section WarpStateStats ./fb profile32l > $R/ncu-prod.txt 2>&1
grep -E "fused_v3_kernel|Duration|Registers Per|Warp Cycles Per Issued|Block Size" $R/ncu-prod.txt | cut -c1-140 | head -24
cd $OUT && tar czf c2.tgz c2 && rm -rf c2
