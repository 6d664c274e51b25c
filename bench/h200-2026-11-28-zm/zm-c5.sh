# Run zm, call 5 (an H200, the final build): the rule in bf16, which calls 1 to 4 did not
# time: paired against the earlier choice (LEET_FUSED_SEGMODEL=4) at a control, four shapes
# it moves and one it keeps.
set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c5}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
timeout 150 bash .gpu/run node scripts/fused-segment-ab.js $R/waves --grid waves --only bfloat16 --against 4 > $R/waves.log 2>&1
grep -E "bfloat16|geometric" $R/waves.log
cd $OUT && tar czf ${CALL:-c5}.tgz ${CALL:-c5} && rm -rf ${CALL:-c5}
