#!/usr/bin/env bash
# Run zo, call 1 (an H200), from the repository root, carry [".gpu", "dist", "out/fbx"]:
# 1. the rows through the library on this session's build (bench-gpu, fused:
#    fp16, bf16, float32 exact; then TF32);
# 2. fused_bench pair (alternating launches, CUDA events): the 16-bit one walk a sequence
#    (A, LEET_FUSED_SEGMENT = N) against three segments (B, N/3 rounded up to 512) over the
#    walk counts around one_walk_thirds' bounds, d = 128 and d = 256, N = 65536; the one
#    walk's own time gives its step time against the number of walks on the card.
set -u
start=$SECONDS
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c1}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv | tee $R/nvidia-smi.txt
xz -dc out/fbx/fb.xz > /tmp/fb; chmod +x /tmp/fb
timeout 200 bash .gpu/run node dist/cli.js bench-gpu --methods fused --out $R/rows > $R/bench.log 2>&1
grep -E "fused|floor|copy" $R/bench.log | cut -c1-200 | head -30
timeout 100 bash .gpu/run node dist/cli.js bench-gpu --methods fused --dtypes float32 --precision tf32 --out $R/tf32 > $R/bench-tf32.log 2>&1
grep -E "fused|floor|copy" $R/bench-tf32.log | cut -c1-200 | head -12
echo "after rows: $((SECONDS - start)) s"
P() { timeout 60 /tmp/fb pair "$@" >> $R/pair.log 2>&1; }
N=65536; L3=22016
# d = 128: B = 2, H = walks / 2
for w in 8 16 32 48 56 60 64 68 72 76 80 84 88 92 96 104 112 128; do
  FUSED_H=$((w / 2)) FUSED_D=128 P fp16 2 $N "LEET_FUSED_SEGMENT=$N" "LEET_FUSED_SEGMENT=$L3" 16
done
echo "after d128: $((SECONDS - start)) s"
# d = 256: B = 1, H = walks / 2
for w in 32 56 64 68 72 76 80 84 88 92 96 104 112 128; do
  FUSED_H=$((w / 2)) FUSED_D=256 P fp16 1 $N "LEET_FUSED_SEGMENT=$N" "LEET_FUSED_SEGMENT=$L3" 16
done
echo "after d256: $((SECONDS - start)) s"
for w in 68 88 96; do
  FUSED_H=$((w / 2)) FUSED_D=256 P bf16 1 $N "LEET_FUSED_SEGMENT=$N" "LEET_FUSED_SEGMENT=$L3" 16
  FUSED_H=$((w / 2)) FUSED_D=128 P bf16 2 $N "LEET_FUSED_SEGMENT=$N" "LEET_FUSED_SEGMENT=$L3" 16
done
grep -o "pair.*" $R/pair.log | cut -c1-170
echo "after pairs: $((SECONDS - start)) s"
cd $OUT && tar czf ${CALL:-c1}.tgz ${CALL:-c1} && rm -rf ${CALL:-c1}
