#!/usr/bin/env bash
# Run zo, call 6 (an H200), carry [".gpu", "dist", "out/fbx"]: data for the 16-bit segment
# model's step (docs/fused-design.md, forty-first session, "Next"). fused_bench pair, 8
# pairs: A = the one walk (LEET_FUSED_SEGMENT = N), B = its thirds, at 16 to 88 walks
# (d = 128, B = 2, H = walks / 2) and N of 16384 to 131072, fp16 and bf16. A's time over
# N / 64 is the walk's step.
set -u
R=$OUT/${CALL:-c6}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv | tee $R/nvidia-smi.txt
xz -dc out/fbx/fb.xz > /tmp/fb; chmod +x /tmp/fb
P() { timeout 40 /tmp/fb pair "$@" >> $R/pair.log 2>&1; }
third() { echo $(( ( ($1 + 2) / 3 + 511) / 512 * 512 )); }
for dt in fp16 bf16; do
  for N in 16384 32768 131072; do
    for w in 16 32 64 80 88; do
      FUSED_H=$((w / 2)) FUSED_D=128 P $dt 2 $N "LEET_FUSED_SEGMENT=$N" "LEET_FUSED_SEGMENT=$(third $N)" 8
    done
  done
done
grep -o "pair.*" $R/pair.log | cut -c1-150
cd $OUT && tar czf ${CALL:-c6}.tgz ${CALL:-c6} && rm -rf ${CALL:-c6}
