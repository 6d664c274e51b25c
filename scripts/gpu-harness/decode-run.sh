#!/usr/bin/env bash
# Device run for the decode-step work (one call; carry [".gpu", "dist"]). Uses a harness
# and an addon built here and packed as .gpu/dec/{harness,leet_decoding.node}.xz (nvcc
# 13.0, sm_80 + sm_90a + compute_90; not kept in the tree). To make them: `ninja -C build`,
# then link main.o (nvcc -c scripts/gpu-harness/main.cpp with the three gencodes) with
# build/CMakeFiles/leet_decoding.dir/cuda/*.cu.o (-Xcompiler -static-libstdc++), and
# xz -c each into .gpu/dec/. Runs: the decode-path checks (bitwise vs the scan,
# in place) and the decode-step timing (events + host wall, scan vs decode), the
# recurrent checks over every check shape (every LEET_CUDA_DECODE variant), the JS step
# breakdown (variants interleaved in one process), and `cli bench-decode`. Logs under $OUT.
set -o pipefail
cd "$(dirname "$0")/../.."
O=${OUT:-/tmp/decode-out}
mkdir -p "$O" /tmp/dec
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem --format=csv 2>&1 | tee "$O/nvidia-smi.txt"
xz -dc .gpu/dec/harness.xz > /tmp/dec/harness && chmod +x /tmp/dec/harness
xz -dc .gpu/dec/leet_decoding.node.xz > /tmp/dec/leet_decoding.node
timeout 150 /tmp/dec/harness decode 2>&1 | tee "$O/decode-harness.log"
HARNESS_METHOD=1 timeout 150 /tmp/dec/harness check > "$O/check-recurrent.log" 2>&1
echo "check rc=$?"; grep -E "FAIL|recurrent |checks:" "$O/check-recurrent.log" | head -20
export LEET_DECODING_ADDON=/tmp/dec/leet_decoding.node
timeout 120 bash .gpu/run node scripts/gpu-harness/step-breakdown.js 2>&1 | tee "$O/breakdown.log"
timeout 150 bash .gpu/run node dist/cli.js bench-decode --out "$O" 2>&1 | tee "$O/bench-decode.log"
