#!/usr/bin/env bash
# Developer probe, no GPU needed: would version 3's TF32 kernels (cuda/fused_v3.cuh) fit a
# register cap without spilling? A producer warpgroup beside the two consumer warpgroups
# (setmaxnreg) leaves the consumers at most 232 registers: 2 x 128 x 232 + 128 x 40 <= 65536.
# Copies cuda/ to a scratch folder, replaces the kernel's __launch_bounds__(128 * NWG, 1) by
# __maxnreg__(CAP) there (the two cannot be combined), compiles cuda/fused.cu for sm_90a with
# ptxas -v, and prints each fused_v3_kernel instantiation's registers and spill bytes. The
# repository's sources are not touched. docs/fused-design.md, "Forty-second session" (and
# "Forty-third": capped at 232 or 224 the walk ran as fast; the producer itself lost).
# With --bench DIR first, it also links scripts/fused-bench/main.cu against each capped build
# into DIR/fb-capCAP, a fused_bench whose version 3 kernels run under the cap (for an A/B on
# the GPU against fused_bench built from cuda/ as it is; nothing else differs).
#   bash scripts/fused-bench/v3-regcap.sh [--bench DIR] [CAP ...]   (default: 232; about 2 minutes per cap)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bench=""
if [ "${1:-}" = --bench ]; then
  [ -n "${2:-}" ] || { echo "v3-regcap: --bench needs a folder" >&2; exit 2; }
  mkdir -p "$2" && bench=$(cd "$2" && pwd)
  shift 2
fi
nvcc=${CUDACXX:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$root/cuda" "$work/cuda"
bounds='__global__ void __launch_bounds__(128 \* NWG, 1)'
grep -q "$bounds" "$work/cuda/fused_v3.cuh" || { echo "v3-regcap: fused_v3_kernel's launch bounds not found" >&2; exit 1; }
for cap in "${@:-232}"; do
  sed "s/$bounds/__global__ void __maxnreg__($cap)/" "$root/cuda/fused_v3.cuh" > "$work/cuda/fused_v3.cuh"
  "$nvcc" -gencode=arch=compute_90a,code=sm_90a --expt-relaxed-constexpr -std=c++17 -O3 -I"$root/native" -I"$work/cuda" \
    -c "$work/cuda/fused.cu" -o "$work/fused.o" -Xptxas -v > "$work/ptxas.log" 2>&1 || { cat "$work/ptxas.log" >&2; exit 1; }
  echo "cap $cap: fused_v3_kernel<STATE_ONLY, NWG, DVW, EXACT, STAGES, DEC, LEAD, EARLY>"
  # ptxas -v: "Compiling entry function 'NAME'", then a spill line and a "Used N registers" line
  awk '/Compiling entry function/ { name = ""; if (match($0, /fused_v3_kernelI[A-Za-z0-9]*E/)) name = substr($0, RSTART + 16, RLENGTH - 16) }
       name != "" && /spill stores/ { match($0, /[0-9]+ bytes spill stores, [0-9]+ bytes spill loads/); spill = substr($0, RSTART, RLENGTH) }
       name != "" && /Used [0-9]+ registers/ { match($0, /Used [0-9]+ registers/); print "  " name ": " substr($0, RSTART, RLENGTH) ", " spill; name = "" }' \
    "$work/ptxas.log" | sed -E 's/Lb0E/false, /g; s/Lb1E/true, /g; s/Li([0-9]+)E/\1, /g; s/, E+:/>:/; s/^  /  </'
  if [ -n "$bench" ]; then
    "$nvcc" -gencode=arch=compute_90a,code=sm_90a --expt-relaxed-constexpr -std=c++17 -O3 -I"$root/native" -I"$work/cuda" \
      -o "$bench/fb-cap$cap" "$root/scripts/fused-bench/main.cu" "$work/fused.o" "$work/cuda/short_seqs.cu"
    echo "  fused_bench under the cap: $bench/fb-cap$cap"
  fi
done
