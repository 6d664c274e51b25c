#!/usr/bin/env bash
# twenty-third session, call 6 (H200): float32 TF32 output width where the 64-column CTAs
# need no segments and the 128-column ones do (B x H x d/128 = 64): paired A/B, d = 256 at
# B = 1 and d = 128 at B = 2, N from 2048 to 32768; and the TF32 state kernel's two forms
# at 1x4096 d = 256 on the 128-column CTAs
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
xz -dc fb.xz > fb; chmod +x fb
for N in 2048 4096 8192 16384 32768; do
  FUSED_D=256 timeout 60 ./fb pair fp32 1 $N "LEET_FUSED_OUT=128" "LEET_FUSED_OUT=64" 150 2>/dev/null | grep ^pair
  timeout 60 ./fb pair fp32 2 $N "LEET_FUSED_OUT=128" "LEET_FUSED_OUT=64" 150 2>/dev/null | grep ^pair
done
FUSED_D=256 timeout 60 ./fb pair fp32 1 4096 "LEET_FUSED_OUT=128 LEET_FUSED_STATE_DEEP=0" "LEET_FUSED_OUT=128" 150 2>/dev/null | grep ^pair
FUSED_D=256 timeout 60 ./fb pair fp32 1 4096 "" "LEET_FUSED_OUT=64" 150 2>/dev/null | grep ^pair
for N in 4096 16384; do
  FUSED_D=256 timeout 60 ./fb pair fp16 1 $N "LEET_FUSED_OUT=128" "LEET_FUSED_OUT=64" 150 2>/dev/null | grep ^pair
done
