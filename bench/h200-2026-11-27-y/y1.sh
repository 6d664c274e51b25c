#!/usr/bin/env bash
# twenty-fifth session, call 1 (H200): the decoupled TF32 output kernel with O stored by TMA
# (default) against O from registers (LEET_FUSED_TMA=1); the decoupled / lockstep ratio on
# short walks; the L2 re-read probe.
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version,power.limit --format=csv | tee $OUT/gpu.txt
xz -dc fb.xz > fb; chmod +x fb; xz -dc rp.xz > rp; chmod +x rp
FUSED_CASES="v3e|v3f|v3 f32|v3p|v3s" timeout 200 ./fb check /tmp/c.json > $OUT/check.log 2>&1; echo "check rc=$?"; grep -ciE "fail" $OUT/check.log; tail -3 $OUT/check.log
for c in "v3e f32tf32 1x2x4100 r128 d128 seg1024 ksub4 pad256 st" "v3e f32tf32 1x3x65 r128 d128 seg64 st" "v3e f32tf32 1x2x2000 r128 d384 heur st"; do
  FUSED_CASES="$c" timeout 90 compute-sanitizer --tool racecheck ./fb check /tmp/r.json >> $OUT/racecheck.log 2>&1
  FUSED_CASES="$c" timeout 90 compute-sanitizer --tool memcheck ./fb check /tmp/m.json >> $OUT/memcheck.log 2>&1
done
grep -E "ERROR SUMMARY|RACECHECK SUMMARY|hazard|FAIL|fail" $OUT/racecheck.log $OUT/memcheck.log | sort | uniq -c | head
for shape in "fp32 1 65536" "fp32 8 8192" "fp32 2 32768" "fp32 1 16384" "fp32 1 4096" "fp32 1 1024"; do
  timeout 60 ./fb pair $shape "LEET_FUSED_TMA=1" "" 150 >> $OUT/pair-store.log 2>&1
done
cat $OUT/pair-store.log
for shape in "fp32 1 1024" "fp32 1 1536" "fp32 1 2048" "fp32 1 3072" "fp32 1 4096" "fp32 1 65536"; do
  timeout 60 ./fb pair $shape "LEET_FUSED_V3DEC=0" "" 150 >> $OUT/pair-dec.log 2>&1
done
FUSED_D=256 timeout 60 ./fb pair fp32 1 2048 "LEET_FUSED_V3DEC=0" "" 150 >> $OUT/pair-dec.log 2>&1
FUSED_H=8 timeout 60 ./fb pair fp32 1 8192 "LEET_FUSED_V3DEC=0" "" 150 >> $OUT/pair-dec.log 2>&1
cat $OUT/pair-dec.log
for tl in 1 2; do
  LEET_FUSED_TMA=$tl timeout 90 ncu --clock-control none --cache-control none -k regex:fused_v3_kernel --metrics gpu__time_duration.sum,dram__throughput.avg.pct_of_peak_sustained_elapsed,lts__ltcfabric2ltc_cycles_active.avg.pct_of_peak_sustained_elapsed,lts__t_sectors.avg.pct_of_peak_sustained_elapsed ./fb profile32l > $OUT/ncu-tma$tl.txt 2>&1
  grep -E "fused_v3_kernel|gpu__time|dram__|ltcfabric|t_sectors" $OUT/ncu-tma$tl.txt | sed 's/(.*//' | cut -c1-110 | tail -10
done
timeout 120 ./rp 2>&1 | tee $OUT/reread.log
timeout 150 ncu --clock-control none --cache-control none -k regex:"walk|states" -c 120 --metrics gpu__time_duration.sum,dram__bytes_read.sum,dram__throughput.avg.pct_of_peak_sustained_elapsed,lts__ltcfabric2ltc_cycles_active.avg.pct_of_peak_sustained_elapsed,lts__t_sectors.avg.pct_of_peak_sustained_elapsed ./rp > $OUT/ncu-reread.txt 2>&1
echo "ncu reread rc=$?"
cp y1.sh $OUT/
