# Run zj, call 3: lead-why.js again, its error now naming the driver's result and the
# addresses' alignment where the tensor maps cannot be encoded.
set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c3}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
timeout 90 bash .gpu/run node bench/h200-2026-11-28-zj/lead-why.js 2>&1 | tee $R/lead-why.log
cd $OUT && tar czf ${CALL:-c3}.tgz ${CALL:-c3} && rm -rf ${CALL:-c3}
