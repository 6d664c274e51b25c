#!/usr/bin/env bash
# twenty-third session, call 7 (H200): TF32 output width at longer sequences where the
# 64-column CTAs need no segments (B x H x d/128 = 64), and the wide kernel's segment length
set -u
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
xz -dc fb.xz > fb; chmod +x fb
timeout 60 ./fb pair fp32 2 65536 "LEET_FUSED_OUT=128" "LEET_FUSED_OUT=64" 100 2>/dev/null | grep ^pair
FUSED_D=256 timeout 60 ./fb pair fp32 1 65536 "LEET_FUSED_OUT=128" "LEET_FUSED_OUT=64" 100 2>/dev/null | grep ^pair
timeout 60 ./fb pair fp32 2 65536 "LEET_FUSED_OUT=128" "LEET_FUSED_OUT=128 LEET_FUSED_SEGMENT=32768" 100 2>/dev/null | grep ^pair
timeout 60 ./fb pair fp32 2 65536 "LEET_FUSED_OUT=128" "LEET_FUSED_OUT=128 LEET_FUSED_SEGMENT=16384" 100 2>/dev/null | grep ^pair
timeout 60 ./fb pair fp32 2 32768 "LEET_FUSED_OUT=128" "LEET_FUSED_OUT=64" 100 2>/dev/null | grep ^pair
timeout 60 ./fb pair fp32 2 24576 "LEET_FUSED_OUT=128" "LEET_FUSED_OUT=64" 100 2>/dev/null | grep ^pair
timeout 60 ./fb pair fp32 2 16384 "LEET_FUSED_OUT=128" "LEET_FUSED_OUT=64" 100 2>/dev/null | grep ^pair
timeout 60 ./fb pair fp32 2 16384 "LEET_FUSED_OUT=128" "LEET_FUSED_OUT=128 LEET_FUSED_KSUB=4" 100 2>/dev/null | grep ^pair
