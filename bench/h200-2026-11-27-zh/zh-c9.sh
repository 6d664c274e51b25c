# Run zh, call 9 (thirty-fourth session): the library with the 16-bit lead plan's state kernel
# padded to one CTA per SM and the plan taken at m >= 4 (commit of this call). The carried addon
# (.gpu/leet_decoding.node.xz) and dist/: the CUDA suites other than schedules, the schedule
# tests of the lead plan, segments and state kernels, then the rows through bench-gpu.
# CALL=c11 runs it again as call 11, on another card.
set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
C=${CALL:-c9}; R=$OUT/$C; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
timeout 200 bash .gpu/run ./node_modules/.bin/vitest run test/conformance-cuda.test.ts test/state-cuda.test.ts test/cuda-runtime.test.ts test/options.test.ts \
  --reporter=dot --reporter=json --outputFile.json=$R/tests-other.json > $R/tests-other.log 2>&1
bash .gpu/run node scripts/test-summary.js $R/tests-other.json
timeout 240 bash .gpu/run ./node_modules/.bin/vitest run test/schedules-cuda.test.ts -t "lead plan|segmented sequences|deep and the shallow" \
  --reporter=dot --reporter=json --outputFile.json=$R/tests-schedules.json > $R/tests-schedules.log 2>&1
bash .gpu/run node scripts/test-summary.js $R/tests-schedules.json
grep -hE "FAIL|AssertionError" $R/tests-*.log | head -20
bash .gpu/run node dist/cli.js bench-gpu --methods fused --out $R/bench 2>&1 | tee $R/bench.log | tail -19
bash .gpu/run node dist/cli.js bench-gpu --methods fused --dtypes float32 --precision tf32 --out $R/tf32 2>&1 | tee $R/bench-tf32.log | tail -8
cd $OUT && tar czf $C.tgz $C && rm -rf $C
