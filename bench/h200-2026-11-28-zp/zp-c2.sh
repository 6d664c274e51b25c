#!/usr/bin/env bash
# Run zp, call 2 (an H200), carry [".gpu", "dist"], the same build as call 1: is `auto` still
# the fastest method, after the segment-plan changes of the thirty-fourth to forty-first
# sessions? bench-auto's main, check and holdout grids (scripts/gpu-check.sh auto).
set -u
start=$SECONDS
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c2}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv | tee $R/nvidia-smi.txt
for grid in main check holdout; do
  left=$((585 - (SECONDS - start)))
  [ $left -lt 30 ] && { echo "no time left for $grid"; break; }
  timeout $left bash .gpu/run node dist/cli.js bench-auto --grid $grid --out $R/auto-$grid > $R/auto-$grid.log 2>&1
  echo "$grid rc=$? after $((SECONDS - start)) s"
  grep -E "^auto within" $R/auto-$grid.log
done
cd $OUT && tar czf ${CALL:-c2}.tgz ${CALL:-c2} && rm -rf ${CALL:-c2}
