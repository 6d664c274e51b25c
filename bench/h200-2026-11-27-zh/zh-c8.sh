# Run zh, call 8 (thirty-fourth session): the 16-bit lead plan with its state kernel padded to one
# CTA per SM (now the plan's only form; LEET_FUSED_LEAD_STATE=0 unpadded), at the shapes that
# decide its default rule. fused_bench built here with -DLEET_FUSED_LEAD_STAMPS (out/fbx/fbs4.xz,
# carried): the check cases of the plan, then paired A/B.
set -u
R=$OUT/c8; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
xz -dc out/fbx/fbs4.xz > /tmp/fbs && chmod +x /tmp/fbs
FUSED_CASES="v2|v3l|v3m" timeout 250 /tmp/fbs check $R/check.json > $R/check.txt 2>&1; echo "check rc=$?"
grep -E "failures" $R/check.txt
P() { timeout 150 /tmp/fbs pair "$@" >> $R/pair.log 2>&1; }
# where the segment model takes m = 4 (the plan forced against the default two launches)
P fp16 1 65536 "" "LEET_FUSED_LEAD=1" 30
P bf16 1 65536 "" "LEET_FUSED_LEAD=1" 30
P fp16 1 16384 "" "LEET_FUSED_LEAD=1" 30
P bf16 1 32768 "" "LEET_FUSED_LEAD=1" 30
P fp16 1 131072 "" "LEET_FUSED_LEAD=1" 20
FUSED_H=16 P fp16 1 65536 "" "LEET_FUSED_LEAD=1" 20
FUSED_H=40 P fp16 1 65536 "" "LEET_FUSED_LEAD=1" 20
# where the plan is already the default (m = 2): padded against unpadded
P fp16 2 65536 "LEET_FUSED_LEAD_STATE=0" "" 20
FUSED_D=256 P bf16 1 65536 "LEET_FUSED_LEAD_STATE=0" "" 20
P fp16 2 32768 "LEET_FUSED_LEAD_STATE=0" "" 20
grep -o "pair.*" $R/pair.log
cd $OUT && tar czf c8.tgz c8 && rm -rf c8
