# Run zf (H100), call 2: the CUDA schedule suite (fused's packed paths, segments, the wgmma walks)
# on this session's build, which carries the thirty-first session's review refactor
# (seg_table_bytes, launch_seg_table) that had not run on a GPU.
set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/c2; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
timeout 560 bash .gpu/run ./node_modules/.bin/vitest run test/schedules-cuda.test.ts \
  --reporter=dot --reporter=json --outputFile.json=$R/tests-schedules.json > $R/tests-schedules.log 2>&1
bash .gpu/run node scripts/test-summary.js $R/tests-schedules.json
grep -hE "FAIL|AssertionError" $R/tests-*.log | head -20
cd $OUT && tar czf c2.tgz c2 && rm -rf c2
