#!/usr/bin/env bash
# twenty-sixth session, call 9 (final build): the library's TF32 rows three times with the lead plan and once without (LEET_FUSED_LEAD=0), alternating; L0 a little above the default
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total,clocks.sm,driver_version,power.limit --format=csv | tee $OUT/gpu.txt
xz -dc fb.xz > fb; chmod +x fb
P() { timeout 60 ./fb pair "$@" >> $OUT/pair.log 2>&1; }
P fp32 1 65536 "LEET_FUSED_LEAD=1" "LEET_FUSED_LEAD=5376" 80
P fp32 1 16384 "LEET_FUSED_LEAD=1" "LEET_FUSED_LEAD=1344" 60
P fp32 1 32768 "LEET_FUSED_LEAD=1" "LEET_FUSED_LEAD=2688" 60
grep -o "pair.*" $OUT/pair.log | sed 's/d128  //' | cut -c1-150
cd ../..
mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
for i in 1 0 2 3; do
  if [ $i = 0 ]; then e="LEET_FUSED_LEAD=0"; else e="LEET_FUSED_X=1"; fi
  env $e timeout 120 bash .gpu/run node dist/cli.js bench-gpu --out $OUT/tf32-$i --dtypes float32 --precision tf32 --methods fused 2>&1 | grep -E "^fused|copy" > $OUT/bench-tf32-$i.log
  echo "run $i ($e)"; cat $OUT/bench-tf32-$i.log
done
tar czf $OUT/json.tgz -C $OUT tf32-1 tf32-0 tf32-2 tf32-3 && rm -rf $OUT/tf32-*
cat $OUT/bench-tf32-*.log > $OUT/bench-tf32.log; rm $OUT/bench-tf32-*.log
cp out/fbx/z9.sh $OUT/
