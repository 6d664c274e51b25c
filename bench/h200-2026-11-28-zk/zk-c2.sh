# Run zk, call 2: the counts of call 1 with a memory bound on the segment model's multi-wave
# passes (segment_plan: bound, kMemShare), against the thirty-sixth session's candidates
# (LEET_FUSED_SEGMODEL=2), paired: the counts shapes and more that the bound moves, fp16
# and TF32 (exact: the bound moves none of its choices, so call 1's exact rows stand).
set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c2}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
timeout ${AB_LIMIT:-540} bash .gpu/run node scripts/fused-segment-ab.js $R/bound --grid bound --against 2 ${AB_ONLY:-} > $R/bound.log 2>&1
tail -3 $R/bound.log
cd $OUT && tar czf ${CALL:-c2}.tgz ${CALL:-c2} && rm -rf ${CALL:-c2}
