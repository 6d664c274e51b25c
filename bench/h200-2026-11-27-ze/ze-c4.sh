set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/c4; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
timeout 200 bash .gpu/run node dist/cli.js bench-auto --grid holdout --out $R/auto-holdout > $R/auto-holdout.log 2>&1; grep "within" $R/auto-holdout.log
timeout 120 bash .gpu/run node bench/h200-2026-11-27-ze/segment-sweep.js > $R/segment-sweep.log 2>&1; cat $R/segment-sweep.log
timeout 240 bash .gpu/run node dist/cli.js bench-auto --out $R/auto-main > $R/auto-main.log 2>&1; grep "within" $R/auto-main.log
cd $OUT && tar czf c4.tgz c4 && rm -rf c4
