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
  // Returns device scratch memory of at least `bytes`, valid until the launch returns
  // to the host (the runtime grows one cached buffer; never freed per call).
  void* (*scratch)(size_t bytes) = nullptr;
};

// One launcher per method, each in its own .cu file. Each enqueues its kernels on
// ctx.stream and returns; the runtime checks cudaGetLastError after it.
void launch_vanilla(const AttnParams& p, const LaunchContext& ctx);
void launch_recurrent(const AttnParams& p, const LaunchContext& ctx);
void launch_blocked(const AttnParams& p, const LaunchContext& ctx);
void launch_recursive(const AttnParams& p, const LaunchContext& ctx);
void launch_fleet(const AttnParams& p, const LaunchContext& ctx);
void launch_lightning(const AttnParams& p, const LaunchContext& ctx);
void launch_fused(const AttnParams& p, const LaunchContext& ctx);

}  // namespace leet::cuda
