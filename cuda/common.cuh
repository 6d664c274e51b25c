// Shared device helpers for the CUDA method kernels:
//  - dtype traits (float, __half, __nv_bfloat16: load to float, store from float) and
//    the one dtype dispatch macro (LEET_CUDA_DISPATCH);
//  - warp-level tensor-core tile helpers: mma.sync m16n8k16 (f16/bf16 operands, f32
//    accumulate) and m16n8k8 TF32 for float32 operands, operand fragments loaded from
//    shared memory with ldmatrix (16-bit) or scalar loads (float/TF32);
//  - the float32 precision policy SPLIT (one template parameter of warp_gemm and of the
//    kernels that call it): SPLIT = 1 is plain TF32 (p.precision == TF32, ~4e-4 relative
//    vs float64); SPLIT = 3 is error-compensated 3xTF32 (p.precision == Exact, the
//    default): a = a_hi + a_lo with a_hi = tf32(a), a_lo = tf32(a - a_hi), and
//    a*b ~ a_lo*b_hi + a_hi*b_lo + a_hi*b_hi (the dropped a_lo*b_lo is ~2^-22 relative),
//    float32 accumulation: ~1e-6 relative. 16-bit inputs always use SPLIT = 1;
//  - cp.async helpers, the "segment" description used by chunked kernels, and the
//    host-side entry points that method files share (walk_chunks in lightning.cu,
//    scan_states in blocked.cu, scan_tokens in recurrent.cu, launch_recurrent_short in
//    recurrent_decode.cu).
#pragma once
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "../native/cuda_api.h"
#include "bulk.cuh"
#include "launch.h"

namespace leet::cuda {

// ---------------------------------------------------------------- dtype traits
template <class T> struct Num;
template <> struct Num<float> {
  static __device__ __forceinline__ float to_f(float x) { return x; }
  static __device__ __forceinline__ float from_f(float x) { return x; }
};
template <> struct Num<__half> {
  static __device__ __forceinline__ float to_f(__half x) { return __half2float(x); }
  static __device__ __forceinline__ __half from_f(float x) { return __float2half_rn(x); }
};
template <> struct Num<__nv_bfloat16> {
  static __device__ __forceinline__ float to_f(__nv_bfloat16 x) { return __bfloat162float(x); }
  static __device__ __forceinline__ __nv_bfloat16 from_f(float x) { return __float2bfloat16_rn(x); }
};

template <class T> __device__ __forceinline__ float ldf(const T* p) { return Num<T>::to_f(*p); }
template <class T> __device__ __forceinline__ void stf(T* p, float x) { *p = Num<T>::from_f(x); }

// Stores two adjacent values (p must be aligned to 2 elements when pair is true).
template <class T>
__device__ __forceinline__ void st2(T* p, float a, float b, bool two, bool pair) {
  if (two && pair) {
    if constexpr (sizeof(T) == 4) {
      *reinterpret_cast<float2*>(p) = make_float2(a, b);
    } else if constexpr (std::is_same_v<T, __half>) {
      *reinterpret_cast<__half2*>(p) = __floats2half2_rn(a, b);
    } else {
      *reinterpret_cast<__nv_bfloat162*>(p) = __floats2bfloat162_rn(a, b);
    }
  } else {
    stf(p, a);
    if (two) stf(p + 1, b);
  }
}

// The one dispatch from the runtime dtype to the kernel templates.
#define LEET_CUDA_DISPATCH(dtype, T, ...)                                                  \
  switch (dtype) {                                                                         \
    case ::leet::DType::F32: { using T = float; __VA_ARGS__; break; }                      \
    case ::leet::DType::F16: { using T = __half; __VA_ARGS__; break; }                     \
    case ::leet::DType::BF16: { using T = __nv_bfloat16; __VA_ARGS__; break; }             \
    default: throw ::leet::CudaError("cuda: dtype float64 is not supported on the GPU");   \
  }

// The same dispatch with the float32 precision policy: SPLIT is a constexpr int, 3 for
// float32 inputs with Precision::Exact (3xTF32), 1 for TF32 and for fp16/bf16.
#define LEET_CUDA_DISPATCH_PREC(params, T, SPLIT, ...)                                     \
  switch ((params).dtype) {                                                                \
    case ::leet::DType::F32: {                                                             \
      using T = float;                                                                     \
      if ((params).precision == ::leet::Precision::TF32) { constexpr int SPLIT = 1; __VA_ARGS__; } \
      else { constexpr int SPLIT = 3; __VA_ARGS__; }                                       \
      break;                                                                               \
    }                                                                                      \
    case ::leet::DType::F16: { using T = __half; constexpr int SPLIT = 1; __VA_ARGS__; break; } \
    case ::leet::DType::BF16: { using T = __nv_bfloat16; constexpr int SPLIT = 1; __VA_ARGS__; break; } \
    default: throw ::leet::CudaError("cuda: dtype float64 is not supported on the GPU");   \
  }

// Rows of a chunk processed by one tensor-core tile step: 64 for 16-bit inputs; 32 for
// float32 (its operands take twice the shared memory).
template <class T> constexpr int chunk_rows() { return sizeof(T) == 4 ? 32 : 64; }
// Shared-memory row padding (elements): 16 bytes for 16-bit rows (ldmatrix
// conflict-free), 4 floats for float rows.
template <class T> constexpr int smem_pad() { return sizeof(T) == 4 ? 4 : 8; }

__host__ __device__ constexpr inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
__host__ __device__ constexpr inline int64_t round_up(int64_t a, int64_t b) { return ceil_div(a, b) * b; }

// ---------------------------------------------------------------- mma / ldmatrix
__device__ __forceinline__ uint32_t smem_u32(const void* p) {
  return static_cast<uint32_t>(__cvta_generic_to_shared(p));
}
__device__ __forceinline__ void ldsm_x4(uint32_t (&r)[4], const void* p) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]) : "r"(smem_u32(p)));
}
__device__ __forceinline__ void ldsm_x4_t(uint32_t (&r)[4], const void* p) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]) : "r"(smem_u32(p)));
}
__device__ __forceinline__ void ldsm_x2(uint32_t (&r)[2], const void* p) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x2.shared.b16 {%0,%1}, [%2];\n"
               : "=r"(r[0]), "=r"(r[1]) : "r"(smem_u32(p)));
}
__device__ __forceinline__ void ldsm_x2_t(uint32_t (&r)[2], const void* p) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x2.trans.shared.b16 {%0,%1}, [%2];\n"
               : "=r"(r[0]), "=r"(r[1]) : "r"(smem_u32(p)));
}
__device__ __forceinline__ uint32_t to_tf32(float x) {
  uint32_t r;
  asm("cvt.rna.tf32.f32 %0, %1;\n" : "=r"(r) : "f"(x));
  return r;
}

// Tensor-core traits per operand type. Fragment layouts are those of the PTX ISA for
// mma.m16n8k16 (.f16/.bf16) and mma.m16n8k8 (.tf32), row-major A, column-major B.
//   A(m, k): ACOL=false -> s[m*ld + k]; ACOL=true -> s[k*ld + m]
//   B(k, n): BKM=false  -> s[n*ld + k]; BKM=true  -> s[k*ld + n]
template <class T> struct Mma;

template <class T> struct Mma16 {
  static constexpr int KS = 16;
  template <bool ACOL>
  static __device__ __forceinline__ void load_a(uint32_t (&a)[4], const T* s, int ld, int m0, int k0) {
    const int l = threadIdx.x & 31;
    if constexpr (!ACOL) {
      ldsm_x4(a, s + (m0 + (l & 15)) * ld + k0 + (l >> 4) * 8);
    } else {
      const int i = l & 7, mat = l >> 3;
      ldsm_x4_t(a, s + (k0 + i + (mat >> 1) * 8) * ld + m0 + (mat & 1) * 8);
    }
  }
  template <bool BKM>
  static __device__ __forceinline__ void load_b(uint32_t (&b)[2], const T* s, int ld, int k0, int n0) {
    const int l = threadIdx.x & 15;
    if constexpr (!BKM) {
      ldsm_x2(b, s + (n0 + (l & 7)) * ld + k0 + (l >> 3) * 8);
    } else {
      ldsm_x2_t(b, s + (k0 + l) * ld + n0);
    }
  }
};
template <> struct Mma<__half> : Mma16<__half> {
  static __device__ __forceinline__ void mma(float (&c)[4], const uint32_t (&a)[4], const uint32_t (&b)[2]) {
    asm("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
        : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
  }
};
template <> struct Mma<__nv_bfloat16> : Mma16<__nv_bfloat16> {
  static __device__ __forceinline__ void mma(float (&c)[4], const uint32_t (&a)[4], const uint32_t (&b)[2]) {
    asm("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
        : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
  }
};
// float32 operands: TF32 tensor cores, accumulation in float32. The loads return the raw
// float bits; warp_gemm then rounds them to tf32 (SPLIT = 1) or splits them into a
// (hi, lo) tf32 pair (SPLIT = 3, see the policy above).
template <> struct Mma<float> {
  static constexpr int KS = 8;
  // Row-major A and [n][k] B: an 8x4 block of 32-bit words is one 8x8 b16 ldmatrix
  // matrix, so ldmatrix delivers the fragments directly. Transposed layouts use scalar
  // loads (ldmatrix cannot transpose 32-bit elements).
  template <bool ACOL>
  static __device__ __forceinline__ void load_a(uint32_t (&a)[4], const float* s, int ld, int m0, int k0) {
    const int l = threadIdx.x & 31, g = l >> 2, t = l & 3;
    if constexpr (!ACOL) {
      ldsm_x4(a, s + (m0 + (l & 15)) * ld + k0 + (l >> 4) * 4);
    } else {
      a[0] = __float_as_uint(s[(k0 + t) * ld + m0 + g]);
      a[1] = __float_as_uint(s[(k0 + t) * ld + m0 + g + 8]);
      a[2] = __float_as_uint(s[(k0 + t + 4) * ld + m0 + g]);
      a[3] = __float_as_uint(s[(k0 + t + 4) * ld + m0 + g + 8]);
    }
  }
  template <bool BKM>
  static __device__ __forceinline__ void load_b(uint32_t (&b)[2], const float* s, int ld, int k0, int n0) {
    const int l = threadIdx.x & 31, g = l >> 2, t = l & 3;
    if constexpr (!BKM) {
      ldsm_x2(b, s + (n0 + (l & 7)) * ld + k0 + ((l >> 3) & 1) * 4);
    } else {
      b[0] = __float_as_uint(s[(k0 + t) * ld + n0 + g]);
      b[1] = __float_as_uint(s[(k0 + t + 4) * ld + n0 + g]);
    }
  }
  static __device__ __forceinline__ void mma(float (&c)[4], const uint32_t (&a)[4], const uint32_t (&b)[2]) {
    asm("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
        : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
  }
};

// float32 fragment preparation for the precision policy: x -> tf32(x) (SPLIT = 1), or
// x -> (hi, lo) = (tf32(x), tf32(x - hi)) (SPLIT = 3). No-op for 16-bit types.
template <class T, int SPLIT, int NR>
__device__ __forceinline__ void prep_frag(uint32_t (&h)[NR], uint32_t (&l)[NR]) {
  if constexpr (std::is_same_v<T, float>) {
#pragma unroll
    for (int i = 0; i < NR; ++i) {
      const float x = __uint_as_float(h[i]);
      h[i] = to_tf32(x);
      if constexpr (SPLIT == 3) l[i] = to_tf32(x - __uint_as_float(h[i]));
      else l[i] = 0u;
    }
  } else {
#pragma unroll
    for (int i = 0; i < NR; ++i) l[i] = 0u;
  }
}
// c += a*b under the policy: the two small cross terms first, then hi*hi.
template <class T, int SPLIT>
__device__ __forceinline__ void mma_split(float (&c)[4], const uint32_t (&ah)[4], const uint32_t (&al)[4],
                                          const uint32_t (&bh)[2], const uint32_t (&bl)[2]) {
  if constexpr (std::is_same_v<T, float> && SPLIT == 3) {
    Mma<T>::mma(c, al, bh);
    Mma<T>::mma(c, ah, bl);
  }
  Mma<T>::mma(c, ah, bh);
}

// Warp-level product from shared memory: acc[i][j] += A(m-tile i) * B(n-tile j) over
// k in [0, K) (K a multiple of Mma<T>::KS; operands zero-padded to it). m-tile i starts
// at row m0 + i*mstride and is computed only for i < mvalid; n-tile j at column n0 + 8j.
// Accumulator element e of acc[i][j] is (row g + 8*(e>>1), col 2t + (e&1)) in its tile,
// g = lane/4, t = lane%4. SPLIT: the float32 precision policy (1 or 3; see the top).
template <class T, bool ACOL, bool BKM, int MT, int NT, int SPLIT = 1>
__device__ __forceinline__ void warp_gemm(float (&acc)[MT][NT][4], const T* A, int lda, int m0,
                                          int mstride, int mvalid, const T* B, int ldb, int n0, int K) {
#pragma unroll 4
  for (int k = 0; k < K; k += Mma<T>::KS) {
    uint32_t b[NT][2], bl[NT][2];
#pragma unroll
    for (int j = 0; j < NT; ++j) {
      Mma<T>::template load_b<BKM>(b[j], B, ldb, k, n0 + 8 * j);
      prep_frag<T, SPLIT>(b[j], bl[j]);
    }
#pragma unroll
    for (int i = 0; i < MT; ++i) {
      if (i < mvalid) {
        uint32_t a[4], al[4];
        Mma<T>::template load_a<ACOL>(a, A, lda, m0 + i * mstride, k);
        prep_frag<T, SPLIT>(a, al);
#pragma unroll
        for (int j = 0; j < NT; ++j) mma_split<T, SPLIT>(acc[i][j], a, al, b[j], bl[j]);
      }
    }
  }
}

template <int MT, int NT>
__device__ __forceinline__ void zero_acc(float (&acc)[MT][NT][4]) {
#pragma unroll
  for (int i = 0; i < MT; ++i)
#pragma unroll
    for (int j = 0; j < NT; ++j)
#pragma unroll
      for (int e = 0; e < 4; ++e) acc[i][j][e] = 0.f;
}

// ---------------------------------------------------------------- cp.async
// 16-byte async copy global -> shared; src_bytes = 0 zero-fills the destination.
__device__ __forceinline__ void cp_async16(void* dst, const void* src, int src_bytes) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(smem_u32(dst)), "l"(src),
               "r"(src_bytes));
}
__device__ __forceinline__ void cp_async_commit() { asm volatile("cp.async.commit_group;\n" ::); }
__device__ __forceinline__ void cp_async_wait_all() { asm volatile("cp.async.wait_group 0;\n" ::: "memory"); }

// Bulk asynchronous copies and mbarriers: cuda/bulk.cuh. Kernels that use them compile
// their bodies only for __CUDA_ARCH__ >= 900 (LEET_BULK_COPY).
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
#define LEET_BULK_COPY 1
#endif
// Waits until at most `pending` (0..3) of the most recent groups are still in flight.
__device__ __forceinline__ void cp_async_wait_pending(int pending) {
  switch (pending) {
    case 0: asm volatile("cp.async.wait_group 0;\n" ::: "memory"); break;
    case 1: asm volatile("cp.async.wait_group 1;\n" ::: "memory"); break;
    case 2: asm volatile("cp.async.wait_group 2;\n" ::: "memory"); break;
    default: asm volatile("cp.async.wait_group 3;\n" ::: "memory"); break;
  }
}

// ---------------------------------------------------------------- segments
// A segment is a run of positions [t0, t0+len) of one sequence b (row of [B, H, N]).
// Chunked kernels take one CTA per (segment, head, column slice). Either a device table
// (packed sequences) or analytic: segment idx -> b = idx / per_seq, t0 = (idx % per_seq)
// * stride + offset, len = min(seg_len, N - t0) (segments with len <= 0 are empty).
struct SegInfo {
  int64_t t0, len, b;
};
struct SegSpec {
  const SegInfo* table = nullptr;
  int64_t count = 0, per_seq = 1, seg_len = 0, stride = 0, offset = 0;
};
__device__ __forceinline__ bool seg_get(const SegSpec& s, int64_t idx, int64_t N, int64_t& b,
                                        int64_t& t0, int64_t& len) {
  if (s.table) {
    const SegInfo e = s.table[idx];
    b = e.b; t0 = e.t0; len = e.len;
  } else {
    b = idx / s.per_seq;
    t0 = (idx % s.per_seq) * s.stride + s.offset;
    len = s.seg_len < N - t0 ? s.seg_len : N - t0;
  }
  return len > 0;
}
// Analytic segmentation: each sequence of every batch cut into pieces of seg_len.
inline SegSpec analytic_segments(const AttnParams& p, int64_t seg_len, int64_t stride, int64_t offset,
                                 int64_t per_seq) {
  SegSpec s;
  s.per_seq = per_seq; s.seg_len = seg_len; s.stride = stride; s.offset = offset;
  s.count = p.B * per_seq;
  return s;
}
// Packed sequences cut into pieces of at most seg_len (host table; seq_first gets
// num_seqs+1 entries: the first segment index of each sequence). Sequences of at most
// skip_upto tokens (already computed: LaunchContext::skip_upto) get no segment.
inline std::vector<SegInfo> varlen_segments(const AttnParams& p, int64_t seg_len,
                                            std::vector<int64_t>* seq_first, int64_t skip_upto = 0) {
  std::vector<SegInfo> t;
  if (seq_first) seq_first->clear();
  for (int64_t s = 0; s < p.num_seqs; ++s) {
    if (seq_first) seq_first->push_back((int64_t)t.size());
    const int64_t a = p.cu_seqlens[s], e = p.cu_seqlens[s + 1];
    if (e - a <= skip_upto) continue;
    for (int64_t t0 = a; t0 < e; t0 += seg_len) t.push_back({t0, (e - t0) < seg_len ? e - t0 : seg_len, 0});
    if (a == e) t.push_back({a, 0, 0});  // empty sequence keeps one (empty) segment
  }
  if (seq_first) seq_first->push_back((int64_t)t.size());
  return t;
}

// Carves one scratch request into aligned pieces.
struct Carver {
  size_t off = 0;
  size_t add(size_t bytes) {
    const size_t o = off;
    off += (bytes + 255) & ~size_t(255);
    return o;
  }
};

inline void cuda_check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) {
    cudaGetLastError();
    throw CudaError(std::string("cuda: ") + what + ": " + cudaGetErrorName(e) + " (" + cudaGetErrorString(e) + ")");
  }
}
inline void upload(void* dst, const void* src, size_t bytes, cudaStream_t st) {
  if (bytes) cuda_check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, st), "segment table upload");
}

// Segments of at most seg_len tokens for a chunk-state scan, with one float32 state per
// segment in scratch: analytic for ordinary batches, an uploaded table (plus each
// sequence's first segment index, `first`) for packed sequences.
struct SegmentPlan {
  SegSpec segs;
  float* states = nullptr;
  const int64_t* first = nullptr;
};
inline SegmentPlan plan_segments(const AttnParams& p, const LaunchContext& ctx, int64_t seg) {
  SegmentPlan plan;
  const size_t state_bytes = (size_t)p.H * p.r * p.d * sizeof(float);
  std::vector<SegInfo> tab;
  std::vector<int64_t> first;
  if (p.cu_seqlens) {
    tab = varlen_segments(p, seg, &first);
    plan.segs.count = (int64_t)tab.size();
  } else {
    plan.segs = analytic_segments(p, seg, seg, 0, (p.N + seg - 1) / seg);
  }
  Carver cv;
  const size_t o_states = cv.add(plan.segs.count * state_bytes);
  const size_t o_tab = cv.add(tab.size() * sizeof(SegInfo));
  const size_t o_first = cv.add(first.size() * sizeof(int64_t));
  char* base = static_cast<char*>(ctx.scratch(cv.off));
  plan.states = reinterpret_cast<float*>(base + o_states);
  if (p.cu_seqlens) {
    // Pageable sources: cudaMemcpyAsync has staged them before it returns.
    upload(base + o_tab, tab.data(), tab.size() * sizeof(SegInfo), ctx.stream);
    upload(base + o_first, first.data(), first.size() * sizeof(int64_t), ctx.stream);
    plan.segs.table = reinterpret_cast<const SegInfo*>(base + o_tab);
    plan.first = reinterpret_cast<const int64_t*>(base + o_first);
  }
  return plan;
}

// ---------------------------------------------------------------- shared host entry points
// Chunk walker (lightning.cu): one CTA per (segment, head, column slice) walks its
// segment in chunks of chunk_rows<T>() with tensor cores.
enum WalkMode : int {
  W_INTRA = 1,    // masked, decayed intra-chunk product ((Q K^T) . D) V
  W_INTER = 2,    // carried-state term gamma^(i-c0+1) q_i S
  W_UPDATE = 4,   // S <- gamma^len S + K^T diag(gamma^(c1-j)) V after each chunk
  W_OUT_F32 = 8,  // write the output to a float [B,H,N,d] buffer (overwrite)
  W_ACC_F32 = 16, // add the output into a float [B,H,N,d] buffer
};
struct WalkArgs {
  int mode = 0;
  SegSpec segs;
  const float* state_in = nullptr;  // [segs.count, H, r, d] or nullptr (zero)
  float* state_out = nullptr;       // [segs.count, H, r, d] or nullptr
  float* out_f32 = nullptr;         // with W_OUT_F32 / W_ACC_F32
  int slice = 0;                    // column slice width (32 or 64); 0 = choose
};
void walk_chunks(const AttnParams& p, const LaunchContext& ctx, const WalkArgs& a);

// Sequential scan over per-segment states (blocked.cu). On entry states[seg] holds the
// segment's own decayed sum U = sum_j gamma^(end-1-j) k_j^T v_j; on exit the state
// before the segment. initial/final are per sequence (may be nullptr).
void scan_states(const AttnParams& p, const LaunchContext& ctx, const SegSpec& segs,
                 const int64_t* seq_first_dev, int64_t num_seqs, float* states,
                 const float* initial, float* final_state);

// The recurrent method for N <= 4 (a decode step), one launch (recurrent_decode.cu);
// returns false when it does not apply and the scan must run.
bool launch_recurrent_short(const AttnParams& p, const LaunchContext& ctx);

// Token-by-token FMA scan (recurrent.cu): the state in registers, parallel over r x d,
// one CTA per (segment, head, 32 columns). emit: write o; state_in/out per segment.
void scan_tokens(const AttnParams& p, const LaunchContext& ctx, const SegSpec& segs, bool emit,
                 const float* state_in, float* state_out);

// ---------------------------------------------------------------- small shared kernels
// o (T) <- float buffer, elementwise.
template <class T>
__global__ void f32_to_out_kernel(const float* __restrict__ src, T* __restrict__ dst, int64_t n) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x)
    stf(dst + i, src[i]);
}

}  // namespace leet::cuda
