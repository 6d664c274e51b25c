#!/usr/bin/env bash
# Run zr, call 2 (an H200), from the repository root, carry ["out/c2"]: fused_bench built here
# with -DLEET_V3_ROUND=1 (FMUL + FFMA rounding, call 1) and -DLEET_V3_OVT=0|1|2
# (cuda/fused_v3.cuh's OVT: in the decoupled TF32 output kernels with TMA stores, O is
# staged in the warpgroup's V^T region instead of its S^T buffer; 1: the next S^T half is
# staged after the step's last wgmma, 2: under it). fb-r1 is call 1's binary (OVT 0).
# 1. fused_bench's version 3 cases of the decoupled and lead-plan kernels in fb-o1, fb-o2;
# 2. racecheck and synccheck on two cases each;
# 3. alternating binaries, 10 pairs each, TF32 1x65536 (four rounds) and 8x8192 (two);
# 4. ncu per SASS instruction on the lead plan's kernels (fb-o1 and fb-o2).
set -u
start=$SECONDS
R=$OUT/c2; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv | tee $R/nvidia-smi.txt
cd out/c2 && for b in fb-r1 fb-o1 fb-o2; do xz -dc $b.xz > $b; chmod +x $b; done
for i in 1 2 3 4; do
  for b in fb-r1 fb-o1 fb-o2; do
    timeout 60 ./$b pair fp32 1 65536 "" "" 10 2>/dev/null | sed "s/^/$b $i: /" >> $R/xbin.log
  done
done
for i in 1 2; do
  for b in fb-r1 fb-o1 fb-o2; do
    timeout 60 ./$b pair fp32 8 8192 "" "" 10 2>/dev/null | sed "s/^/$b $i: /" >> $R/xbin.log
  done
done
cut -c1-120 $R/xbin.log
echo "after xbin: $((SECONDS - start)) s"
CASES="v3d|v3e|v3f|v3l|v3m"
for b in fb-o1 fb-o2; do
  FUSED_CASES="$CASES" timeout 120 ./$b check $R/check-$b.json > $R/check-$b.log 2>&1
  echo "$b check rc=$? $(grep -c PASS $R/check-$b.log) PASS; $(tail -1 $R/check-$b.log)"
done
echo "after checks: $((SECONDS - start)) s"
for b in fb-o1 fb-o2; do
  for c in "v3m f32tf32 1x2x4100 r128 d128 seg1024 lead256 small128 st" "v3e f32tf32 2x2x1000 r128 d256 seg256 st"; do
    for tool in racecheck synccheck; do
      echo "== $b $tool $c" >> $R/san.log
      FUSED_CASES="$c" timeout 90 compute-sanitizer --tool $tool ./$b check /tmp/s.json >> $R/san.log 2>&1
    done
  done
done
grep -E "^==|ERROR SUMMARY|RACECHECK SUMMARY|hazard|FAIL" $R/san.log | cut -c1-120 | tee $R/san-summary.txt
echo "after sanitizers: $((SECONDS - start)) s"
for b in fb-o1 fb-o2; do
  timeout 120 ncu --clock-control none -k regex:fused_v3_kernel -c 3 --section SpeedOfLight --section LaunchStats \
    --section WarpStateStats --section SourceCounters -o $R/walk-$b ./$b profile32l > $R/ncu-run-$b.log 2>&1
  ncu -i $R/walk-$b.ncu-rep --print-details all > $R/walk-details-$b.txt 2>&1
  ncu -i $R/walk-$b.ncu-rep --page source --csv --print-source sass > $R/walk-sass-$b.csv 2>/dev/null
  grep -E "fused_v3_kernel|Duration|Warp Cycles Per Issued" $R/walk-details-$b.txt | cut -c1-150 | head -12
  xz -T0 $R/walk-sass-$b.csv; rm -f $R/walk-$b.ncu-rep
done
cd $OUT && tar czf c2.tgz c2 && rm -rf c2
echo "done after $((SECONDS - start)) s"
