#!/usr/bin/env bash
# Run zn, call 3 (an H200), carry [".gpu", "dist", "out/fbx"]: call 2's finding checked
# wider. 16-bit shapes whose plan is one 128-column walk a sequence with 72 to 84 walks
# (B x H x d/128) on 132 SMs, N of 32768 to 131072, against 3, 4 and 5 forced segments
# (LEET_FUSED_SEGMENT = N/n rounded up to 512). fused_bench pair, 24 pairs each.
set -u
start=$SECONDS
R=$OUT/${CALL:-c3}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv | tee $R/nvidia-smi.txt
xz -dc out/fbx/fb.xz > /tmp/fb; chmod +x /tmp/fb
P() { timeout 60 /tmp/fb pair "$@" >> $R/pair.log 2>&1; }
# dtype B H N d
for h in "fp16 2 40 65536 128" "fp16 2 40 98304 128" "fp16 2 40 49152 128" "fp16 2 40 131072 128" \
         "fp16 3 24 131072 128" "fp16 4 20 65536 128" "fp16 5 16 65536 128" "fp16 3 28 65536 128" \
         "fp16 1 40 65536 256" "fp16 2 36 65536 128" "bf16 2 40 65536 128" "bf16 2 40 131072 128" \
         "fp16 2 32 131072 128" "fp16 3 32 131072 128"; do
  set -- $h; T=$1; B=$2; H=$3; N=$4; D=$5
  for n in 3 4 5; do
    L=$(( (N / n + 511) / 512 * 512 ))
    FUSED_H=$H FUSED_D=$D P $T $B $N "" "LEET_FUSED_SEGMENT=$L" 24
  done
  echo "$h done at $((SECONDS - start)) s"
  [ $((SECONDS - start)) -gt 500 ] && break
done
grep -o "pair.*" $R/pair.log | cut -c1-170
cd $OUT && tar czf ${CALL:-c3}.tgz ${CALL:-c3} && rm -rf ${CALL:-c3}
