#!/usr/bin/env bash
# Run zq, call 7 (an H200), carry [".gpu", "dist"], the same build as calls 5 and 6 (9e83cb7):
# test/schedules-cuda.test.ts, verbose, cut at 500 s (the session's device time left).
set -u
start=$SECONDS
OUT=$OUT bash scripts/gpu-check.sh setup > /dev/null 2>&1
R=$OUT/${CALL:-c7}; mkdir -p $R
timeout $((500 - (SECONDS - start))) bash .gpu/run ./node_modules/.bin/vitest run test/schedules-cuda.test.ts \
  --reporter=verbose --reporter=json --outputFile.json=$R/schedules.json > $R/schedules.log 2>&1
echo "vitest rc=$? after $((SECONDS - start)) s"
grep -cE "✓" $R/schedules.log; grep -E "×|FAIL" $R/schedules.log | sed 's/\x1b\[[0-9;]*m//g' | cut -c1-170 | head
[ -f $R/schedules.json ] && bash .gpu/run node scripts/test-summary.js $R/schedules.json
cd $OUT && tar czf ${CALL:-c7}.tgz ${CALL:-c7} && rm -rf ${CALL:-c7}
