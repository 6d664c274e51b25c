// The one plain struct every kernel launch takes, CPU and CUDA alike.
// It is filled once by the addon entry point (native/addon.cpp) from arguments that
// TypeScript already validated; kernels never see JS objects.
#pragma once
#include <cstdint>

namespace leet {

enum class DType : int { F32 = 0, F64 = 1, F16 = 2, BF16 = 3 };

// Order matches src/methods/ids.ts (METHOD_IDS).
enum class Method : int {
  Vanilla = 0,
  Recurrent = 1,
  Blocked = 2,
  Recursive = 3,
  Fleet = 4,
  Lightning = 5,
  Fused = 6,
};

// Precision of float32 inputs on tensor-core paths (fused on CUDA).
enum class Precision : int { Exact = 0, TF32 = 1 };

struct AttnParams {
  // Contiguous tensors in the canonical layout: q, k [B, H, N, r]; v, o [B, H, N, d].
  // Host pointers for the CPU backend, device pointers for CUDA. fp16/bf16 are raw
  // 16-bit patterns (uint16_t).
  const void* q = nullptr;
  const void* k = nullptr;
  const void* v = nullptr;
  void* o = nullptr;
  DType dtype = DType::F32;
  int64_t B = 0, H = 0, N = 0, r = 0, d = 0;

  // Per-head decay rate s_h = -ln(gamma_h) >= 0, H values, host memory (double).
  // gamma^n is always computed as exp(-s * n) with n >= 0: never a positive power.
  const double* decay_rate = nullptr;
  double scale = 1.0;

  // Chunk / block / leaf size for chunked methods; 0 means the method's default.
  int64_t chunk = 0;

  // Optional recurrent state, float32, [S, H, r, d] where S = B, or the number of
  // packed sequences when cu_seqlens is set. Same memory space as q/k/v/o.
  //   S_{-1} = initial_state (or 0);  S_i = gamma S_{i-1} + k_i^T v_i;  final = S_{N-1}.
  const float* initial_state = nullptr;
  float* final_state = nullptr;

  // Variable-length batch: B == 1, sequences packed along N, sequence s occupies
  // positions [cu_seqlens[s], cu_seqlens[s+1]). num_seqs + 1 entries, host memory,
  // cu_seqlens[0] == 0, strictly increasing, last == N. nullptr = one sequence per b.
  const int64_t* cu_seqlens = nullptr;
  int64_t num_seqs = 0;

  Precision precision = Precision::Exact;
  int threads = 1;         // CPU worker threads (>= 1)
  void* stream = nullptr;  // cudaStream_t on the CUDA backend
};

inline int64_t num_sequences(const AttnParams& p) { return p.cu_seqlens ? p.num_seqs : p.B; }

}  // namespace leet
