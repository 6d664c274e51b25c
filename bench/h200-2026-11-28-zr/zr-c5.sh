#!/usr/bin/env bash
# Run zr, call 5 (an H200), from the repository root, carry ["out/c5"]: fused_bench built here
# from the final tree (this session's TF32 walk): its whole check, racecheck, synccheck and
# memcheck on three TF32 cases, ncu durations of the lead plan's kernels at TF32 1x65536, and
# its pairs at the TF32 shape against LEET_FUSED_EARLY=0 (the earlier order, which
# keeps O in the S^T buffer).
set -u
start=$SECONDS
R=$OUT/c5; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv | tee $R/nvidia-smi.txt
cd out/c5 && xz -dc fb-final.xz > fb && chmod +x fb
timeout 300 ./fb check $R/check.json > $R/check.log 2>&1
echo "check rc=$? $(grep -c PASS $R/check.log) PASS; $(tail -1 $R/check.log) after $((SECONDS - start)) s"
for c in "v3m f32tf32 1x2x4100 r128 d128 seg1024 lead256 small128 st" "v3e f32tf32 2x2x1000 r128 d256 seg256 st" "v3f f32tf32 1x3x65 r128 d128 seg64 st"; do
  for tool in racecheck synccheck memcheck; do
    echo "== $tool $c" >> $R/san.log
    FUSED_CASES="$c" timeout 90 compute-sanitizer --tool $tool ./fb check /tmp/s.json >> $R/san.log 2>&1
  done
done
grep -E "^==|ERROR SUMMARY|RACECHECK SUMMARY|hazard|FAIL" $R/san.log | cut -c1-120 | tee $R/san-summary.txt
echo "after sanitizers: $((SECONDS - start)) s"
timeout 60 ncu --clock-control none -k regex:fused_v3_kernel -c 3 --section SpeedOfLight --section LaunchStats \
  --section WarpStateStats ./fb profile32l > $R/ncu.txt 2>&1
grep -E "fused_v3_kernel|Duration|Registers Per|Warp Cycles Per Issued" $R/ncu.txt | cut -c1-150 | head -12
timeout 60 ./fb pair fp32 1 65536 "" "LEET_FUSED_EARLY=0" 20 2>&1 | tee -a $R/pair.log | cut -c1-150
timeout 60 ./fb pair fp32 8 8192 "" "LEET_FUSED_EARLY=0" 20 2>&1 | tee -a $R/pair.log | cut -c1-150
cd $OUT && tar czf c5.tgz c5 && rm -rf c5
echo "done after $((SECONDS - start)) s"
