#!/usr/bin/env bash
# twenty-seventh session, call 1 (H200): Q's A fragments from registers (LEET_FUSED_QREG=1) in the TF32 decoupled output kernels: checks, sanitizers, paired A/B, ncu
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version,power.limit --format=csv | tee $OUT/gpu.txt
xz -dc fb.xz > fb; chmod +x fb
LEET_FUSED_QREG=1 FUSED_CASES="v3" timeout 150 ./fb check /tmp/c.json > $OUT/check.log 2>&1; echo "check rc=$?"; grep -c PASS $OUT/check.log; grep -ciE "fail" $OUT/check.log; grep -iE "fail" $OUT/check.log | head -5 | cut -c1-160; tail -1 $OUT/check.log
P() { timeout 90 ./fb pair "$@" >> $OUT/pair.log 2>&1; }
P fp32 1 65536 "LEET_FUSED_QREG=0" "LEET_FUSED_QREG=1" 40
P fp32 1 32768 "LEET_FUSED_QREG=0" "LEET_FUSED_QREG=1" 30
P fp32 1 16384 "LEET_FUSED_QREG=0" "LEET_FUSED_QREG=1" 30
P fp32 2 32768 "LEET_FUSED_QREG=0" "LEET_FUSED_QREG=1" 30
P fp32 8 8192 "LEET_FUSED_QREG=0" "LEET_FUSED_QREG=1" 20
P fp32 1 4096 "LEET_FUSED_QREG=0" "LEET_FUSED_QREG=1" 30
P fp32 1 65536 "LEET_FUSED_QREG=0 LEET_FUSED_LEAD=0" "LEET_FUSED_QREG=1 LEET_FUSED_LEAD=0" 20
grep -o "pair.*" $OUT/pair.log | sed 's/d128  //' | cut -c1-170
for c in "v3l f32tf32 1x2x4100 r128 d128 seg1024 ksub4 lead512 st" "v3e f32tf32 1x2x777 r128 d128 seg192 st"; do
  LEET_FUSED_QREG=1 FUSED_CASES="$c" timeout 90 compute-sanitizer --tool racecheck ./fb check /tmp/r.json >> $OUT/san.log 2>&1
  LEET_FUSED_QREG=1 FUSED_CASES="$c" timeout 90 compute-sanitizer --tool memcheck ./fb check /tmp/m.json >> $OUT/san.log 2>&1
done
grep -E "ERROR SUMMARY|RACECHECK SUMMARY|hazard|FAIL|fail" $OUT/san.log | sort | uniq -c | head
for q in 0 1; do
  LEET_FUSED_QREG=$q timeout 150 ncu --clock-control none --kernel-name-base mangled -k regex:Li2ELi2ELi1ELb${q}E -c 1 --section SpeedOfLight --section ComputeWorkloadAnalysis --section MemoryWorkloadAnalysis --section WarpStateStats --section SchedulerStats --section LaunchStats ./fb profile32l > $OUT/ncu-q$q.txt 2>&1
  grep -E "Duration|SM Frequency|Throughput|Registers|Eligible|Issued Warp|Stall|spill|Spill" $OUT/ncu-q$q.txt | cut -c1-100 | head -24
done
cp za1.sh $OUT/
