#!/usr/bin/env bash
# twenty-ninth session, call 7 (H200), from the repository root: where the small pieces'
# time goes. fused_bench built with LEET_FUSED_LEAD_STAMPS (fbstamps): per-CTA %globaltimer
# stamps of the lead plan's three launches at TF32 1x65536 (profile32l: three launches,
# the first cold), the pieces off, at the default and at 1024 tokens
set -u
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version,power.limit --format=csv | tee $OUT/gpu.txt
cd out/fbx && xz -dc fbstamps.xz > fbs && chmod +x fbs
for rep in 1 2; do
  for s in 0 -1 1024; do
    echo "== small=$s rep $rep" | tee -a $OUT/stamps.log
    LEET_FUSED_PROF=1 LEET_FUSED_SMALL=$s timeout 60 ./fbs profile32l 2>&1 | grep -v "^device" | tail -6 | tee -a $OUT/stamps.log
  done
done
cp ../../bench/h200-2026-11-27-zc/zc7.sh $OUT/
