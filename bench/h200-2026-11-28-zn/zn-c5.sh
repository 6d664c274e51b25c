#!/usr/bin/env bash
# Run zn, call 5 (an H200), carry [".gpu", "dist", "out/fbx"]: call 4's slower cases and the
# three fp16 shapes its time limit cut, again with fused_bench pair (alternating launches,
# 32 pairs): the one walk (A) against the thirds (B, LEET_FUSED_SEGMENT). fused_bench is
# call 1's build, whose version-2 kernels and host code for these shapes are HEAD's less the
# thirds rule.
set -u
R=$OUT/${CALL:-c5}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv | tee $R/nvidia-smi.txt
xz -dc out/fbx/fb.xz > /tmp/fb; chmod +x /tmp/fb
P() { timeout 60 /tmp/fb pair "$@" >> $R/pair.log 2>&1; }
# dtype B H N d L
for h in "bf16 2 40 50000 128 16896" "bf16 3 28 131072 128 44032" "bf16 1 40 65573 256 22016" "fp16 4 20 65536 128 22016" \
         "fp16 1 44 81920 256 27648" "fp16 5 8 50000 256 16896" "fp16 2 20 65573 256 22016" "bf16 2 44 65536 128 22016" \
         "fp16 2 44 65536 128 22016" "bf16 8 10 65536 128 22016" "bf16 5 8 50000 256 16896"; do
  set -- $h
  FUSED_H=$3 FUSED_D=$5 P $1 $2 $4 "" "LEET_FUSED_SEGMENT=$6" 32
done
grep -o "pair.*" $R/pair.log | cut -c1-170
cd $OUT && tar czf ${CALL:-c5}.tgz ${CALL:-c5} && rm -rf ${CALL:-c5}
