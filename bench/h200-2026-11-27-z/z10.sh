#!/usr/bin/env bash
# twenty-sixth session, call 10: where the TF32 output walk's step goes (ncu sections of the lead plan's output kernel, 1x65536)
set -u
cd "$(dirname "$0")"
xz -dc fb.xz > fb; chmod +x fb
timeout 200 ncu --clock-control none --kernel-name-base mangled -k regex:Li2ELi2ELi1EEEv -c 1 --section SpeedOfLight --section ComputeWorkloadAnalysis --section MemoryWorkloadAnalysis --section WarpStateStats --section SchedulerStats --section Occupancy --section LaunchStats ./fb profile32l > $OUT/ncu-out.txt 2>&1
echo "rc=$?"
grep -vE "^==PROF==|^ *$|----" $OUT/ncu-out.txt | cut -c1-120 | head -150
cp z10.sh $OUT/
