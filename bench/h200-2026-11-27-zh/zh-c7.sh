# Run zh, call 7 (thirty-fourth session): the 16-bit lead plan's state kernel in three forms
# (LEET_FUSED_LEAD_STATE: 0 three stages, two CTAs an SM possible, the shipped form; 1 deep;
# 2 three stages with shared memory padded to one CTA an SM). fused_bench built here with
# -DLEET_FUSED_LEAD_STAMPS (out/fbx/fbs3.xz, carried): the lead-plan check cases, paired A/B
# against the default two launches, the plan's timeline in form 2.
set -u
R=$OUT/c7; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
xz -dc out/fbx/fbs3.xz > /tmp/fbs && chmod +x /tmp/fbs
FUSED_CASES="v2l|v3l|v3m" timeout 200 /tmp/fbs check $R/check.json > $R/check.txt 2>&1; echo "check rc=$?"
grep -E "failures" $R/check.txt
P() { timeout 150 /tmp/fbs pair "$@" >> $R/pair.log 2>&1; }
P fp16 1 65536 "" "LEET_FUSED_LEAD=1 LEET_FUSED_LEAD_STATE=2" 30
P fp16 1 65536 "LEET_FUSED_LEAD=1" "LEET_FUSED_LEAD=1 LEET_FUSED_LEAD_STATE=2" 30
P bf16 1 65536 "" "LEET_FUSED_LEAD=1 LEET_FUSED_LEAD_STATE=2" 30
P fp16 1 65536 "" "LEET_FUSED_LEAD=6144 LEET_FUSED_LEAD_STATE=2" 20
P fp16 1 65536 "" "LEET_FUSED_LEAD=8192 LEET_FUSED_LEAD_STATE=2" 20
P fp16 2 65536 "" "LEET_FUSED_LEAD_STATE=2" 20
P fp16 1 32768 "" "LEET_FUSED_LEAD=1 LEET_FUSED_LEAD_STATE=2" 20
grep -o "pair.*" $R/pair.log
for rep in 1 2; do
  echo "== LEET_FUSED_LEAD=1 LEET_FUSED_LEAD_STATE=2 rep $rep" >> $R/stamps.log
  LEET_FUSED_PROF=1 LEET_FUSED_LEAD=1 LEET_FUSED_LEAD_STATE=2 timeout 60 /tmp/fbs profile16l 2>&1 | grep -v "^device" | tail -4 >> $R/stamps.log
done
cat $R/stamps.log
cd $OUT && tar czf c7.tgz c7 && rm -rf c7
