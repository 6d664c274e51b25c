# Run zk, call 1: every count of equal segments up to 16 (segment_candidates, kEvenCounts)
# against the thirty-sixth session's candidates (LEET_FUSED_SEGMODEL=2), paired, on the
# shapes whose plans move on either card (scripts/fused-bench/plan.cu), fp16, TF32 and exact.
# On an H200 also the thirty-sixth session's 16-bit state cost against the model before it
# (--grid wide16 --against 1), which no H200 has measured.
set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c1}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
timeout 420 bash .gpu/run node scripts/fused-segment-ab.js $R/counts --grid counts --against 2 > $R/counts.log 2>&1
tail -3 $R/counts.log
if grep -q H200 $R/nvidia-smi.txt; then
  timeout 150 bash .gpu/run node scripts/fused-segment-ab.js $R/wide16 --grid wide16 --against 1 --only float16 > $R/wide16.log 2>&1
  tail -2 $R/wide16.log
fi
cd $OUT && tar czf ${CALL:-c1}.tgz ${CALL:-c1} && rm -rf ${CALL:-c1}
