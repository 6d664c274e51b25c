#!/usr/bin/env bash
# Run zp, call 3 (an H200), carry [".gpu", "dist"], the same build as calls 1 and 2:
# test/schedules-cuda.test.ts (every method's CUDA schedules, fused's packed sequences among
# them), then bench-auto's varlen grid with the time left.
set -u
start=$SECONDS
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c3}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv | tee $R/nvidia-smi.txt
timeout 500 bash .gpu/run ./node_modules/.bin/vitest run test/schedules-cuda.test.ts \
  --reporter=dot --reporter=json --outputFile.json=$R/schedules.json > $R/schedules.log 2>&1
echo "vitest rc=$? after $((SECONDS - start)) s"
bash .gpu/run node scripts/test-summary.js $R/schedules.json
left=$((588 - (SECONDS - start)))
if [ $left -gt 60 ]; then
  timeout $left bash .gpu/run node dist/cli.js bench-auto --grid varlen --out $R/auto-varlen > $R/auto-varlen.log 2>&1
  echo "varlen rc=$? after $((SECONDS - start)) s"
  grep -E "^auto within" $R/auto-varlen.log
fi
cd $OUT && tar czf ${CALL:-c3}.tgz ${CALL:-c3} && rm -rf ${CALL:-c3}
