#!/usr/bin/env bash
# Run zq, call 3 (an H200), carry ["out/fbx-prod-xz"]: the producer warpgroup with the
# consumers at 232 registers (fb232: setmaxnreg 40 / 232; its producer spills 60 bytes) and
# at 224 (fb224: 56 / 224) against the default, and the consumers' cap alone: fb-cap224
# (scripts/fused-bench/v3-regcap.sh --bench at 224 on the commit before, no producer)
# against fb (this tree, whose default kernels are that commit's), alternating binaries.
set -u
R=$OUT/c3; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv | tee $R/nvidia-smi.txt
cd out/fbx-prod-xz && for b in fb232 fb224 fb-cap224 fb; do xz -dc $b.xz > $b && chmod +x $b; done
LEET_FUSED_PROD=1 FUSED_CASES="v3e|v3m|v3f" timeout 150 ./fb232 check /tmp/c.json > $R/check-prod232.log 2>&1; echo "check fb232 prod rc=$?"
grep -c PASS $R/check-prod232.log; tail -1 $R/check-prod232.log
P() { b=$1; shift; timeout 100 ./$b pair "$@" 2>&1 | grep pair | sed "s/^/$b: /" >> $R/pair.log; }
P fb232 fp32 1 65536 "" "LEET_FUSED_PROD=1" 40
P fb224 fp32 1 65536 "" "LEET_FUSED_PROD=1" 40
P fb232 fp32 8 8192 "" "LEET_FUSED_PROD=1" 40
P fb232 fp32 1 65536 "" "LEET_FUSED_PROD=1" 40
P fb224 fp32 1 65536 "" "LEET_FUSED_PROD=1" 40
cut -c1-190 $R/pair.log
for i in 1 2 3; do
  timeout 60 ./fb pair fp32 1 65536 "" "" 10 2>/dev/null | grep pair | sed "s/^/fb $i: /" >> $R/xbin.log
  timeout 60 ./fb-cap224 pair fp32 1 65536 "" "" 10 2>/dev/null | grep pair | sed "s/^/cap224 $i: /" >> $R/xbin.log
done
cut -c1-170 $R/xbin.log
cd $OUT && tar czf c3.tgz c3 && rm -rf c3
