# Run zh, call 5 (thirty-fourth session): why the 16-bit lead plan gains nothing at 1x65536 (m = 4
# segments), where its bytes say 2-3.5% (twenty-seventh session). fused_bench built here with
# -DLEET_FUSED_LEAD_STAMPS (out/fbx/fbs.xz, carried): paired A/B of the plan forced against the
# default two launches, then the plan's per-CTA timeline (profile16l, LEET_FUSED_PROF=1) at the
# default L0 and at two others.
set -u
R=$OUT/c5; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
cat $R/nvidia-smi.txt
xz -dc out/fbx/fbs.xz > /tmp/fbs && chmod +x /tmp/fbs
P() { timeout 150 /tmp/fbs pair "$@" >> $R/pair.log 2>&1; }
P fp16 1 65536 "" "LEET_FUSED_LEAD=1" 30
P bf16 1 65536 "" "LEET_FUSED_LEAD=1" 30
for L in 1 4096 10240; do
  for rep in 1 2; do
    echo "== LEET_FUSED_LEAD=$L rep $rep" >> $R/stamps.log
    LEET_FUSED_PROF=1 LEET_FUSED_LEAD=$L timeout 60 /tmp/fbs profile16l 2>&1 | grep -v "^device" | tail -4 >> $R/stamps.log
  done
done
grep -o "pair.*" $R/pair.log
cat $R/stamps.log
cd $OUT && tar czf c5.tgz c5 && rm -rf c5
