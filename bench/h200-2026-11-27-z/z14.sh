#!/usr/bin/env bash
# twenty-sixth session, call 14 (H100): the lead plan as the H100's default (segments of at least 8192): version-3 checks, the default against LEET_FUSED_LEAD=0, the library's TF32 rows with and without
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version,power.limit --format=csv | tee $OUT/gpu.txt
xz -dc fb.xz > fb; chmod +x fb
FUSED_CASES="v3" timeout 150 ./fb check /tmp/c.json > $OUT/check.log 2>&1; echo "check rc=$?"; grep -c PASS $OUT/check.log; tail -1 $OUT/check.log
P() { timeout 60 ./fb pair "$@" >> $OUT/pair.log 2>&1; }
P fp32 1 65536 "LEET_FUSED_LEAD=0" "" 60
for n in 32768 16384 131072; do P fp32 1 $n "LEET_FUSED_LEAD=0" "" 30; done
P fp32 2 32768 "LEET_FUSED_LEAD=0" "" 30
FUSED_H=16 P fp32 1 65536 "LEET_FUSED_LEAD=0" "" 30
grep -o "pair.*" $OUT/pair.log | sed 's/d128  //' | cut -c1-150
cd ../..
mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
for e in LEET_FUSED_X=1 LEET_FUSED_LEAD=0; do
  echo "$e"; env $e timeout 120 bash .gpu/run node dist/cli.js bench-gpu --out $OUT/tf32-$e --dtypes float32 --precision tf32 --methods fused 2>&1 | grep -E "^fused|copy" | tee -a $OUT/bench-tf32.log
done
tar czf $OUT/json.tgz -C $OUT tf32-LEET_FUSED_X=1 tf32-LEET_FUSED_LEAD=0 && rm -rf $OUT/tf32-*
cp out/fbx/z14.sh $OUT/
