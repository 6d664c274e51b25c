// Shared between cuda/runtime.cu (dispatch, memory, timing) and the per-method kernel
// files: what one launch of a method gets besides the AttnParams.
#pragma once
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

#include "../native/params.h"

namespace leet::cuda {

// Device-side copies of the small host arrays of AttnParams, plus a scratch arena.
struct LaunchContext {
  const float* decay_rate = nullptr;   // [H] s_h on the device (float32)
  const int64_t* cu_seqlens = nullptr; // [num_seqs + 1] on the device, or nullptr
  cudaStream_t stream = nullptr;
  int multiprocessors = 0;             // of the current device
  double mem_tbs = 0;                  // its peak DRAM bandwidth in TB/s (0: unknown)
  // Returns device scratch memory of at least `bytes`, valid until the launch returns
  // to the host (the runtime grows one cached buffer; never freed per call).
  void* (*scratch)(size_t bytes) = nullptr;
  // Packed sequences of at most this many tokens are already computed (cuda/short_seqs.cu):
  // the method's kernels skip them. 0: none.
  int64_t skip_upto = 0;
};

// Peak DRAM bandwidth of device dev in TB/s from its memory clock and bus width (0 when
// the driver does not report them).
inline double peak_dram_tbs(int dev) {
  int khz = 0, bits = 0;
  if (cudaDeviceGetAttribute(&khz, cudaDevAttrMemoryClockRate, dev) != cudaSuccess ||
      cudaDeviceGetAttribute(&bits, cudaDevAttrGlobalMemoryBusWidth, dev) != cudaSuccess) {
    cudaGetLastError();
    return 0;
  }
  return 2.0 * khz * 1e3 * bits / 8 / 1e12;
}

// One launcher per method, each in its own .cu file. Each enqueues its kernels on
// ctx.stream and returns; the runtime checks cudaGetLastError after it.
void launch_vanilla(const AttnParams& p, const LaunchContext& ctx);
void launch_recurrent(const AttnParams& p, const LaunchContext& ctx);
void launch_blocked(const AttnParams& p, const LaunchContext& ctx);
void launch_recursive(const AttnParams& p, const LaunchContext& ctx);
void launch_fleet(const AttnParams& p, const LaunchContext& ctx);
void launch_lightning(const AttnParams& p, const LaunchContext& ctx);
void launch_fused(const AttnParams& p, const LaunchContext& ctx);

// The Hopper chunk body of `fused` (wgmma kernels, cuda/fused_v2.cuh and fused_v3.cuh)
// under a chunk-parallel schedule with state granularity seg_len: per-segment states of
// every segment but each sequence's last (K and V only), a scan over them, then each
// segment's outputs from its incoming state. seg_len >= N is one walk per (sequence,
// head, 128 value columns) with the running state: Lightning Attention-2. Returns false,
// having launched nothing, where that body does not apply: not an sm_90 device running
// the sm_90a code, r != 128, d not a multiple of 128, packed sequences, tensors not
// 16-byte aligned, or LEET_CUDA_WGMMA=0. Float32 at Precision::Exact runs the 3xTF32
// kernels (version 3x) unless LEET_FUSED_V3X=0.
bool launch_wgmma_schedule(const AttnParams& p, const LaunchContext& ctx, int64_t seg_len);
// Packed sequences of at most one chunk (kShortMax = 64 tokens), no initial state: each
// is one chunk of blocked, lightning and fused, computed several sequences to a CTA
// (cuda/short_seqs.cu). All: every sequence was short, and nothing is left to do (final
// states included). Some (only where `some` is true, and without final states): the short
// ones are done, and the caller runs its own kernels with LaunchContext::skip_upto =
// kShortMax. None: nothing was launched.
constexpr int64_t kShortMax = 64;
enum class ShortDone { None, Some, All };
ShortDone launch_short_sequences(const AttnParams& p, const LaunchContext& ctx, bool some);

}  // namespace leet::cuda
