#!/usr/bin/env bash
# twenty-sixth session, call 6 (final build): version-3 checks, the default rule against the plan off, the library's TF32 rows, bench-auto's check grid
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version,power.limit --format=csv | tee $OUT/gpu.txt
xz -dc fb.xz > fb; chmod +x fb
FUSED_CASES="v3" timeout 200 ./fb check /tmp/c.json > $OUT/check.log 2>&1; echo "check rc=$?"; grep -c PASS $OUT/check.log; tail -1 $OUT/check.log
P() { timeout 60 ./fb pair "$@" >> $OUT/pair.log 2>&1; }
P fp32 1 65536 "LEET_FUSED_LEAD=0" "" 100
for n in 16384 32768 49152 131072; do P fp32 1 $n "LEET_FUSED_LEAD=0" "" 40; done
P fp32 2 32768 "LEET_FUSED_LEAD=0" "" 40
P fp32 8 8192 "LEET_FUSED_LEAD=0" "" 30
grep -o "pair.*" $OUT/pair.log | sed 's/d128  //' | cut -c1-150
cd ../..
mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
timeout 200 bash .gpu/run node dist/cli.js bench-gpu --out $OUT/tf32 --dtypes float32 --precision tf32 --methods blocked,lightning,fused 2>&1 | tail -40 > $OUT/bench-tf32.log
tail -18 $OUT/bench-tf32.log
timeout 260 bash .gpu/run node dist/cli.js bench-auto --grid check --out $OUT/auto-check 2>&1 > $OUT/auto-check.log; grep -E "^auto within" $OUT/auto-check.log
tar czf $OUT/json.tgz -C $OUT tf32 auto-check && rm -rf $OUT/tf32 $OUT/auto-check
cp out/fbx/z6.sh $OUT/
