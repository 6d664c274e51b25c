#!/usr/bin/env bash
# twenty-second session, call 2: the clocks while 1x65536 runs (nvidia-smi every 20 ms);
# the deep state kernel against the three-stage one in alternating pairs
set -u
cd "$(dirname "$0")"
xz -dc fb2.xz > fb; chmod +x fb
Q=timestamp,clocks.sm,clocks.mem,power.draw,temperature.gpu,clocks_event_reasons.active
nvidia-smi --query-gpu=$Q --format=csv,noheader > /dev/null 2>&1 || Q=timestamp,clocks.sm,clocks.mem,power.draw,temperature.gpu,clocks_throttle_reasons.active
nvidia-smi -q -d PERFORMANCE,POWER,CLOCK > $OUT/smi-q.txt 2>&1
nvidia-smi --query-gpu=$Q --format=csv -lms 20 > $OUT/smi.log 2>&1 &
SMI=$!
sleep 1
date +%T.%N > $OUT/marks.log
timeout 120 ./fb modes > $OUT/modes.log 2>&1; date +%T.%N >> $OUT/marks.log
sleep 1
for shape in "fp16 1 65536" "bf16 1 65536" "fp16 1 16384" "fp16 1 4096" "fp16 2 32768" "fp16 1 1024"; do
  timeout 60 ./fb pair $shape "LEET_FUSED_STATE_DEEP=0" "" 200 >> $OUT/pair.log 2>&1
done
date +%T.%N >> $OUT/marks.log
kill $SMI
cat $OUT/pair.log
cut -c1-60 $OUT/modes.log
grep -E "Clocks Event|Throttle|Power Limit|Max Clocks|Graphics|SM  |Memory  " $OUT/smi-q.txt | head -30
awk -F, 'NR>1{print $2, $3, $4, $6}' $OUT/smi.log | sort | uniq -c | sort -rn | head -25
