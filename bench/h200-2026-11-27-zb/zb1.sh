#!/usr/bin/env bash
# twenty-eighth session, call 1 (H200), from the repository root: the TF32 output kernels' early state update as the default (LEET_FUSED_EARLY=0: the earlier order): fused_bench's version-2 and -3 checks, sanitizers, paired A/B, ncu; then the library's issue rows
set -u
R=$OUT/r; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version,power.limit --format=csv | tee $R/gpu.txt
cd out/fbx && xz -dc fb.xz > fb && chmod +x fb
FUSED_CASES="v2|v3" timeout 200 ./fb check /tmp/c.json > $R/check.log 2>&1; echo "check rc=$?"; grep -c PASS $R/check.log; grep -iE "fail" $R/check.log | grep -v "0 failures" | head -5 | cut -c1-160; tail -1 $R/check.log
for c in "v3l f32tf32 1x2x4100 r128 d128 seg1024 ksub4 lead512 st" "v3e f32tf32 1x2x777 r128 d128 seg192 st" "v3f f32tf32 2x2x1000 r128 d256 seg256 pad192 st"; do
  for tool in racecheck memcheck synccheck; do
    FUSED_CASES="$c" timeout 90 compute-sanitizer --tool $tool ./fb check /tmp/s.json >> $R/san.log 2>&1
  done
done
grep -E "ERROR SUMMARY|RACECHECK SUMMARY|hazard|FAIL|fail" $R/san.log | sort | uniq -c | head
P() { timeout 90 ./fb pair "$@" >> $R/pair.log 2>&1; }
P fp32 1 65536 "LEET_FUSED_EARLY=0" "" 40
P fp32 1 32768 "LEET_FUSED_EARLY=0" "" 30
P fp32 1 16384 "LEET_FUSED_EARLY=0" "" 30
P fp32 2 32768 "LEET_FUSED_EARLY=0" "" 30
P fp32 8 8192 "LEET_FUSED_EARLY=0" "" 20
P fp32 1 4096 "LEET_FUSED_EARLY=0" "" 30
FUSED_D=256 P fp32 1 32768 "LEET_FUSED_EARLY=0" "" 30
P fp32 1 65536 "LEET_FUSED_EARLY=0 LEET_FUSED_LEAD=0" "LEET_FUSED_LEAD=0" 20
P fp32 1 65536 "LEET_FUSED_EARLY=0" "" 40
grep -o "pair.*" $R/pair.log | sed 's/d128  //' | cut -c1-170
for q in 0 1; do
  LEET_FUSED_EARLY=$q timeout 150 ncu --clock-control none --kernel-name-base mangled -k regex:Li2ELi2ELi1ELb${q}E -c 1 --section SpeedOfLight --section ComputeWorkloadAnalysis --section MemoryWorkloadAnalysis --section WarpStateStats --section SchedulerStats --section LaunchStats ./fb profile32l > $R/ncu-e$q.txt 2>&1
  grep -E "Duration|SM Frequency|Throughput|Registers|Eligible|Issued Warp|spill|Spill" $R/ncu-e$q.txt | cut -c1-100 | head -16
done
cd ../..
cp bench/h200-2026-11-27-zb/zb1.sh $R/
[ -f .gpu/leet_decoding.node.xz ] && mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
bash .gpu/run node dist/cli.js bench-gpu --methods fused --out $R/bench 2>&1 | tee $R/bench.log | tail -22
bash .gpu/run node dist/cli.js bench-gpu --methods fused --dtypes float32 --precision tf32 --out $R/tf32 2>&1 | tee $R/bench-tf32.log | tail -12
cd $OUT && cp r/pair.log r/bench.log r/bench-tf32.log r/check.log . && tar czf r.tgz r && rm -rf r
