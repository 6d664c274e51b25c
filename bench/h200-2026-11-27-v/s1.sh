#!/usr/bin/env bash
# twenty-second session, call 1: the deep state kernel (six stages, one CTA per SM) against
# the three-stage one; does the 1x65536 time follow its buffers; per-kernel times (ncu)
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version --format=csv | tee $OUT/gpu.txt
xz -dc fb.xz > fb; chmod +x fb
FUSED_CASES="v2" timeout 120 ./fb check /tmp/c.json > $OUT/check.log 2>&1; tail -3 $OUT/check.log
for c in "v2 f16 1x2x4100 r128 d128 seg1024 st" "v2 bf16 3x2x300 r128 d384 seg128 st" "v2d f16 1x2x700 r128 d256 seg192 st"; do
  FUSED_CASES="$c" timeout 60 compute-sanitizer --tool racecheck ./fb check /tmp/r.json >> $OUT/racecheck.log 2>&1
  FUSED_CASES="$c" timeout 60 compute-sanitizer --tool memcheck ./fb check /tmp/m.json >> $OUT/memcheck.log 2>&1
done
grep -E "ERROR SUMMARY|RACECHECK SUMMARY|hazard" $OUT/racecheck.log $OUT/memcheck.log | sort | uniq -c
for rep in 1 2 3; do
  FUSED_ROWS="S " timeout 150 ./fb bench /tmp/b.json > /tmp/bench.txt 2>&1
  sed "s/^/r$rep /" /tmp/bench.txt | grep -v '^$' >> $OUT/ab.log
done
grep -v "^$" $OUT/ab.log | grep -v " row \|device\|copy" | sort -s -k2,5 | cut -c1-84
for dp in 0 1; do
  LEET_FUSED_STATE_DEEP=$dp timeout 90 ncu --clock-control none --cache-control none --metrics gpu__time_duration.sum,dram__throughput.avg.pct_of_peak_sustained_elapsed,dram__bytes_read.sum,lts__ltcfabric2ltc_cycles_active.avg.pct_of_peak_sustained_elapsed ./fb profile1p > $OUT/ncu-deep$dp.txt 2>&1
  grep -E "fused_v2_kernel|gpu__time|dram__|ltcfabric" $OUT/ncu-deep$dp.txt | sed 's/(.*//' | cut -c1-110 | head -30
done
timeout 120 ./fb modes > $OUT/modes.log 2>&1; cut -c1-70 $OUT/modes.log
LEET_FUSED_STATE_DEEP=0 timeout 120 ./fb modes > $OUT/modes-deep0.log 2>&1; cut -c1-70 $OUT/modes-deep0.log
cd ../..
mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
for dp in 0 1; do
  LEET_FUSED_STATE_DEEP=$dp timeout 60 bash .gpu/run node dist/cli.js bench-gpu --out $OUT/lib16-d$dp --methods fused --dtypes float16,bfloat16 > $OUT/lib16-d$dp.log 2>&1; grep -E 'copy|fused' $OUT/lib16-d$dp.log | head -8
done
cd $OUT && tar czf lib.tgz lib16-d0 lib16-d1 && rm -rf lib16-d0 lib16-d1
