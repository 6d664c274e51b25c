#!/usr/bin/env bash
# Run zr, call 1 (an H200), from the repository root, carry ["out/c1"]: two fused_bench
# binaries built here from one tree, differing only in -DLEET_V3_ROUND (cuda/fused_v3.cuh's
# tf32_rn): fb-r0 rounds the TF32 walk's register operands (S^T, decayed P and K^T) with
# cvt.rna.tf32.f32 (three SASS instructions with CUDA 13), fb-r1 with FMUL + FFMA (two).
# 1. fused_bench's TF32 version-3 cases in both (errors against float64);
# 2. ncu per SASS instruction (WarpStateStats, SourceCounters) on fb-r0's lead-plan kernels
#    at TF32 1x65536 (profile32l): where the walk's warps wait;
# 3. alternating binaries, 10 pairs each, TF32 1x65536 and 8x8192, four rounds.
set -u
start=$SECONDS
R=$OUT/c1; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv | tee $R/nvidia-smi.txt
cd out/c1 && for b in fb-r0 fb-r1; do xz -dc $b.xz > $b; chmod +x $b; done
CASES="v3 |v3d|v3e|v3f|v3l|v3m|v3n|v3s|v3t|v3u"
for b in fb-r0 fb-r1; do
  FUSED_CASES="$CASES" timeout 120 ./$b check $R/check-$b.json > $R/check-$b.log 2>&1
  echo "$b check rc=$? $(tail -1 $R/check-$b.log)"
done
echo "after checks: $((SECONDS - start)) s"
for i in 1 2 3 4; do
  for b in fb-r0 fb-r1; do
    timeout 60 ./$b pair fp32 1 65536 "" "" 10 2>/dev/null | sed "s/^/$b $i: /" >> $R/xbin.log
  done
done
for i in 1 2; do
  for b in fb-r0 fb-r1; do
    timeout 60 ./$b pair fp32 8 8192 "" "" 10 2>/dev/null | sed "s/^/$b $i: /" >> $R/xbin.log
  done
done
cut -c1-120 $R/xbin.log
echo "after xbin: $((SECONDS - start)) s"
timeout 240 ncu --clock-control none -k regex:fused_v3_kernel -c 3 --section SpeedOfLight --section LaunchStats \
  --section WarpStateStats --section SourceCounters --section InstructionStats -o $R/walk ./fb-r0 profile32l > $R/ncu-run.log 2>&1
echo "ncu rc=$? after $((SECONDS - start)) s"
ncu -i $R/walk.ncu-rep --print-details all > $R/walk-details.txt 2>&1
ncu -i $R/walk.ncu-rep --page source --csv --print-source sass > $R/walk-sass.csv 2>$R/sass-err.log
echo "sass csv: $(wc -l < $R/walk-sass.csv) lines; $(head -c 300 $R/sass-err.log)"
grep -E "fused_v3_kernel|Duration|Registers Per|Warp Cycles Per Issued|Issue Slots|Executed Ipc" $R/walk-details.txt | cut -c1-150 | head -30
xz -T0 $R/walk-sass.csv; xz -T0 $R/walk.ncu-rep
cd $OUT && tar czf c1.tgz c1 && rm -rf c1
echo "done after $((SECONDS - start)) s"
