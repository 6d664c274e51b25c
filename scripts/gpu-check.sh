#!/usr/bin/env bash
# Runs on the GPU machine (no Node, no network), from the repository root, with the
# carried .gpu/ (Node + node_modules, see ../shared/gpu/pack), build/ and dist/. Builds
# nothing: runs the CUDA test suites, then the GPU benchmark. Results go to $OUT.
# Here: npm install; npm run build; ../shared/gpu/pack;
#   xz -c build/Release/leet_decoding.node > .gpu/leet_decoding.node.xz
#   and, for the harness step, link scripts/gpu-harness/{main.cpp,floor.cu} with
#   build/CMakeFiles/leet_decoding.dir/cuda/*.cu.o (nvcc, the same three gencodes,
#   -Xcompiler -static-libstdc++) and xz it to .gpu/harness.xz.
# Device run, carry [".gpu", "dist"]:  bash scripts/gpu-check.sh [harness|tests|bench|auto|varlen|sanitize|all]
set -uo pipefail
what=${1:-all}
# The addon travels compressed in .gpu/ (see below) to keep the carried tree small.
if [ -f .gpu/leet_decoding.node.xz ]; then
  mkdir -p build/Release && xz -dc .gpu/leet_decoding.node.xz > build/Release/leet_decoding.node
fi
OUT=${OUT:-out/gpu}
mkdir -p "$OUT"
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.sm --format=csv | tee "$OUT/nvidia-smi.txt"
# The standalone CUDA harness (scripts/gpu-harness), when one was packed as .gpu/harness.xz:
# its decode-path checks (bitwise against the scan) and decode-step timings.
if [ -f .gpu/harness.xz ] && { [ "$what" = harness ] || [ "$what" = all ]; }; then
  xz -dc .gpu/harness.xz > /tmp/leet-harness && chmod +x /tmp/leet-harness
  timeout 200 /tmp/leet-harness decode 2>&1 | tee "$OUT/decode-harness.log" | grep -v "^ok"
  for st in 4; do  # the other decode_bulk_kernel ring depth, bitwise against the scan
    LEET_CUDA_DEC5_STAGES=$st timeout 100 /tmp/leet-harness decode-check 2>&1 | grep -E "FAIL|comparisons" | sed "s/^/dec5 stages $st: /"
  done
  # where a Decoder.step's host time goes (JS, native call, allocation, wait)
  timeout 120 bash .gpu/run node scripts/gpu-harness/step-breakdown.js 2>&1 | tee "$OUT/step-breakdown.log"
fi
if [ "$what" = tests ] || [ "$what" = all ]; then
  bash .gpu/run ./node_modules/.bin/vitest run test/conformance-cuda.test.ts test/state-cuda.test.ts test/schedules-cuda.test.ts test/lead-plan-cuda.test.ts test/cuda-runtime.test.ts test/options.test.ts \
    --reporter=dot --reporter=json --outputFile.json="$OUT/gpu-tests.json" 2>&1 | tee "$OUT/gpu-tests.log" | tail -60
  bash .gpu/run node scripts/test-summary.js "$OUT/gpu-tests.json"
fi
if [ "$what" = bench ] || [ "$what" = all ]; then
  bash .gpu/run node dist/cli.js bench-decode --out "$OUT" 2>&1 | tee "$OUT/decode.log"
  bash .gpu/run node dist/cli.js bench-gpu --out "$OUT" 2>&1 | tee "$OUT/bench.log"
  # float32 on TF32 tensor cores, for the methods that have that path
  bash .gpu/run node dist/cli.js bench-gpu --out "$OUT/tf32" --dtypes float32 --precision tf32 \
    --methods vanilla,blocked,recursive,lightning,fused 2>&1 | tee "$OUT/bench-tf32.log"
fi
# (its own step: the main and check grids take ~4.5 minutes on an H100, bench ~3)
if [ "$what" = auto ] || [ "$what" = all ]; then
  # is method "auto" the fastest? every method over a grid of dtypes, r and d, B×N and
  # packed sequences (main: the grid src/auto.ts's Hopper rules came from; check: others,
  # some of which later rules came from; holdout: cases no rule was fitted to)
  timeout 400 bash .gpu/run node dist/cli.js bench-auto --out "$OUT/auto" 2>&1 | tee "$OUT/auto.log" | grep -E "^auto within"
  timeout 400 bash .gpu/run node dist/cli.js bench-auto --grid check --out "$OUT/auto-check" 2>&1 | tee "$OUT/auto-check.log" | grep -E "^auto within"
  # both sides of the bounds the check and varlen grids led to (~1.5 minutes)
  timeout 200 bash .gpu/run node dist/cli.js bench-auto --grid holdout --out "$OUT/auto-holdout" 2>&1 | tee "$OUT/auto-holdout.log" | grep -E "^auto within"
fi
# (its own step too, ~4 minutes: auto's picks for many packed sequences)
if [ "$what" = varlen ] || [ "$what" = all ]; then
  timeout 400 bash .gpu/run node dist/cli.js bench-auto --grid varlen --out "$OUT/auto-varlen" 2>&1 | tee "$OUT/auto-varlen.log" | grep -E "^auto within"
  # the same short sequences with final states (returnState), against the methods' own kernels
  timeout 150 bash .gpu/run node scripts/short-seqs-states.js 2>&1 | tee "$OUT/short-seqs-states.log"
fi
# compute-sanitizer memcheck and racecheck on the packed short-sequence kernel and on the
# 16-bit wgmma walks (fused's two output kernels, blocked, lightning)
if [ "$what" = sanitize ] || [ "$what" = all ]; then
  for script in short-seqs wgmma; do
    for tool in memcheck racecheck; do
      timeout 150 compute-sanitizer --tool $tool --target-processes all bash .gpu/run node scripts/$script-sanitize.js 2>&1 \
        | tee "$OUT/sanitize-$script-$tool.log" | grep -E "ERROR SUMMARY|RACECHECK SUMMARY|Error|relative error" | tail -16
    done
  done
fi
