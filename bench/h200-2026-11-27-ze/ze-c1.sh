set -u
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/c1; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.sm,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
timeout 560 bash -c 'for g in varlen holdout check; do bash .gpu/run node dist/cli.js bench-auto --grid $g --out '$R'/auto-$g > '$R'/auto-$g.log 2>&1; grep "within" '$R'/auto-$g.log; done'
cat $R/nvidia-smi.txt
cd $OUT && tar czf c1.tgz c1 && rm -rf c1
