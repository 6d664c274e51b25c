# Run zl, call 4 (an H200): call 1's paired A/B (--grid lead --against 3) twice in a row in
# one process each, so that the second pass runs on a card already under its power cap:
# does the drift that favoured B in call 1's first cases explain its small gains?
set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c4}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
for pass in 1 2; do
  timeout 220 bash .gpu/run node scripts/fused-segment-ab.js $R/lead$pass --grid lead --against 3 > $R/lead$pass.log 2>&1
  echo "pass $pass"; grep -E "tf32|geometric" $R/lead$pass.log | sed 's/LEET_FUSED_SEGMODEL=3/A/; s/ d=128//'
done
cd $OUT && tar czf ${CALL:-c4}.tgz ${CALL:-c4} && rm -rf ${CALL:-c4}
