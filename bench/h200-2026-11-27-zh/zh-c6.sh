# Run zh, call 6 (thirty-fourth session): the 16-bit lead plan with the deep state kernel (one CTA
# per SM) instead of the three-stage one, two of whose CTAs the block scheduler put on one SM
# (call 5). fused_bench built here with -DLEET_FUSED_LEAD_STAMPS (out/fbx/fbs2.xz, carried):
# the lead-plan check cases (v2l, both state forms), paired A/B, the plan's timeline.
set -u
R=$OUT/c6; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
xz -dc out/fbx/fbs2.xz > /tmp/fbs && chmod +x /tmp/fbs
FUSED_CASES="v2l|v3l|v3m" timeout 200 /tmp/fbs check $R/check.json > $R/check.txt 2>&1; echo "check rc=$?"
grep -cE "^ok|PASS" $R/check.txt; grep -E "FAIL|fail" $R/check.txt | head
P() { timeout 150 /tmp/fbs pair "$@" >> $R/pair.log 2>&1; }
P fp16 1 65536 "LEET_FUSED_LEAD=1 LEET_FUSED_STATE_DEEP=0" "LEET_FUSED_LEAD=1" 30
P fp16 1 65536 "" "LEET_FUSED_LEAD=1" 30
P bf16 1 65536 "" "LEET_FUSED_LEAD=1" 30
P fp16 1 65536 "" "LEET_FUSED_LEAD=9216" 20
P fp16 1 65536 "" "LEET_FUSED_LEAD=11264" 20
P fp16 2 65536 "LEET_FUSED_STATE_DEEP=0" "" 20
grep -o "pair.*" $R/pair.log
for L in 1 10240; do
  for rep in 1 2; do
    echo "== LEET_FUSED_LEAD=$L rep $rep" >> $R/stamps.log
    LEET_FUSED_PROF=1 LEET_FUSED_LEAD=$L timeout 60 /tmp/fbs profile16l 2>&1 | grep -v "^device" | tail -4 >> $R/stamps.log
  done
done
cat $R/stamps.log
cd $OUT && tar czf c6.tgz c6 && rm -rf c6
