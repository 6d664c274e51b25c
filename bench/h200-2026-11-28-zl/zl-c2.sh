# Run zl, call 2: the CUDA suites on this build (conformance, state, schedules, runtime,
# options; the lead-plan test ran in call 1), one file at a time so that a limit keeps
# what finished.
set -u
start=$SECONDS
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c2}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
for f in conformance-cuda state-cuda cuda-runtime options schedules-cuda; do
  left=$((575 - (SECONDS - start)))
  [ $left -lt 30 ] && { echo "no time left for $f"; continue; }
  timeout $left bash .gpu/run ./node_modules/.bin/vitest run test/$f.test.ts --reporter=dot \
    --reporter=json --outputFile.json=$R/$f.json > $R/$f.log 2>&1
  echo "$f ($((SECONDS - start)) s): $(bash .gpu/run node scripts/test-summary.js $R/$f.json 2>&1 | tail -1)"
done
cd $OUT && tar czf ${CALL:-c2}.tgz ${CALL:-c2} && rm -rf ${CALL:-c2}
