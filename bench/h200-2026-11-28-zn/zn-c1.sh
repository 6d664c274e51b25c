#!/usr/bin/env bash
# Run zn, call 1 (an H200), from the repository root, carry [".gpu", "dist", "out/fbx"]:
# the TF32 output walk with Q S's first half issued one step ahead (LEET_FUSED_EARLY=2,
# fused_v3_kernel's EARLY = 2) against the default (EARLY = 1).
# 1. fused_bench's version-3 checks (the new early2 cases among them) and sanitizers on two;
# 2. paired A/B (fused_bench pair, CUDA events, alternating launches), B = EARLY 2;
# 3. ncu on the lead plan's other-segments output kernel, both forms;
# 4. the library's TF32 row, both forms.
set -u
start=$SECONDS
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c1}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv | tee $R/nvidia-smi.txt
cp out/fbx/fb /tmp/fb 2>/dev/null || xz -dc out/fbx/fb.xz > /tmp/fb; chmod +x /tmp/fb
FUSED_CASES="v3" timeout 150 /tmp/fb check $R/check.json > $R/check.log 2>&1; echo "check rc=$?"
grep -c PASS $R/check.log; grep -E "early2" $R/check.log | cut -c1-150; grep -iE "fail" $R/check.log | grep -v "0 failures" | head -5 | cut -c1-160; tail -1 $R/check.log
for c in "v3e f32tf32 1x2x4100 r128 d128 seg1024 ksub4 lead512 st early2" "v3e f32tf32 1x2x777 r128 d128 seg192 st early2"; do
  for tool in racecheck memcheck; do
    FUSED_CASES="$c" timeout 60 compute-sanitizer --tool $tool /tmp/fb check /tmp/s.json >> $R/san.log 2>&1
  done
done
grep -E "ERROR SUMMARY|RACECHECK SUMMARY|hazard|FAIL" $R/san.log | sort | uniq -c | head
echo "after checks: $((SECONDS - start)) s"
P() { timeout 60 /tmp/fb pair "$@" >> $R/pair.log 2>&1; }
P fp32 1 65536 "" "LEET_FUSED_EARLY=2" 40
P fp32 8 8192 "" "LEET_FUSED_EARLY=2" 30
P fp32 1 32768 "" "LEET_FUSED_EARLY=2" 30
P fp32 2 32768 "" "LEET_FUSED_EARLY=2" 30
P fp32 1 16384 "" "LEET_FUSED_EARLY=2" 30
P fp32 1 4096 "" "LEET_FUSED_EARLY=2" 30
FUSED_D=256 P fp32 1 32768 "" "LEET_FUSED_EARLY=2" 30
P fp32 1 65536 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=0 LEET_FUSED_EARLY=2" 20
P fp32 1 65536 "" "LEET_FUSED_EARLY=2" 40
P fp32 1 65536 "" "" 20
grep -o "pair.*" $R/pair.log | cut -c1-180
echo "after pairs: $((SECONDS - start)) s"
for q in 1 2; do
  LEET_FUSED_EARLY=$q timeout 100 ncu --clock-control none --kernel-name-base mangled -k regex:Li2ELi2ELi1ELi${q}E -c 1 --section SpeedOfLight --section ComputeWorkloadAnalysis --section MemoryWorkloadAnalysis --section WarpStateStats --section SchedulerStats --section LaunchStats /tmp/fb profile32l > $R/ncu-e$q.txt 2>&1
  grep -E "Duration|SM Frequency|Registers|Issued Warp|Issue Slots Busy|L1/TEX Hit|Shared|spill|Spill" $R/ncu-e$q.txt | cut -c1-100 | head -12
done
echo "after ncu: $((SECONDS - start)) s"
left=$((575 - (SECONDS - start)))
if [ $left -gt 60 ]; then
  timeout $((left / 2)) bash .gpu/run node dist/cli.js bench-gpu --methods fused --dtypes float32 --precision tf32 --out $R/tf32 > $R/bench-tf32.log 2>&1
  tail -5 $R/bench-tf32.log
  left=$((575 - (SECONDS - start)))
  LEET_FUSED_EARLY=2 timeout $left bash .gpu/run node dist/cli.js bench-gpu --methods fused --dtypes float32 --precision tf32 --out $R/tf32-e2 > $R/bench-tf32-e2.log 2>&1
  tail -5 $R/bench-tf32-e2.log
fi
cd $OUT && tar czf ${CALL:-c1}.tgz ${CALL:-c1} && rm -rf ${CALL:-c1}
