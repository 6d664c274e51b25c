# Run zh, call 12 (thirty-fourth session): the 16-bit rows through the library with the commit of
# call 9 (carried addon and dist/), asked on a fresh machine in the hope of an H200 (calls 9 and
# 11 came on H100s, where the new rule does not apply). CALL=c13, c14 or c15 runs it again as that call.
set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
C=${CALL:-c12}; R=$OUT/$C; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
bash .gpu/run node dist/cli.js bench-gpu --methods fused --dtypes float16,bfloat16 --out $R/bench 2>&1 | tee $R/bench.log | tail -13
cd $OUT && tar czf $C.tgz $C && rm -rf $C
