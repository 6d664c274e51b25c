#!/usr/bin/env bash
# twenty-third session, call 12 (H200): the TF32 segment model with 5 us per wave; its
# defaults against forced forms (paired), then the CUDA suites
set -u
cd "$(dirname "$0")"
xz -dc fb.xz > fb; chmod +x fb
q() {  # B N H d envB
  FUSED_H=$3 FUSED_D=$4 timeout 40 ./fb pair fp32 $1 $2 "" "$5" 60 2>/dev/null | grep ^pair
}
q 2 65536 32 128 "LEET_FUSED_OUT=128 LEET_FUSED_SEGMENT=32768"
q 2 65536 32 128 "LEET_FUSED_OUT=64"
q 1 131072 32 128 "LEET_FUSED_OUT=128 LEET_FUSED_SEGMENT=32768"
q 1 1024 40 128 "LEET_FUSED_OUT=128 LEET_FUSED_SEGMENT=512"
q 1 1024 40 128 "LEET_FUSED_OUT=64"
q 1 8192 32 384 "LEET_FUSED_OUT=128 LEET_FUSED_SEGMENT=8192"
q 2 16384 40 128 "LEET_FUSED_OUT=128 LEET_FUSED_SEGMENT=2048"
q 1 1000 8 128 "LEET_FUSED_OUT=128 LEET_FUSED_SEGMENT=64"
q 1 65536 32 128 "LEET_FUSED_OUT=128 LEET_FUSED_SEGMENT=16384"
cd ../..
OUT=$OUT timeout 500 bash scripts/gpu-check.sh tests > $OUT/suites.log 2>&1; tail -1 $OUT/suites.log
