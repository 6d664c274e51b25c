#!/usr/bin/env bash
# twenty-third session, call 5 (H200): what the TF32 output walk's V transpose and its CTA
# barriers cost (probes, wrong results: NOVT drops the transpose and both barriers, BARONLY
# keeps the two barriers); then bench-auto's main and check grids on the committed build
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
for b in fb fb_NOVT fb_BARONLY; do xz -dc $b.xz > $b; chmod +x $b; done
for rep in 1 2 3; do
  for b in fb fb_NOVT fb_BARONLY; do
    FUSED_ROWS="fp32-tf32 8x8192|fp32-tf32 1x65536|L fp32-tf32 1x65536 wide" timeout 60 ./$b bench /tmp/b.json 2>/dev/null | grep -E "^(fp32|L )" | sed "s/^/$b r$rep /" >> $OUT/probe.log
  done
done
sort -s -k3,5 $OUT/probe.log | cut -c1-80
cd ../..
mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
timeout 300 bash .gpu/run node dist/cli.js bench-auto --out $OUT/auto 2>&1 | tee $OUT/auto.log | grep -E "^auto within"
timeout 300 bash .gpu/run node dist/cli.js bench-auto --grid check --out $OUT/auto-check 2>&1 | tee $OUT/auto-check.log | grep -E "^auto within"
cd $OUT && tar czf auto.tgz auto auto-check && rm -rf auto auto-check
