# Run zh, call 4 (thirty-fourth session): the CUDA schedule suite's last seven tests (call 3 ran out of time after 56 of its 60)
# on the shipped build (commit 068e81f's addon, carried in .gpu/), on whichever card comes. On an
# H200 they last ran whole in run zc (twenty-ninth session); the packed-sequence, scan, dispatch
# and vanilla changes since then were tested on H100s (runs zd to zf).
set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/c4; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
timeout 560 bash .gpu/run ./node_modules/.bin/vitest run test/schedules-cuda.test.ts -t "400 packed sequences|with chunk" \
  --reporter=dot --reporter=json --outputFile.json=$R/tests-schedules.json > $R/tests-schedules.log 2>&1
bash .gpu/run node scripts/test-summary.js $R/tests-schedules.json
grep -hE "FAIL|AssertionError" $R/tests-*.log | head -20
cd $OUT && tar czf c4.tgz c4 && rm -rf c4
