#!/usr/bin/env bash
# Run zn, call 2 (an H200), carry [".gpu", "dist", "out/fbx"]: 16-bit shapes whose plan is
# one 128-column walk a sequence in one partial wave of CTAs (B x H = 72 to 120, N of
# 16384 to 65536), against forced segments (LEET_FUSED_SEGMENT, which the lead plan may
# then take) and the 64-column kernels (LEET_FUSED_OUT=64). fused_bench pair: CUDA events,
# alternating launches, B/A medians. (fp16 kernels: the build of call 1, whose version-2
# kernels are those of HEAD.)
set -u
start=$SECONDS
R=$OUT/${CALL:-c2}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv | tee $R/nvidia-smi.txt
xz -dc out/fbx/fb.xz > /tmp/fb; chmod +x /tmp/fb
P() { timeout 60 /tmp/fb pair "$@" >> $R/pair.log 2>&1; }
for h in "2 40 65536" "2 40 32768" "3 24 65536" "2 48 65536" "3 40 65536" "2 40 16384" "2 40 131072"; do
  set -- $h; B=$1; H=$2; N=$3
  for n in 2 3 4 6; do
    L=$(( (N / n + 511) / 512 * 512 ))
    FUSED_H=$H P fp16 $B $N "" "LEET_FUSED_SEGMENT=$L" 16
  done
  FUSED_H=$H P fp16 $B $N "" "LEET_FUSED_OUT=64" 16
  echo "$h done at $((SECONDS - start)) s"
  [ $((SECONDS - start)) -gt 480 ] && break
done
grep -o "pair.*" $R/pair.log | cut -c1-170
cd $OUT && tar czf ${CALL:-c2}.tgz ${CALL:-c2} && rm -rf ${CALL:-c2}
