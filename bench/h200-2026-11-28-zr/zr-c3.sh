#!/usr/bin/env bash
# Run zr, call 3 (an H200), from the repository root, carry ["out/c3"]: four fused_bench
# binaries on one card. fb-r0 and fb-r1 are call 1's (cvt.rna / FMUL + FFMA rounding, O staged
# in the S^T buffer); fb-n2 and fb-n3 are built here from the tree with -DLEET_V3_ROUND=1 and
# -DLEET_V3_OVT=2 (call 2's fb-o2) or 3 (as 2, and each stage's Q and K are released, chunk
# c + 2's Q and K issued, before the O store; its V once the store has read the V^T region).
# 1. alternating binaries, 10 pairs each: TF32 1x65536 (four rounds), 8x8192 (two), 1x16384,
#    2x32768 and 1x4096 (one each);
# 2. fused_bench's decoupled and lead-plan version 3 cases in fb-n2 and fb-n3;
# 3. racecheck and synccheck on two cases in fb-n3.
set -u
start=$SECONDS
R=$OUT/c3; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv | tee $R/nvidia-smi.txt
cd out/c3 && for b in fb-r0 fb-r1 fb-n2 fb-n3; do xz -dc $b.xz > $b; chmod +x $b; done
X() { for b in fb-r0 fb-r1 fb-n2 fb-n3; do timeout 60 ./$b pair fp32 $1 $2 "" "" 10 2>/dev/null | sed "s/^/$b $3: /" >> $R/xbin.log; done; }
for i in 1 2 3 4; do X 1 65536 $i; done
for i in 1 2; do X 8 8192 $i; done
X 1 16384 1; X 2 32768 1; X 1 4096 1
cut -c1-120 $R/xbin.log
echo "after xbin: $((SECONDS - start)) s"
for b in fb-n2 fb-n3; do
  FUSED_CASES="v3d|v3e|v3f|v3l|v3m" timeout 120 ./$b check $R/check-$b.json > $R/check-$b.log 2>&1
  echo "$b check rc=$? $(grep -c PASS $R/check-$b.log) PASS; $(tail -1 $R/check-$b.log)"
done
for c in "v3m f32tf32 1x2x4100 r128 d128 seg1024 lead256 small128 st" "v3e f32tf32 2x2x1000 r128 d256 seg256 st"; do
  for tool in racecheck synccheck; do
    echo "== fb-n3 $tool $c" >> $R/san.log
    FUSED_CASES="$c" timeout 90 compute-sanitizer --tool $tool ./fb-n3 check /tmp/s.json >> $R/san.log 2>&1
  done
done
grep -E "^==|ERROR SUMMARY|RACECHECK SUMMARY|hazard|FAIL" $R/san.log | cut -c1-120 | tee $R/san-summary.txt
cd $OUT && tar czf c3.tgz c3 && rm -rf c3
echo "done after $((SECONDS - start)) s"
