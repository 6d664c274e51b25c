# Run zh, call 10 (thirty-fourth session), on whichever card comes (an H100 here): the 16-bit
# lead plan with its padded state kernel, forced, against the default, where the rule does not
# take it on an H100 (below kFastDramTbs). fused_bench of call 8 (out/fbx/fbs4.xz, carried).
set -u
R=$OUT/c10; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
xz -dc out/fbx/fbs4.xz > /tmp/fbs && chmod +x /tmp/fbs
P() { timeout 150 /tmp/fbs pair "$@" >> $R/pair.log 2>&1; }
P fp16 1 65536 "" "LEET_FUSED_LEAD=1" 20
P bf16 1 65536 "" "LEET_FUSED_LEAD=1" 20
P fp16 1 16384 "" "LEET_FUSED_LEAD=1" 20
P fp16 1 32768 "" "LEET_FUSED_LEAD=1" 20
P fp16 1 131072 "" "LEET_FUSED_LEAD=1" 10
grep -o "pair.*" $R/pair.log
cd $OUT && tar czf c10.tgz c10 && rm -rf c10
