# Run zf (H100), call 4: the varlen and holdout grids on the shipped build.
set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/c4; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
timeout 330 bash .gpu/run node dist/cli.js bench-auto --grid varlen --out $R/auto-varlen > $R/auto-varlen.log 2>&1; grep "within" $R/auto-varlen.log
timeout 200 bash .gpu/run node dist/cli.js bench-auto --grid holdout --out $R/auto-holdout > $R/auto-holdout.log 2>&1; grep "within" $R/auto-holdout.log
cd $OUT && tar czf c4.tgz c4 && rm -rf c4
