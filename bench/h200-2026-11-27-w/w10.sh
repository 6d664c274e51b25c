#!/usr/bin/env bash
# twenty-third session, call 11 (H200): the 128-column TF32 segment model's picks against
# the segment lengths that two candidate model terms would pick (a fixed cost per wave of
# CTAs; the same only where a sequence has more than eight segments), paired, the
# 128-column kernels forced (LEET_FUSED_OUT=128); A = the model's pick now
set -u
cd "$(dirname "$0")"
xz -dc fb.xz > fb; chmod +x fb
p() {  # B N H d L...
  local B=$1 N=$2 H=$3 d=$4; shift 4
  for L in "$@"; do
    FUSED_H=$H FUSED_D=$d timeout 40 ./fb pair fp32 $B $N "LEET_FUSED_OUT=128" "LEET_FUSED_OUT=128 LEET_FUSED_SEGMENT=$L" 60 2>/dev/null | grep ^pair
  done
}
p 2 65536 32 128 32768 8192
p 1 131072 32 128 32768
p 1 65536 32 256 32768
p 1 1000 8 128 128
p 1 4096 40 128 512
p 1 65536 40 128 4096
p 1 8192 32 384 8192 2048
p 1 1024 40 128 512 128
p 2 16384 40 128 2048
p 1 2048 8 384 512
p 4 16384 8 384 16384 4096
