#!/usr/bin/env bash
# Run zq, call 1 (an H200), from the repository root, carry ["out/fbx-cap-xz"]: the TF32
# walk under a register cap of 232 (scripts/fused-bench/v3-regcap.sh --bench: fused_bench with
# __maxnreg__(232) on fused_v3_kernel in place of its launch bounds) against fused_bench built
# from cuda/ as it is (fb). Same commit, same flags; nothing else differs.
# 1. alternating binaries, 10 pairs each, TF32 1x65536 (H32 d128), four rounds;
# 2. LEET_FUSED_EARLY=0 against the default inside each binary;
# 3. ncu of the version 3 kernels in both binaries (durations, registers, warp states).
set -u
R=$OUT/c1; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv | tee $R/nvidia-smi.txt
cd out/fbx-cap-xz && xz -dc fb.xz > fb && xz -dc fb-cap232.xz > fb-cap232 && chmod +x fb fb-cap232
for i in 1 2 3 4; do
  timeout 60 ./fb pair fp32 1 65536 "" "" 10 2>/dev/null | sed "s/^/fb $i: /" >> $R/xbin.log
  timeout 60 ./fb-cap232 pair fp32 1 65536 "" "" 10 2>/dev/null | sed "s/^/cap232 $i: /" >> $R/xbin.log
done
cut -c1-170 $R/xbin.log
for b in fb fb-cap232; do
  timeout 60 ./$b pair fp32 1 65536 "" "LEET_FUSED_EARLY=0" 20 2>/dev/null | sed "s/^/$b: /" >> $R/early.log
done
timeout 60 ./fb-cap232 pair fp32 1 65536 "" "LEET_FUSED_EARLY=0" 20 2>/dev/null | sed "s/^/fb-cap232 again: /" >> $R/early.log
cut -c1-170 $R/early.log
for b in fb fb-cap232; do
  timeout 150 ncu --clock-control none -k regex:fused_v3_kernel -c 4 --section SpeedOfLight --section LaunchStats \
    --section WarpStateStats ./$b profile32l > $R/ncu-$b.txt 2>&1
  { echo "== $b"; grep -E "fused_v3_kernel|Duration|Registers Per|Warp Cycles Per Issued|Stall" $R/ncu-$b.txt | cut -c1-140 | head -24; } | tee -a $R/ncu-summary.txt
done
cd $OUT && tar czf c1.tgz c1 && rm -rf c1
