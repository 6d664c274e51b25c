# Run zm, call 1 (an H200): out_narrow's one-wave rule (the thirty-ninth session) against
# the thirty-eighth session's choice (LEET_FUSED_SEGMODEL=4: the 64-column kernels' one walk
# a sequence in however many waves), paired, fp16 and TF32, on the shapes where an H200
# took that walk in more than one wave (--grid waves, grouped by the last wave's fill).
# Both sides' outputs are compared (max |diff| of max |o|): the A side is the plan that the
# CUDA suites and earlier runs checked.
set -u
start=$SECONDS
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c1}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
timeout 420 bash .gpu/run node scripts/fused-segment-ab.js $R/waves --grid waves --against 4 > $R/waves.log 2>&1
grep -E "float|geometric|faster" $R/waves.log | tail -40
left=$((560 - (SECONDS - start)))
echo "left: $left s"
if [ "${ROWS:-1}" = 1 ] && [ $left -gt 90 ]; then
  timeout 150 bash .gpu/run node dist/cli.js bench-gpu --methods fused --out $R/bench > $R/bench.log 2>&1
  tail -14 $R/bench.log
fi
cd $OUT && tar czf ${CALL:-c1}.tgz ${CALL:-c1} && rm -rf ${CALL:-c1}
