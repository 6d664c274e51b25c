# Run zf (H100), call 3: is `auto` the fastest? The main and check grids on the shipped build
# (the thirty-first session's dispatch-costed packed segments, this session's vanilla change),
# which the last session ran only before those changes.
set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/c3; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
timeout 280 bash .gpu/run node dist/cli.js bench-auto --out $R/auto > $R/auto.log 2>&1; grep "within" $R/auto.log
timeout 280 bash .gpu/run node dist/cli.js bench-auto --grid check --out $R/auto-check > $R/auto-check.log 2>&1; grep "within" $R/auto-check.log
cd $OUT && tar czf c3.tgz c3 && rm -rf c3
