#!/usr/bin/env bash
# twenty-sixth session, call 2: the lead plan (TF32): checks, sanitizers, the first segment's length swept
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version,power.limit --format=csv | tee $OUT/gpu.txt
xz -dc fb.xz > fb; chmod +x fb
FUSED_CASES="v3l|v3e|v3u|v3 f32|v3f|v3s|v3d" timeout 200 ./fb check /tmp/c.json > $OUT/check.log 2>&1; echo "check rc=$?"; grep -ciE "fail" $OUT/check.log; grep -E "v3l" $OUT/check.log | cut -c1-150; tail -2 $OUT/check.log
FUSED_CASES="v3l f32tf32 1x2x4100 r128 d128 seg1024 ksub4" timeout 60 ncu --metrics gpu__time_duration.sum ./fb check /tmp/n.json 2>&1 | grep -E "fused_v3_kernel" | sed 's/.*fused_v3_kernelI//' | cut -c1-60 | sort | uniq -c
for c in "v3l f32tf32 1x2x4100 r128 d128 seg1024 ksub4" "v3l f32tf32 2x2x1000" "v3l f32tf32 1x3x300"; do
  FUSED_CASES="$c" timeout 90 compute-sanitizer --tool racecheck ./fb check /tmp/r.json >> $OUT/san.log 2>&1
  FUSED_CASES="$c" timeout 90 compute-sanitizer --tool memcheck ./fb check /tmp/m.json >> $OUT/san.log 2>&1
  FUSED_CASES="$c" timeout 90 compute-sanitizer --tool synccheck ./fb check /tmp/s.json >> $OUT/san.log 2>&1
done
grep -E "ERROR SUMMARY|RACECHECK SUMMARY|hazard|FAIL|fail" $OUT/san.log | sort | uniq -c | head
for x in 3072 4096 5120 6144 7168 8192 9216; do
  timeout 60 ./fb pair fp32 1 65536 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=$x" 60 >> $OUT/sweep.log 2>&1
done
for x in 1 4096 6144 8192; do
  timeout 60 ./fb pair fp32 2 32768 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=$x" 60 >> $OUT/sweep.log 2>&1
done
for x in 1 1024 1536 2048; do
  timeout 60 ./fb pair fp32 1 16384 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=$x" 60 >> $OUT/sweep.log 2>&1
done
for x in 1 256 512; do
  timeout 60 ./fb pair fp32 1 4096 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=$x" 60 >> $OUT/sweep.log 2>&1
done
timeout 60 ./fb pair fp32 8 8192 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 40 >> $OUT/sweep.log 2>&1
FUSED_D=256 timeout 60 ./fb pair fp32 1 65536 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 40 >> $OUT/sweep.log 2>&1
FUSED_H=16 timeout 60 ./fb pair fp32 1 65536 "LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=1" 40 >> $OUT/sweep.log 2>&1
grep -o "pair.*" $OUT/sweep.log | sed 's/d128  //' | cut -c1-160
for x in 0 1; do
  LEET_FUSED_LEAD=$x timeout 90 ncu --clock-control none --cache-control none -k regex:fused_v3_kernel --metrics gpu__time_duration.sum,dram__throughput.avg.pct_of_peak_sustained_elapsed,lts__ltcfabric2ltc_cycles_active.avg.pct_of_peak_sustained_elapsed ./fb profile32l > $OUT/ncu-lead$x.txt 2>&1
  grep -E "fused_v3_kernel|gpu__time|dram__|ltcfabric" $OUT/ncu-lead$x.txt | sed 's/(.*//' | cut -c1-110 | tail -12
done
cp z2.sh $OUT/
