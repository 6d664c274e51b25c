#!/usr/bin/env bash
# Run zo, call 2 (an H200), carry [".gpu", "dist", "out/fbx"]: fused_bench pair (32 pairs),
# A = the model's own plan (fused_bench's build has no one_walk_thirds, so this is the
# plan without it), B = three segments (LEET_FUSED_SEGMENT = N/3 rounded up to 512), where
# call 1 left it open:
# - d = 256 at 68-80 walks, where the model takes 5 to 32 short segments, not one walk;
# - 56-64 walks, where it takes the lead plan (2 segments);
# - 86-90 walks (the one walk), d = 128 and d = 256, where the rule stops at 84.
set -u
R=$OUT/${CALL:-c2}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv | tee $R/nvidia-smi.txt
xz -dc out/fbx/fb.xz > /tmp/fb; chmod +x /tmp/fb
P() { timeout 60 /tmp/fb pair "$@" >> $R/pair.log 2>&1; }
third() { echo $(( ( ($1 + 2) / 3 + 511) / 512 * 512 )); }
# dtype B H N d
for dt in fp16 bf16; do
  for h in "1 34 65536 256" "1 36 65536 256" "1 38 65536 256" "1 40 65536 256" "2 20 65536 256" "1 36 98304 256" \
           "1 40 49152 256" "1 34 131072 256" "4 10 98304 256" \
           "2 28 65536 128" "2 32 65536 128" "1 28 65536 256" "1 56 131072 128" "2 30 49152 128" \
           "1 44 65536 256" "2 22 98304 256" "1 44 49152 256" "1 46 65536 256" \
           "2 44 65536 128" "4 22 65536 128" "1 88 131072 128" "1 86 65536 128" "3 30 65536 128"; do
    set -- $h
    FUSED_H=$2 FUSED_D=$4 P $dt $1 $3 "" "LEET_FUSED_SEGMENT=$(third $3)" 32
  done
done
grep -o "pair.*" $R/pair.log | cut -c1-170
cd $OUT && tar czf ${CALL:-c2}.tgz ${CALL:-c2} && rm -rf ${CALL:-c2}
