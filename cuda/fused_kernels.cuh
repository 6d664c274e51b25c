// Kernels of method `fused` (private to cuda/fused.cu; see docs/fused-design.md).
//
// Chunked decaying linear attention on tensor cores (mma.sync, sm_80+), with the
// sequence split into segments so that small B*H still fills the GPU. Three launches:
//   1. state pass   per (segment, head, r-block, d-block), except each sequence's last
//                   segment: dS = sum_j gamma^(end-1-j) k_j^T v_j over the segment (reads
//                   K and V), written to scratch in register-fragment order.
//   2. state scan   per (sequence, head, block) and element: S_in(s+1) = gamma^L S_in(s)
//                   + dS(s), in place (r*d floats per segment).
//   3. output pass  per (segment, head, d-block): walks the segment in chunks of 64,
//                   o = scale*(mask(QK^T, gamma^(i-j)) V + gamma^(i+1) Q S),
//                   S <- gamma^C S + (gamma^(C-1-j) K)^T V; reads Q, K, V, writes O once,
//                   and writes the final state from registers on a sequence's last segment.
// Only exp(-s*n) with n >= 0 is ever formed.
//
// Warp layout (8 warps): warp w owns 16 columns of the 128-wide d-block and keeps
// S^T[16 dv x 128 r] as float mma accumulators (64 registers per thread). That accumulator
// layout is the B-fragment layout o = Q S needs, so the state never goes through shared
// memory. The causal QK^T tile (20 of 32 16x8 tiles) is split over the warps and staged
// in shared memory.
//
// Precisions: fp16/bf16 use m16n8k16 in the input type with fp32 accumulation; float32
// uses m16n8k8 TF32 (Precision::TF32) or the 3xTF32 split (Precision::Exact).
//
// Version 2 (fused_v2.cuh, wgmma on sm_90a) replaces all of this for 16-bit inputs with
// r == 128 and d % 128 == 0 without varlen on Hopper (v2_eligible); the kernels above stay
// the path for every other case and for non-Hopper devices. Version 3 (fused_v3.cuh)
// does the same for float32 inputs at Precision::TF32 (v3_eligible), and version 4
// (fused_v4.cuh, the float64 tensor cores) for Precision::Exact at every shape, packed
// sequences included (v4_eligible; version 3x, 3xTF32 on wgmma, with LEET_FUSED_V4=0).
// Exact stays here on other GPUs.
#pragma once
#include <cuda.h>  // CUtensorMap (the types only: the encoder comes from the runtime)
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cudaTypedefs.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

#include "../native/cuda_api.h"
#include "bulk.cuh"
#include "launch.h"

namespace leet::cuda::fused_detail {
namespace {

constexpr int kC = 64;       // chunk length (tokens)
constexpr int kR = 128;      // r block
constexpr int kDV = 128;     // d block
constexpr int kWarps = 8;    // kDV / 16
constexpr int kThreads = kWarps * 32;
constexpr int kLd = 136;     // shared row stride in elements for Q, K, V tiles
constexpr int kTile = kR * kDV;  // floats per state block

// ---- policies -------------------------------------------------------------------------
template <bool BF16>
struct Pol16 {
  using T = uint16_t;  // raw 16-bit patterns
  static constexpr bool is16 = true, bf16 = BF16;
  static constexpr int KS = 16, SPLIT = 1, LDP = kC + 8;
};
template <int SPLIT_>
struct PolF32 {
  using T = float;
  static constexpr bool is16 = false, bf16 = false;
  static constexpr int KS = 8, SPLIT = SPLIT_, LDP = kC + 4;
};

struct Args {
  const void* q;
  const void* k;
  const void* v;
  void* o;
  int64_t H, N, r, d;
  const float* rate;
  float scale;
  double scale_d = 1.0;  // the scale in float64 (version 4)
  const int64_t* cu;   // device cu_seqlens or null
  int64_t* seg_base;   // device [num_seqs+1] (varlen) or null
  int64_t num_seqs;
  int64_t nseg_fixed;  // segments per sequence when not varlen
  int64_t Lseg;
  int nrb, ndvb;
  float* states;
  float* opart;
  const float* init;
  float* fin;
  int fast_qk, fast_v;  // rows are 16-byte aligned: cp.async
  int even_d;           // d even: paired output stores
  int layout2;          // scratch states in version-2 order ([dv][r]) instead of fragments
  int prefix_inline;    // v2: the output kernel sums the raw segment states itself (no scan)
  int64_t ksub = 1;     // v2: state-pass sub-segments per segment (prefix_inline only)
  int dv_split = 1;     // output CTAs per 128-column state block (4: v3x's 32-column kernel)
  // single-pass kernels: per-chain hand-off counters, the CTA ticket, the two-slot state
  // ring per chain, and whether loads carry L2 eviction hints
  unsigned* flags = nullptr;
  unsigned* ticket = nullptr;
  float* ring = nullptr;
  int l2_hints = 1;
  unsigned long long* prof = nullptr;  // developer timing of the single pass (5 stamps per CTA)
  int64_t rb0 = 0;     // v4: the first of the (up to) 128 r this pass covers
  int accumulate = 0;  // v4: add this pass's output to o (r blocks after the first)
  int64_t pad = 0;     // fixed length: virtual tokens before row 0 (a short first segment, pad_plan)
  int64_t small = 0;   // the lead plan's small pieces: the last tokens of each first segment (lead_plan)
  // packed sequences: those of more than one segment, in order (fused_seg_base_kernel), one
  // scan chain per (sequence, head, block); null: every sequence's
  const int64_t* scan_seqs = nullptr;
};
// The arguments of a TMA-fed kernel: Args and the tensor maps of its inputs and output
// (tma_maps).
struct ArgsTma : Args {
  CUtensorMap map_q, map_k, map_v, map_o;
};

// ---- small PTX helpers ------------------------------------------------------------------
__device__ __forceinline__ unsigned long long global_ns() {
  unsigned long long t;
  asm volatile("mov.u64 %0, %globaltimer;" : "=l"(t));
  return t;
}
#ifdef LEET_FUSED_LEAD_STAMPS
// Developer timing of the lead plan's launches (versions 2 and 3; only where fused_bench is
// built with the macro, LEET_FUSED_PROF=1; lead_stamps prints them): this CTA's four stamps,
// %globaltimer at its start (written here), at its walk's start and end, and its SM (here);
// nullptr without a buffer
__device__ __forceinline__ unsigned long long* lead_stamp_open(unsigned long long* prof) {
  unsigned long long* const stamp = prof ? prof + 4 * (int64_t)blockIdx.x : nullptr;
  if (stamp && threadIdx.x == 0) {
    unsigned smid;
    asm volatile("mov.u32 %0, %%smid;" : "=r"(smid));
    stamp[0] = global_ns();
    stamp[3] = smid;
  }
  return stamp;
}
#endif
__device__ __forceinline__ uint32_t smem_u32(const void* p) {
  return static_cast<uint32_t>(__cvta_generic_to_shared(p));
}
__device__ __forceinline__ void cp_async16(void* dst, const void* src) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(smem_u32(dst)), "l"(src));
}
__device__ __forceinline__ void cp_async_commit() { asm volatile("cp.async.commit_group;\n" ::); }
template <int N>
__device__ __forceinline__ void cp_async_wait() {
  asm volatile("cp.async.wait_group %0;\n" ::"n"(N));
}
__device__ __forceinline__ void ldsm_x4(uint32_t* r, const void* p) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(smem_u32(p)));
}
__device__ __forceinline__ void ldsm_x4_t(uint32_t* r, const void* p) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(smem_u32(p)));
}
__device__ __forceinline__ void ldsm_x2(uint32_t* r, const void* p) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x2.shared.b16 {%0,%1}, [%2];\n"
               : "=r"(r[0]), "=r"(r[1])
               : "r"(smem_u32(p)));
}
template <bool BF16>
__device__ __forceinline__ void mma16(float* c, const uint32_t* a, const uint32_t* b) {
  if constexpr (BF16) {
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, "
        "{%8,%9}, {%0,%1,%2,%3};\n"
        : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
  } else {
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, "
        "{%8,%9}, {%0,%1,%2,%3};\n"
        : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
  }
}
__device__ __forceinline__ void mma_tf32(float* c, const uint32_t* a, const uint32_t* b) {
  asm volatile(
      "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, "
      "{%8,%9}, {%0,%1,%2,%3};\n"
      : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}
__device__ __forceinline__ uint32_t cvt_tf32(float x) {
  uint32_t r;
  asm("cvt.rna.tf32.f32 %0, %1;\n" : "=r"(r) : "f"(x));
  return r;
}
// 3xTF32 split of an operand in registers: hi = x rounded to TF32, lo = the rest rounded.
__device__ __forceinline__ void tf32_hilo(float x, uint32_t& h, uint32_t& l) {
  h = cvt_tf32(x);
  l = cvt_tf32(x - __uint_as_float(h));
}

// Fragment pairs (hi, lo); lo is only used by the 3xTF32 split.
struct FragA {
  uint32_t h[4], l[4];
};
struct FragB {
  uint32_t h[2], l[2];
};

template <class P>
__device__ __forceinline__ void mma(float* c, const FragA& a, const FragB& b) {
  if constexpr (P::is16) {
    mma16<P::bf16>(c, a.h, b.h);
  } else if constexpr (P::SPLIT == 3) {
    mma_tf32(c, a.l, b.h);
    mma_tf32(c, a.h, b.l);
    mma_tf32(c, a.h, b.h);
  } else {
    mma_tf32(c, a.h, b.h);
  }
}

// float -> tf32 operand. TF32 mode passes the float bits (the unit ignores the low
// mantissa bits); Exact mode rounds hi and keeps the remainder in lo.
template <class P>
__device__ __forceinline__ void tf32_split(float x, uint32_t& h, uint32_t& l) {
  if constexpr (P::SPLIT == 3) {
    tf32_hilo(x, h, l);
  } else {
    h = __float_as_uint(x);
    l = 0;
  }
}

template <bool BF16>
__device__ __forceinline__ uint32_t pack16(float x, float y) {  // x in the low half
  if constexpr (BF16) {
    __nv_bfloat162 v = __floats2bfloat162_rn(x, y);
    return *reinterpret_cast<uint32_t*>(&v);
  } else {
    __half2 v = __floats2half2_rn(x, y);
    return *reinterpret_cast<uint32_t*>(&v);
  }
}
template <bool BF16>
__device__ __forceinline__ float2 unpack16(uint32_t u) {
  if constexpr (BF16) {
    return __bfloat1622float2(*reinterpret_cast<__nv_bfloat162*>(&u));
  } else {
    return __half22float2(*reinterpret_cast<__half2*>(&u));
  }
}
template <bool BF16>
__device__ __forceinline__ uint16_t to16(float x) {
  if constexpr (BF16) {
    __nv_bfloat16 v = __float2bfloat16_rn(x);
    return *reinterpret_cast<uint16_t*>(&v);
  } else {
    __half v = __float2half_rn(x);
    return *reinterpret_cast<uint16_t*>(&v);
  }
}
__device__ __forceinline__ int64_t imin64(int64_t x, int64_t y) { return x < y ? x : y; }

// ---- fragment loaders -------------------------------------------------------------------
// A from a row-major [m][k] tile (Q). 16-bit: ldmatrix. tf32: the k index inside each
// 8-step is permuted (slot t <-> column 2t, slot t+4 <-> 2t+1) so one 8-byte load gives
// both halves; every B operand that meets Q uses the same permutation.
template <class P>
__device__ __forceinline__ void load_A_q(FragA& a, const typename P::T* s, int m0, int k0,
                                         int lane) {
  if constexpr (P::is16) {
    const int mat = lane >> 3;
    ldsm_x4(a.h, s + (m0 + (mat & 1) * 8 + (lane & 7)) * kLd + k0 + (mat >> 1) * 8);
  } else {
    const int g = lane >> 2, t = lane & 3;
    const float2 x0 = *reinterpret_cast<const float2*>(s + (m0 + g) * kLd + k0 + 2 * t);
    const float2 x1 = *reinterpret_cast<const float2*>(s + (m0 + g + 8) * kLd + k0 + 2 * t);
    tf32_split<P>(x0.x, a.h[0], a.l[0]);
    tf32_split<P>(x1.x, a.h[1], a.l[1]);
    tf32_split<P>(x0.y, a.h[2], a.l[2]);
    tf32_split<P>(x1.y, a.h[3], a.l[3]);
  }
}
// A from the staged P tile [i][j] (natural k order for tf32).
template <class P>
__device__ __forceinline__ void load_A_p(FragA& a, const typename P::T* s, int m0, int k0,
                                         int lane) {
  if constexpr (P::is16) {
    const int mat = lane >> 3;
    ldsm_x4(a.h, s + (m0 + (mat & 1) * 8 + (lane & 7)) * P::LDP + k0 + (mat >> 1) * 8);
  } else {
    const int g = lane >> 2, t = lane & 3;
    tf32_split<P>(s[(m0 + g) * P::LDP + k0 + t], a.h[0], a.l[0]);
    tf32_split<P>(s[(m0 + g + 8) * P::LDP + k0 + t], a.h[1], a.l[1]);
    tf32_split<P>(s[(m0 + g) * P::LDP + k0 + t + 4], a.h[2], a.l[2]);
    tf32_split<P>(s[(m0 + g + 8) * P::LDP + k0 + t + 4], a.h[3], a.l[3]);
  }
}
// B = K^T for QK^T: K stored [j][r] = [n][k]; tf32 uses the Q permutation.
template <class P>
__device__ __forceinline__ void load_B_kt(FragB& b, const typename P::T* s, int n0, int k0,
                                          int lane) {
  if constexpr (P::is16) {
    ldsm_x2(b.h, s + (n0 + (lane & 7)) * kLd + k0 + ((lane >> 3) & 1) * 8);
  } else {
    const int g = lane >> 2, t = lane & 3;
    const float2 x = *reinterpret_cast<const float2*>(s + (n0 + g) * kLd + k0 + 2 * t);
    tf32_split<P>(x.x, b.h[0], b.l[0]);
    tf32_split<P>(x.y, b.h[1], b.l[1]);
  }
}
// Raw V fragments for tokens [k0, k0+KS) and the warp's 16 columns [n0, n0+16):
// v[0], v[1] = B fragment (b0, b1) of n-tile 0; v[2], v[3] = of n-tile 1 (packed pairs for
// 16-bit, float bits for tf32). The same registers are the A fragment of V^T
// (a0 = v0, a1 = v2, a2 = v1, a3 = v3).
template <class P>
__device__ __forceinline__ void load_V_raw(uint32_t* v, const typename P::T* s, int k0, int n0,
                                           int lane) {
  if constexpr (P::is16) {
    const int mat = lane >> 3;
    ldsm_x4_t(v, s + (k0 + (mat & 1) * 8 + (lane & 7)) * kLd + n0 + (mat >> 1) * 8);
  } else {
    const int g = lane >> 2, t = lane & 3;
    v[0] = __float_as_uint(s[(k0 + t) * kLd + n0 + g]);
    v[1] = __float_as_uint(s[(k0 + t + 4) * kLd + n0 + g]);
    v[2] = __float_as_uint(s[(k0 + t) * kLd + n0 + 8 + g]);
    v[3] = __float_as_uint(s[(k0 + t + 4) * kLd + n0 + 8 + g]);
  }
}
template <class P>
__device__ __forceinline__ void raw_to_B(FragB& b, uint32_t x0, uint32_t x1) {
  if constexpr (P::is16) {
    b.h[0] = x0;
    b.h[1] = x1;
  } else {
    tf32_split<P>(__uint_as_float(x0), b.h[0], b.l[0]);
    tf32_split<P>(__uint_as_float(x1), b.h[1], b.l[1]);
  }
}

// ---- tile loads (global -> shared) --------------------------------------------------------
// `rows` x 128 tile with row stride ldg (elements) into shared [64][kLd]; rows >= `rows`
// and columns >= `cols` are zero. `fast`: every row start is 16-byte aligned (cp.async).
template <class T>
__device__ __forceinline__ void load_tile(T* sm, const T* g, int64_t ldg, int rows, int cols,
                                          bool fast) {
  constexpr int E = 16 / sizeof(T);
  constexpr int PPR = 128 / E;
#pragma unroll 4
  for (int idx = threadIdx.x; idx < kC * PPR; idx += kThreads) {
    const int row = idx / PPR, col = (idx % PPR) * E;
    T* dst = sm + row * kLd + col;
    if (row < rows && col < cols) {
      const T* src = g + row * ldg + col;
      if (fast && col + E <= cols) {
        cp_async16(dst, src);
      } else {
#pragma unroll
        for (int e = 0; e < E; ++e) dst[e] = (col + e < cols) ? src[e] : T(0);
      }
    } else {
      *reinterpret_cast<uint4*>(dst) = make_uint4(0, 0, 0, 0);
    }
  }
}

// ---- segment bookkeeping ----------------------------------------------------------------
struct Seg {
  int64_t seq, seg, nseg, b, tok0, len;
};
__device__ __forceinline__ Seg decode_seg(const Args& a, int64_t gs) {
  Seg s;
  if (a.cu) {
    int64_t lo = 0, hi = a.num_seqs;  // seg_base[lo] <= gs < seg_base[hi]
    while (hi - lo > 1) {
      const int64_t mid = (lo + hi) >> 1;
      if (a.seg_base[mid] <= gs) lo = mid; else hi = mid;
    }
    const int64_t gs0 = a.seg_base[lo];
    s.seq = lo;
    s.seg = gs - gs0;
    s.nseg = a.seg_base[lo + 1] - gs0;
    s.b = 0;
    s.tok0 = a.cu[lo];
    s.len = a.cu[lo + 1] - s.tok0;
  } else {
    s.seq = gs / a.nseg_fixed;
    s.seg = gs - s.seq * a.nseg_fixed;
    s.nseg = a.nseg_fixed;
    s.b = s.seq;
    s.tok0 = 0;
    s.len = a.N;
  }
  return s;
}
__device__ __forceinline__ float* state_slot(const Args& a, int64_t gs, int64_t h, int rb,
                                             int dvb) {
  return a.states + ((((gs * a.H + h) * a.nrb + rb) * a.ndvb + dvb) * (int64_t)kTile);
}
// Element (w, nt, lane, c) of the fragment-ordered state -> (r, dv) inside the block.
__device__ __forceinline__ void frag_rc(int w, int nt, int lane, int c, int& r, int& dv) {
  r = 8 * nt + 2 * (lane & 3) + (c & 1);
  dv = 16 * w + (lane >> 2) + 8 * (c >> 1);
}

// ---- the warp-level pieces of one chunk ------------------------------------------------
// P[i][j] = scale * (q_i . k_j) * gamma^(i-j) for j <= i (20 causal 16x8 tiles over warps).
template <class P>
__device__ __forceinline__ void compute_P(const typename P::T* sQ, const typename P::T* sK,
                                          typename P::T* sP, const float* pw, float scale,
                                          int rtile, int warp, int lane) {
  const int g = lane >> 2, t = lane & 3;
  // warp w owns tiles w, w+8, w+16 (< 20): three independent accumulators, interleaved
  int mi[3], nj[3];
#pragma unroll
  for (int u = 0; u < 3; ++u) {
    const int tau = min(warp + kWarps * u, 19);
    mi[u] = tau >= 12 ? 3 : tau >= 6 ? 2 : tau >= 2 ? 1 : 0;
    nj[u] = tau - mi[u] * (mi[u] + 1);
  }
  const int nu = warp + 16 < 20 ? 3 : 2;
  float acc[3][4] = {};
#pragma unroll
  for (int ks = 0; ks < kR / P::KS; ++ks) {
    if (ks * P::KS < rtile) {
#pragma unroll
      for (int u = 0; u < 3; ++u) {
        if (u < nu) {
          FragA a;
          FragB b;
          load_A_q<P>(a, sQ, 16 * mi[u], ks * P::KS, lane);
          load_B_kt<P>(b, sK, 8 * nj[u], ks * P::KS, lane);
          mma<P>(acc[u], a, b);
        }
      }
    }
  }
#pragma unroll
  for (int u = 0; u < 3; ++u) {
    if (u < nu) {
#pragma unroll
      for (int hh = 0; hh < 2; ++hh) {
        const int i = 16 * mi[u] + g + 8 * hh, j = 8 * nj[u] + 2 * t;
        const float x0 = j <= i ? scale * acc[u][2 * hh] * pw[i - j] : 0.f;
        const float x1 = j + 1 <= i ? scale * acc[u][2 * hh + 1] * pw[i - j - 1] : 0.f;
        if constexpr (P::is16) {
          *reinterpret_cast<uint32_t*>(sP + i * P::LDP + j) = pack16<P::bf16>(x0, x1);
        } else {
          *reinterpret_cast<float2*>(sP + i * P::LDP + j) = make_float2(x0, x1);
        }
      }
    }
  }
}

// o[mi][nt] (rows 16mi.., columns 16w + 8nt..) = scale*gamma^(i+1) (Q S)_i + (P V)_i
template <class P>
__device__ __forceinline__ void compute_O(float (&o)[4][2][4], const float (&S)[16][4],
                                          const typename P::T* sQ, const typename P::T* sP,
                                          const typename P::T* sV, const float* pw,
                                          float scale, int rtile, int warp, int lane) {
  const int g = lane >> 2;
#pragma unroll
  for (int mi = 0; mi < 4; ++mi)
#pragma unroll
    for (int nt = 0; nt < 2; ++nt)
#pragma unroll
      for (int c = 0; c < 4; ++c) o[mi][nt][c] = 0.f;
  // inter-chunk: Q S, B fragments straight from the S^T accumulators
#pragma unroll
  for (int ks = 0; ks < kR / P::KS; ++ks) {
    if (ks * P::KS < rtile) {
      FragB b0, b1;
      if constexpr (P::is16) {
        b0.h[0] = pack16<P::bf16>(S[2 * ks][0], S[2 * ks][1]);
        b0.h[1] = pack16<P::bf16>(S[2 * ks + 1][0], S[2 * ks + 1][1]);
        b1.h[0] = pack16<P::bf16>(S[2 * ks][2], S[2 * ks][3]);
        b1.h[1] = pack16<P::bf16>(S[2 * ks + 1][2], S[2 * ks + 1][3]);
      } else {
        tf32_split<P>(S[ks][0], b0.h[0], b0.l[0]);
        tf32_split<P>(S[ks][1], b0.h[1], b0.l[1]);
        tf32_split<P>(S[ks][2], b1.h[0], b1.l[0]);
        tf32_split<P>(S[ks][3], b1.h[1], b1.l[1]);
      }
#pragma unroll
      for (int mi = 0; mi < 4; ++mi) {
        FragA a;
        load_A_q<P>(a, sQ, 16 * mi, ks * P::KS, lane);
        mma<P>(o[mi][0], a, b0);
        mma<P>(o[mi][1], a, b1);
      }
    }
  }
#pragma unroll
  for (int mi = 0; mi < 4; ++mi)
#pragma unroll
    for (int hh = 0; hh < 2; ++hh) {
      const float f = scale * pw[16 * mi + g + 8 * hh + 1];
#pragma unroll
      for (int nt = 0; nt < 2; ++nt) {
        o[mi][nt][2 * hh] *= f;
        o[mi][nt][2 * hh + 1] *= f;
      }
    }
  // intra-chunk: P V (P is zero above the diagonal: skip those k-steps)
#pragma unroll
  for (int ks = 0; ks < kC / P::KS; ++ks) {
    uint32_t v[4];
    load_V_raw<P>(v, sV, ks * P::KS, 16 * warp, lane);
    FragB b0, b1;
    raw_to_B<P>(b0, v[0], v[1]);
    raw_to_B<P>(b1, v[2], v[3]);
#pragma unroll
    for (int mi = 0; mi < 4; ++mi) {
      if (ks * P::KS <= 16 * mi + 15) {
        FragA a;
        load_A_p<P>(a, sP, 16 * mi, ks * P::KS, lane);
        mma<P>(o[mi][0], a, b0);
        mma<P>(o[mi][1], a, b1);
      }
    }
  }
}

// S^T <- gamma^Lc S^T + V^T diag(gamma^(Lc-1-j)) K over the chunk's Lc tokens.
template <class P>
__device__ __forceinline__ void update_S(float (&S)[16][4], const typename P::T* sK,
                                         const typename P::T* sV, const float* pw, int Lc,
                                         int rtile, int warp, int lane) {
  const int g = lane >> 2, t = lane & 3;
  const float dec = pw[Lc];
#pragma unroll
  for (int nt = 0; nt < 16; ++nt)
#pragma unroll
    for (int c = 0; c < 4; ++c) S[nt][c] *= dec;
#pragma unroll
  for (int ks = 0; ks < kC / P::KS; ++ks) {
    if (ks * P::KS < Lc) {
      const int k0 = ks * P::KS;
      uint32_t v[4];
      load_V_raw<P>(v, sV, k0, 16 * warp, lane);
      FragA a;
      if constexpr (P::is16) {
        const int j0 = k0 + 2 * t, j1 = k0 + 8 + 2 * t;
        const float f0 = j0 < Lc ? pw[Lc - 1 - j0] : 0.f;
        const float f1 = j0 + 1 < Lc ? pw[Lc - 2 - j0] : 0.f;
        const float f2 = j1 < Lc ? pw[Lc - 1 - j1] : 0.f;
        const float f3 = j1 + 1 < Lc ? pw[Lc - 2 - j1] : 0.f;
        float2 x;
        x = unpack16<P::bf16>(v[0]); a.h[0] = pack16<P::bf16>(x.x * f0, x.y * f1);
        x = unpack16<P::bf16>(v[2]); a.h[1] = pack16<P::bf16>(x.x * f0, x.y * f1);
        x = unpack16<P::bf16>(v[1]); a.h[2] = pack16<P::bf16>(x.x * f2, x.y * f3);
        x = unpack16<P::bf16>(v[3]); a.h[3] = pack16<P::bf16>(x.x * f2, x.y * f3);
        const int mat = lane >> 3;
#pragma unroll
        for (int np = 0; np < 8; ++np) {
          if (np * 16 < rtile) {
            uint32_t kb[4];
            ldsm_x4_t(kb, sK + (k0 + (mat & 1) * 8 + (lane & 7)) * kLd + np * 16 + (mat >> 1) * 8);
            FragB b0, b1;
            b0.h[0] = kb[0]; b0.h[1] = kb[1];
            b1.h[0] = kb[2]; b1.h[1] = kb[3];
            mma<P>(S[2 * np], a, b0);
            mma<P>(S[2 * np + 1], a, b1);
          }
        }
      } else {
        const int j0 = k0 + t, j1 = k0 + t + 4;
        const float f0 = j0 < Lc ? pw[Lc - 1 - j0] : 0.f;
        const float f1 = j1 < Lc ? pw[Lc - 1 - j1] : 0.f;
        tf32_split<P>(__uint_as_float(v[0]) * f0, a.h[0], a.l[0]);
        tf32_split<P>(__uint_as_float(v[2]) * f0, a.h[1], a.l[1]);
        tf32_split<P>(__uint_as_float(v[1]) * f1, a.h[2], a.l[2]);
        tf32_split<P>(__uint_as_float(v[3]) * f1, a.h[3], a.l[3]);
#pragma unroll
        for (int nt = 0; nt < 16; ++nt) {
          if (nt * 8 < rtile) {
            FragB b;
            tf32_split<P>(sK[(k0 + t) * kLd + nt * 8 + g], b.h[0], b.l[0]);
            tf32_split<P>(sK[(k0 + t + 4) * kLd + nt * 8 + g], b.h[1], b.l[1]);
            mma<P>(S[nt], a, b);
          }
        }
      }
    }
  }
}

template <class P>
struct Layout {
  using T = typename P::T;
  static constexpr int tile = kC * kLd * (int)sizeof(T);          // one Q/K/V tile
  static constexpr int ptile = kC * P::LDP * (int)sizeof(T);      // P tile
  static constexpr int out_bytes = 6 * tile + ptile + 68 * 4;     // 2 stages x (Q,K,V)
  static constexpr int state_bytes = 4 * tile + 68 * 4;           // 2 stages x (K,V)
};

// ---- kernel 3: outputs ------------------------------------------------------------------
template <class P>
__global__ void __launch_bounds__(kThreads, 1) fused_out_kernel(const Args a) {
  using T = typename P::T;
  extern __shared__ __align__(128) unsigned char smem[];
  T* sQ = reinterpret_cast<T*>(smem);
  T* sK = sQ + 2 * kC * kLd;
  T* sV = sK + 2 * kC * kLd;
  T* sP = sV + 2 * kC * kLd;
  float* pw = reinterpret_cast<float*>(smem + Layout<P>::out_bytes - 68 * 4);

  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
  const int dvb = blockIdx.x % a.ndvb;
  const int64_t tmp = blockIdx.x / a.ndvb;
  const int64_t h = tmp % a.H, gs = tmp / a.H;
  const Seg sg = decode_seg(a, gs);
  const int64_t start = sg.seg * a.Lseg;
  const int seglen = (int)imin64(a.Lseg, sg.len - start);
  const int nch = (seglen + kC - 1) / kC;
  const float rate = a.rate[h];
  if (threadIdx.x <= kC) pw[threadIdx.x] = expf(-rate * (float)threadIdx.x);

  const int dtile = (int)imin64(kDV, a.d - (int64_t)dvb * kDV);
  const bool active = warp * 16 < dtile;
  const int64_t row0 = (sg.b * a.H + h) * a.N + sg.tok0 + start;  // first token's row
  const T* gq = static_cast<const T*>(a.q) + row0 * a.r;
  const T* gk = static_cast<const T*>(a.k) + row0 * a.r;
  const T* gv = static_cast<const T*>(a.v) + row0 * a.d + (int64_t)dvb * kDV;
  T* go = static_cast<T*>(a.o) + row0 * a.d + (int64_t)dvb * kDV;
  float* gop = a.opart ? a.opart + row0 * a.d + (int64_t)dvb * kDV : nullptr;
  const int g = lane >> 2, t = lane & 3;

  for (int rb = 0; rb < a.nrb; ++rb) {
    const int rtile = (int)imin64(kR, a.r - (int64_t)rb * kR);
    float S[16][4];
    if (sg.seg == 0) {
#pragma unroll
      for (int nt = 0; nt < 16; ++nt)
#pragma unroll
        for (int c = 0; c < 4; ++c) {
          int rr, dv;
          frag_rc(warp, nt, lane, c, rr, dv);
          float x = 0.f;
          if (a.init && rr < rtile && dv < dtile)
            x = a.init[((sg.seq * a.H + h) * a.r + rb * kR + rr) * a.d + dvb * kDV + dv];
          S[nt][c] = x;
        }
    } else {
      const float4* src = reinterpret_cast<const float4*>(state_slot(a, gs - 1, h, rb, dvb));
#pragma unroll
      for (int nt = 0; nt < 16; ++nt) {
        const float4 x = __ldcg(src + (warp * 16 + nt) * 32 + lane);
        S[nt][0] = x.x; S[nt][1] = x.y; S[nt][2] = x.z; S[nt][3] = x.w;
      }
    }

    auto issue = [&](int c) {
      const int buf = c & 1;
      const int rows = min(kC, seglen - c * kC);
      load_tile<T>(sQ + buf * kC * kLd, gq + (int64_t)c * kC * a.r + rb * kR, a.r, rows, rtile,
                   a.fast_qk);
      load_tile<T>(sK + buf * kC * kLd, gk + (int64_t)c * kC * a.r + rb * kR, a.r, rows, rtile,
                   a.fast_qk);
      load_tile<T>(sV + buf * kC * kLd, gv + (int64_t)c * kC * a.d, a.d, rows, dtile, a.fast_v);
    };
    issue(0);
    cp_async_commit();
    if (nch > 1) issue(1);
    cp_async_commit();

    for (int c = 0; c < nch; ++c) {
      cp_async_wait<1>();
      __syncthreads();
      const int buf = c & 1;
      const int Lc = min(kC, seglen - c * kC);
      const T* q_s = sQ + buf * kC * kLd;
      const T* k_s = sK + buf * kC * kLd;
      const T* v_s = sV + buf * kC * kLd;
      compute_P<P>(q_s, k_s, sP, pw, a.scale, rtile, warp, lane);
      __syncthreads();
      if (active) {
        float o[4][2][4];
        compute_O<P>(o, S, q_s, sP, v_s, pw, a.scale, rtile, warp, lane);
        // store rows < Lc, columns < dtile
        const bool first = rb == 0, last = rb == a.nrb - 1;
#pragma unroll
        for (int mi = 0; mi < 4; ++mi)
#pragma unroll
          for (int hh = 0; hh < 2; ++hh) {
            const int i = 16 * mi + g + 8 * hh;
            if (i < Lc) {
              const int64_t ro = (int64_t)(c * kC + i) * a.d;
#pragma unroll
              for (int nt = 0; nt < 2; ++nt) {
                const int col = 16 * warp + 8 * nt + 2 * t;
                float x0 = o[mi][nt][2 * hh], x1 = o[mi][nt][2 * hh + 1];
                const bool ok0 = col < dtile, ok1 = col + 1 < dtile;
                if (!first) {
                  if (ok0) x0 += gop[ro + col];
                  if (ok1) x1 += gop[ro + col + 1];
                }
                if (!last) {
                  if (ok0) gop[ro + col] = x0;
                  if (ok1) gop[ro + col + 1] = x1;
                } else if (a.even_d && ok1) {
                  if constexpr (P::is16) {
                    *reinterpret_cast<uint32_t*>(go + ro + col) = pack16<P::bf16>(x0, x1);
                  } else {
                    *reinterpret_cast<float2*>(go + ro + col) = make_float2(x0, x1);
                  }
                } else {
                  if constexpr (P::is16) {
                    if (ok0) go[ro + col] = to16<P::bf16>(x0);
                    if (ok1) go[ro + col + 1] = to16<P::bf16>(x1);
                  } else {
                    if (ok0) go[ro + col] = x0;
                    if (ok1) go[ro + col + 1] = x1;
                  }
                }
              }
            }
          }
        update_S<P>(S, k_s, v_s, pw, Lc, rtile, warp, lane);
      }
      __syncthreads();
      if (c + 2 < nch) issue(c + 2);
      cp_async_commit();
    }
    cp_async_wait<0>();

    if (sg.seg == sg.nseg - 1 && a.fin) {
#pragma unroll
      for (int nt = 0; nt < 16; ++nt)
#pragma unroll
        for (int c = 0; c < 4; ++c) {
          int rr, dv;
          frag_rc(warp, nt, lane, c, rr, dv);
          if (rr < rtile && dv < dtile)
            a.fin[((sg.seq * a.H + h) * a.r + rb * kR + rr) * a.d + dvb * kDV + dv] = S[nt][c];
        }
    }
    __syncthreads();
  }
}

// ---- kernel 1: segment states -----------------------------------------------------------
template <class P>
__global__ void __launch_bounds__(kThreads, 1) fused_state_kernel(const Args a) {
  using T = typename P::T;
  extern __shared__ __align__(128) unsigned char smem[];
  T* sK = reinterpret_cast<T*>(smem);
  T* sV = sK + 2 * kC * kLd;
  float* pw = reinterpret_cast<float*>(smem + Layout<P>::state_bytes - 68 * 4);

  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
  const int dvb = blockIdx.x % a.ndvb;
  int64_t tmp = blockIdx.x / a.ndvb;
  const int rb = (int)(tmp % a.nrb);
  tmp /= a.nrb;
  const int64_t h = tmp % a.H, gs = tmp / a.H;
  const Seg sg = decode_seg(a, gs);
  if (sg.seg >= sg.nseg - 1) return;  // the last segment's state is not needed
  const int64_t start = sg.seg * a.Lseg;
  const int seglen = (int)imin64(a.Lseg, sg.len - start);
  const int nch = (seglen + kC - 1) / kC;
  const float rate = a.rate[h];
  if (threadIdx.x <= kC) pw[threadIdx.x] = expf(-rate * (float)threadIdx.x);
  const int dtile = (int)imin64(kDV, a.d - (int64_t)dvb * kDV);
  const int rtile = (int)imin64(kR, a.r - (int64_t)rb * kR);
  const bool active = warp * 16 < dtile;
  const int64_t row0 = (sg.b * a.H + h) * a.N + sg.tok0 + start;
  const T* gk = static_cast<const T*>(a.k) + row0 * a.r + rb * kR;
  const T* gv = static_cast<const T*>(a.v) + row0 * a.d + (int64_t)dvb * kDV;

  float S[16][4];
#pragma unroll
  for (int nt = 0; nt < 16; ++nt)
#pragma unroll
    for (int c = 0; c < 4; ++c) S[nt][c] = 0.f;

  auto issue = [&](int c) {
    const int buf = c & 1;
    const int rows = min(kC, seglen - c * kC);
    load_tile<T>(sK + buf * kC * kLd, gk + (int64_t)c * kC * a.r, a.r, rows, rtile, a.fast_qk);
    load_tile<T>(sV + buf * kC * kLd, gv + (int64_t)c * kC * a.d, a.d, rows, dtile, a.fast_v);
  };
  issue(0);
  cp_async_commit();
  if (nch > 1) issue(1);
  cp_async_commit();
  for (int c = 0; c < nch; ++c) {
    cp_async_wait<1>();
    __syncthreads();
    const int buf = c & 1;
    const int Lc = min(kC, seglen - c * kC);
    if (active) update_S<P>(S, sK + buf * kC * kLd, sV + buf * kC * kLd, pw, Lc, rtile, warp, lane);
    __syncthreads();
    if (c + 2 < nch) issue(c + 2);
    cp_async_commit();
  }
  cp_async_wait<0>();
  float4* dst = reinterpret_cast<float4*>(state_slot(a, gs, h, rb, dvb));
#pragma unroll
  for (int nt = 0; nt < 16; ++nt)
    __stcg(dst + (warp * 16 + nt) * 32 + lane, make_float4(S[nt][0], S[nt][1], S[nt][2], S[nt][3]));
}

// ---- kernel 2: scan over segment states --------------------------------------------------
// blockIdx.x = chain (seq, h, rb, dvb), seq the sequence itself or, with packed sequences,
// the seq-th of a.scan_seqs (those of more than one segment: a pack of a thousand short
// sequences and two long ones scans only the long ones' chains); blockIdx.y and the thread:
// one float4 of the block's state. (launch_scan)
__global__ void __launch_bounds__(256) fused_scan_kernel(const Args a) {
  const int e4 = blockIdx.y * blockDim.x + threadIdx.x;  // < kTile / 4
  int64_t ch = blockIdx.x;
  const int dvb = (int)(ch % a.ndvb);
  ch /= a.ndvb;
  const int rb = (int)(ch % a.nrb);
  ch /= a.nrb;
  const int64_t h = ch % a.H, seq = a.scan_seqs ? a.scan_seqs[ch / a.H] : ch / a.H;
  int64_t gs0, nseg;
  if (a.cu) {
    gs0 = a.seg_base[seq];
    nseg = a.seg_base[seq + 1] - gs0;
  } else {
    gs0 = seq * a.nseg_fixed;
    nseg = a.nseg_fixed;
  }
  if (nseg <= 1) return;
  const int w = e4 / (16 * 32), nt = (e4 / 32) % 16, lane = e4 % 32;
  float s[4];
  const int64_t r0 = a.rb0 + (int64_t)rb * kR;  // this block's first r (a.rb0: version 4's pass)
  const int rtile = (int)imin64(kR, a.r - r0);
  const int dtile = (int)imin64(kDV, a.d - (int64_t)dvb * kDV);
#pragma unroll
  for (int c = 0; c < 4; ++c) {
    int rr, dv;
    if (a.layout2) {
      rr = (4 * e4 + c) & 127;
      dv = (4 * e4 + c) >> 7;
    } else {
      frag_rc(w, nt, lane, c, rr, dv);
    }
    s[c] = (a.init && rr < rtile && dv < dtile)
               ? a.init[((seq * a.H + h) * a.r + r0 + rr) * a.d + dvb * kDV + dv]
               : 0.f;
  }
  const float dec = expf(-a.rate[h] * (float)a.Lseg);  // every segment but the last is full
  auto slot = [&](int64_t sgi) {
    return reinterpret_cast<float4*>(state_slot(a, gs0 + sgi, h, rb, dvb)) + e4;
  };
  float4 nxt = __ldcg(slot(0));
  for (int64_t sgi = 0; sgi < nseg - 1; ++sgi) {
    const float4 cur = nxt;
    if (sgi + 1 < nseg - 1) nxt = __ldcg(slot(sgi + 1));
    s[0] = fmaf(dec, s[0], cur.x);
    s[1] = fmaf(dec, s[1], cur.y);
    s[2] = fmaf(dec, s[2], cur.z);
    s[3] = fmaf(dec, s[3], cur.w);
    __stcg(slot(sgi), make_float4(s[0], s[1], s[2], s[3]));  // now S_in of segment sgi+1
  }
}

// The segment table of packed sequences: base[q] = the segments of sequences 0..q-1, each
// ceil(len / L) (none for those of at most skip tokens, LaunchContext::skip_upto), and, where
// `multi` is given, the sequences of more than one segment in order (the scan's chains,
// Args::scan_seqs). One CTA scans the sequences kSegBaseThreads at a time.
constexpr int kSegBaseThreads = 256;
// The exclusive prefix of x over the CTA's threads, plus `carry`; `total` gets carry plus
// every thread's x. (All threads call it; `sum` holds a value per warp.)
__device__ __forceinline__ int64_t seg_base_scan(int64_t x, int64_t carry, int64_t& total, int64_t* sum) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  int64_t incl = x;
#pragma unroll
  for (int o = 1; o < 32; o *= 2) {
    const int64_t up = __shfl_up_sync(0xffffffffu, incl, o);
    if (lane >= o) incl += up;
  }
  if (lane == 31) sum[warp] = incl;
  __syncthreads();
  int64_t before = carry;
  total = carry;
#pragma unroll
  for (int w = 0; w < kSegBaseThreads / 32; ++w) {
    before += w < warp ? sum[w] : 0;
    total += sum[w];
  }
  __syncthreads();  // (sum is rewritten by the next call)
  return before + incl - x;
}
__global__ void __launch_bounds__(kSegBaseThreads) fused_seg_base_kernel(const int64_t* __restrict__ cu, int64_t n, int64_t L,
                                                                          int64_t skip, int64_t* __restrict__ base,
                                                                          int64_t* __restrict__ multi) {
  __shared__ int64_t sum[kSegBaseThreads / 32];
  int64_t segs = 0, multis = 0;
  if (threadIdx.x == 0) base[0] = 0;
  for (int64_t q0 = 0; q0 < n; q0 += kSegBaseThreads) {
    const int64_t q = q0 + threadIdx.x;
    int64_t v = 0;
    if (q < n) {
      const int64_t len = cu[q + 1] - cu[q];
      v = len <= skip ? 0 : (len + L - 1) / L;
    }
    const int64_t at = seg_base_scan(v, segs, segs, sum);
    if (q < n) base[q + 1] = at + v;
    if (multi) {
      const int64_t m = seg_base_scan(v > 1 ? 1 : 0, multis, multis, sum);
      if (v > 1) multi[m] = q;
    }
  }
}

#include "fused_v2.cuh"
#include "fused_v3.cuh"
#include "fused_v4.cuh"

// ---- host side ---------------------------------------------------------------------------
inline void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess)
    throw CudaError(std::string("fused: ") + what + ": " + cudaGetErrorName(e));
}

inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
// The device's SMs as the launch context gives them (132, an H100 or H200, if it does not).
inline int sm_count(const LaunchContext& ctx) { return ctx.multiprocessors > 0 ? ctx.multiprocessors : 132; }
// A tensor whose base address allows 16-byte loads (cp.async, vector loads).
inline bool aligned16(const void* ptr) { return (reinterpret_cast<uintptr_t>(ptr) & 15) == 0; }
// Bytes per element of the wgmma families' inputs: float32, or 16 bits.
inline int wgmma_elem_bytes(const AttnParams& p) { return p.dtype == DType::F32 ? 4 : 2; }

// The segment cost model's constants (defaults: version 1). chunk_us: one output CTA's 64-token
// step; state_factor: a state CTA's step relative to that; state_div: output CTAs per state
// CTA (version 4: two 64-column output CTAs per 128-column state block); state_us: staging
// one state (written, summed or scanned, read back); ksub: split each segment's state walk
// into sub-segments when that fills the GPU better (auto_ksub); split_from: without ksub,
// split (auto_ksub) only segments of at least this many tokens (0: never); wave_us: the fixed
// cost of each wave of CTAs, of either pass (their start, first loads and state, drain);
// sim: packed sequences are costed by dispatching the CTAs (segment_plan_packed);
// long_state_us: state_us where fixed-length sequences are costed at equal segments too
// (even_lengths; 0: state_us there as well); mem_tbs: the card's peak DRAM bandwidth, set by
// the caller (family_model; 0: unknown); mem_bound: where every count of segments is costed
// (count_lengths) and mem_tbs is known, a pass of more than one wave of CTAs steps at no less
// than the DRAM time of a wave's loads; lead_frac and step_us (version 3): where every count
// is costed, the lead plan (lead_frac, lead_small: lead_plan's; family_model clears
// lead_frac where run_wgmma cannot take the plan) is costed too, and taken where it is
// cheaper than the choice, both with the DRAM time of each wave's loads in the model's
// units, step_us being the measured microseconds of a chunk_us step (lead_cost, wave_steps).
struct SegModel {
  double chunk_us = 2.5, state_factor = 0.4, state_us = 0.1;
  int state_div = 1;
  bool ksub = false;
  int64_t split_from = 0;
  double wave_us = 0;
  bool sim = false;
  double long_state_us = 0;
  double mem_tbs = 0;
  bool mem_bound = false;
  double lead_frac = 0;
  bool lead_small = false;
  double step_us = 0;
};

// Sub-segments per segment for a state pass of `ctas` CTAs (one per segment and block):
// the k in 1, 2, 4, 8 that dividing L by it allows and that minimises the pass's time,
// waves(ctas k) / k (ties to the smaller k: fewer states for the output CTAs to sum).
inline int64_t auto_ksub(int64_t ctas, int64_t L, int sms) {
  int64_t best = 1;
  double best_t = (double)ceil_div(ctas, sms);
  for (int64_t k = 2; k <= 8; k *= 2) {
    if (L % (k * kC)) break;
    const double t = (double)ceil_div(ctas * k, sms) / (double)k;
    if (t < best_t * 0.999) {
      best_t = t;
      best = k;
    }
  }
  return best;
}

// A short first segment (the 128-column output CTAs of versions 3 (TF32) and 4;
// fixed-length sequences, the inline prefix). m segments of L per sequence give m · walks
// output CTAs (walks: CTAs per segment index), and sms − m · walks SMs stay idle for the
// whole output pass (1x65536 at 32 heads: 4 of 132). Instead the m segments take L' < L (a
// multiple of k · kC) and a first segment takes the L0 = N − m L' tokens left. Its CTAs
// need no state and start last (WgPlace's PAD order), several one after another on those
// idle SMs; in the state pass its pieces fill the last wave's idle SMs the same way. Both
// passes then take L' / L of the time. The smallest L' at which the short CTAs still fit,
// with `ovh` tokens of time per CTA on top: {L', L' − L0} (the kernels' pad: virtual tokens
// before row 0), or {L, 0}.
// LEET_FUSED_PAD=0 turns it off; LEET_FUSED_PAD=x > 0 forces a first segment of x tokens at
// the given L (the checks use it at small shapes).
struct PadPlan {
  int64_t L, pad;
};
inline PadPlan pad_plan(const AttnParams& p, int sms, int64_t L, int64_t k, int64_t walks) {
  if (const char* env = std::getenv("LEET_FUSED_PAD")) {
    if (env[0] == '0') return {L, 0};
    const int64_t x = std::atoll(env);
    if (x > 0) return x < L && x < p.N ? PadPlan{L, L - x} : PadPlan{L, 0};
  }
  constexpr int64_t ovh = 2 * kC;
  const int64_t m = ceil_div(p.N, L), idle = sms - m * walks;
  const int64_t lw = walks * (m - 1) * k, idle_s = ceil_div(lw, sms) * sms - lw;  // state pass
  PadPlan best{L, 0};
  if (m < 2 || idle <= 0 || idle_s <= 0) return best;
  const int64_t ro = ceil_div(walks, idle), rs = ceil_div(walks, idle_s);
  for (int64_t Lp = L - k * kC; Lp > 0; Lp -= k * kC) {
    const int64_t L0 = p.N - m * Lp;
    if (L0 <= 0) continue;
    if (ro * (L0 + ovh) > Lp || rs * (L0 + ovh) > Lp / k || L0 > Lp / k) break;
    best = {Lp, Lp - L0};
  }
  return best;
}

// The lead plan (the 128-column kernels fed by TMA, version 3's TF32 ones and, from the
// twenty-seventh session, version 2's 16-bit ones; fixed length, the inline prefix). A TF32
// output CTA's walk is bound by its own chain of products, not by DRAM: a
// CTA walks 8192 tokens in 0.548 ms with 16 CTAs on an H200 and in 0.578 ms with 128
// (twenty-sixth session). So the SMs that the state pass leaves idle can walk outputs:
// each sequence's first segment (L0 tokens) gets an output launch of its own that runs
// beside the state pass (programmatic dependent launch). It starts from the initial state
// and leaves its end state in a state slot. The state pass skips that segment, and the m
// other segments (L' tokens each, a multiple of k kC) follow from its state.
// The m segments that the segment model chose for the sequence keep their count, and
// L0 = frac L' (the family's lead_frac: kLeadFrac, kLeadFrac16) balances the first
// segments' walk against the state pass, whose walks are then not split (k = 1;
// LEET_FUSED_KSUB=k forces k pieces, L0 = frac L' / k).
// LEET_FUSED_LEAD=x forces L0 = x tokens where x >= kC, the default where 0 < x < kC; =0
// turns the plan off. Taken where the m segments' output CTAs fit one wave, and so do the
// first segments' CTAs with the busy state CTAs: {L', L0, k, small}, or L0 = 0.
// Small pieces (version 3, small_ok; k = 1): the m segments' CTAs leave `spare` SMs idle,
// 3% of the GPU at 1x65536 (128 of 132). So each first segment ends with a small piece of
// `small` tokens after its L0, walked in the second output launch by a CTA of its own.
// These CTAs come last and queue on the spare SMs (q = ceil(lw / spare) each, 2 <= q <=
// kSmallMaxQ), and the m segments shorten to match: x = N / (m + frac + 1 / q), L0 =
// frac x and small = kSmallFrac x / q, each to the nearest chunk. The state pass walks the
// small pieces too, on the SMs it leaves idle. Default where the segment model's segments
// are at least kSmallMinSeg tokens. Paired A/B against the pieces off, TF32, H200
// (twenty-ninth session, bench/h200-2026-11-27-zc), at the card's top clock (10 pairs)
// and under its power cap (40 pairs):
// - 1x65536, by small: 1728 (x / q - 64) 1.004, 1.005 and 0.984; 1600 0.992, 0.995; 1344
//   0.996, 0.997 and 0.988; 1024 0.997, 0.994 and 0.989; 704 1.000. So kSmallFrac: each
//   piece's CTA costs ~12 us beyond its walk (call 7's timeline), and at 1728 their queue
//   ends last;
// - 1x131072: 2816 0.981, 2048 0.996, 3584 0.998 (6 pairs);
// - 1x32768 (832) 1.024-1.039 and 1x16384 (384) 1.044-1.048: the small pieces' CTAs, eight
//   on each of the 4 spare SMs, outlast the others there (kSmallMinSeg).
// LEET_FUSED_SMALL=0 turns them off, =x (>= kC) forces x tokens (L0 then stays the plan's).
struct LeadPlan {
  int64_t L, L0, k, small;
};
constexpr int64_t kSmallMaxQ = 8, kSmallMinSeg = 16384;
constexpr double kSmallFrac = 0.8;
// Segments per sequence up to which the output kernel sums the raw states itself (run_wgmma)
constexpr int64_t kInlineSegs = 8;
constexpr double kLeadFrac = 0.34;
// The 16-bit kernels' L0 / L' (their walk takes about half the TF32 one's time a chunk).
// Paired A/B against the plan off at fp16 2x65536 (twenty-seventh session,
// bench/h200-2026-11-27-za, calls 2 to 4): 0.889 at 0.5, 0.908 at 0.67; at 1x65536 d=256
// 0.859 at 0.5, 0.900 at 0.62, 0.936 at 0.75.
constexpr double kLeadFrac16 = 0.5;
// kFastDramTbs: the peak DRAM bandwidth (TB/s) that separates an H200 (4.8) from an H100
// (3.35) in these rules, in out_narrow and in the TF32 state kernel's form (run_wgmma).
constexpr double kFastDramTbs = 4.0;
// Where the plan is the default: where the segment model's segments are at least
// kLeadMinSeg tokens (fast: a peak DRAM bandwidth of at least kFastDramTbs) or
// kLeadMinSegSlow (below it), m >= 4, and the m segments' output CTAs leave fewer SMs idle
// than one segment's CTAs (pad_plan's short first segment then has little room). Paired
// A/B at H=32, d=128 (twenty-sixth session, bench/h200-2026-11-27-z):
// - on an H200, the plan / pad_plan: 0.950-0.966 at 1x16384, 1x32768 and 1x65536 (m = 4),
//   0.989 at 1x131072; elsewhere it did not pay: 1.00 where m = 3 (1x12288 to 1x49152,
//   where the output pass leaves 36 SMs to the short first segment), 0.976-1.014 at
//   2x32768 and 1.015 at 1x65536 d=256 (m = 2, 64 CTAs a segment), 1.01-1.08 at 1x4096
//   (1024-token segments);
// - on an H100, the plan (on the 128-column TMA-fed kernels it needs) / the H100's 64-column
//   kernels: 0.955 at 1x65536, 0.982 at 1x32768, 1.005 at 1x16384 (4096-token segments).
constexpr int64_t kLeadMinSeg = 4096, kLeadMinSegSlow = 8192;
// the m segments' output CTAs (lw a segment) fit one wave and leave fewer SMs idle than
// one segment's CTAs
inline bool lead_fits(int sms, int64_t lw, int64_t m) { return lw * m <= sms && sms - lw * m < lw; }
inline bool lead_by_default(const AttnParams& p, int sms, int64_t L, int64_t walks, bool fast) {
  const int64_t m = ceil_div(p.N, L), lw = p.B * walks;
  return L >= (fast ? kLeadMinSeg : kLeadMinSegSlow) && m >= 4 && m + 1 <= kInlineSegs && lead_fits(sms, lw, m);
}
// The 16-bit kernels' rule, only at a peak DRAM bandwidth of at least kFastDramTbs (an H100
// was not measured):
// - m = 2 segments of at least kLeadMinSeg16 tokens. There the default is the 64-column
//   kernels' one walk a sequence (out_narrow), which the plan beats. Paired A/B, the plan
//   against that default, H = 32 unless named (twenty-seventh session,
//   bench/h200-2026-11-27-za): segments of 32768, fp16 / bf16 2x65536 0.889 / 0.884, 1x65536
//   d=256 0.868 / 0.920 (0.859-0.936 by L0 in calls 2 and 3), fp16 1x65536 at 64 heads
//   0.871; segments of 16384, fp16 1x32768 d=256 0.930 / 0.969, 2x32768 0.966 (0.978-1.009
//   at other L0); the 128-column kernels without the plan 1.005-1.053 there.
// - m >= 4, as version 3's rule (lead_by_default), since the thirty-fourth session: with
//   the state kernel at one CTA per SM (V2Family::lead_state_smem) the plan against the two
//   launches is fp16 / bf16 1x65536 0.936-0.943 / 0.945-0.956, fp16 1x16384 0.967, bf16
//   1x32768 0.973, fp16 1x131072 0.959 (H200, bench/h200-2026-11-27-zh calls 7 and 8). With
//   the state kernel unpadded it had gained nothing there (1.000 and 1.002, twenty-seventh
//   session). Forced at fp16 1x65536 with 16 or 40 heads it changed nothing (1.001).
constexpr int64_t kLeadMinSeg16 = 16384;
inline bool lead_by_default16(const AttnParams& p, int sms, int64_t L, int64_t walks, bool fast) {
  const int64_t m = ceil_div(p.N, L), lw = p.B * walks;
  if (!fast || !lead_fits(sms, lw, m)) return false;
  return (m == 2 && L >= kLeadMinSeg16) || (m >= 4 && L >= kLeadMinSeg && m + 1 <= kInlineSegs);
}
inline LeadPlan lead_plan(const AttnParams& p, int sms, int64_t L, int64_t walks, double frac, bool small_ok) {
  int64_t L0 = 0, k = 1;
  if (const char* env = std::getenv("LEET_FUSED_LEAD")) L0 = std::atoll(env);
  const bool L0_forced = L0 >= kC;
  const int64_t m = ceil_div(p.N, L), lw = p.B * walks;
  if (m < 2 || lw * m > sms) return {L, 0, 1, 0};
  if (const char* env = std::getenv("LEET_FUSED_KSUB")) k = std::max<int64_t>(1, std::atoll(env));
  if (lw * (1 + (m - 1) * k) > sms) return {L, 0, 1, 0};
  if (L0 < kC) L0 = (int64_t)(frac / (double)k * (double)p.N / ((double)m + frac / (double)k));
  L0 = L0 / kC * kC;
  if (L0 < kC || L0 >= p.N) return {L, 0, 1, 0};
  const int64_t Lp = ceil_div(ceil_div(p.N - L0, m), k * kC) * k * kC;
  if (L0 >= Lp) return {L, 0, 1, 0};
  const LeadPlan base{Lp, L0, k, 0};
  // the small pieces
  int64_t small = -1;
  if (const char* env = std::getenv("LEET_FUSED_SMALL")) small = std::atoll(env);
  if (!small_ok || k != 1 || small == 0) return base;
  int64_t L0s = L0;
  if (small < 0) {
    const int64_t spare = sms - lw * m;
    if (L < kSmallMinSeg || spare <= 0) return base;
    const int64_t q = ceil_div(lw, spare);
    if (q < 2 || q > kSmallMaxQ) return base;
    const double x = (double)p.N / ((double)m + frac + 1.0 / (double)q);
    // (to the nearest chunk)
    if (!L0_forced) L0s = (int64_t)(frac * x / kC + 0.5) * kC;
    small = (int64_t)(kSmallFrac * x / (double)q / kC + 0.5) * kC;
  }
  small = small / kC * kC;
  if (small < kC || L0s < kC || L0s + small >= p.N) return base;
  const int64_t Ls = ceil_div(ceil_div(p.N - L0s - small, m), kC) * kC;
  // (the first segment, L0 + small tokens, stays the short one, and there are m others)
  if (L0s + small >= Ls || ceil_div(p.N - L0s - small, Ls) != m) return base;
  return {Ls, L0s, 1, small};
}
// A lead plan's segments a sequence, its first one included (0: no plan), and whether
// run_wgmma takes that many (at least the first and two others; the inline prefix sums them)
inline int64_t lead_segments(const AttnParams& p, const LeadPlan& lp) {
  return lp.L0 > 0 ? 1 + ceil_div(p.N - lp.L0 - lp.small, lp.L) : 0;
}
inline bool lead_segments_fit(int64_t nseg) { return nseg >= 3 && nseg <= kInlineSegs; }

#ifdef LEET_FUSED_LEAD_STAMPS
// The lead plan's stamps (developer timing, fused_bench built with LEET_FUSED_LEAD_STAMPS,
// LEET_FUSED_PROF=1), summarised on stderr in microseconds from the first CTA's start: per
// launch, when its CTAs start, begin their walks and end them, and on how many SMs; the
// state launch's small pieces (its last small_states CTAs) and the other segments' launch's
// (after its first `big` CTAs) apart.
inline void lead_stamps(unsigned long long* buf, int64_t g1, int64_t g2, int64_t g3, int64_t big, int64_t small,
                        int64_t small_states) {
  std::vector<unsigned long long> t((size_t)(g1 + g2 + g3) * 4);
  check(cudaDeviceSynchronize(), "stamps");
  check(cudaMemcpy(t.data(), buf, t.size() * 8, cudaMemcpyDeviceToHost), "stamp copy");
  cudaFree(buf);
  unsigned long long t0 = ~0ull;
  for (size_t i = 0; i < t.size(); i += 4)
    if (t[i]) t0 = std::min(t0, t[i]);
  auto span = [&](const char* what, int64_t from, int64_t to) {
    std::vector<double> s0, s1, s2;
    std::vector<int> sms;
    for (int64_t i = from; i < to; ++i) {
      const unsigned long long* x = &t[(size_t)i * 4];
      if (!x[0]) continue;  // (an idle CTA)
      s0.push_back((x[0] - t0) / 1e3);
      s1.push_back((x[1] - t0) / 1e3);
      s2.push_back((x[2] - t0) / 1e3);
      sms.push_back((int)x[3]);
    }
    if (s0.empty()) return;
    std::sort(s0.begin(), s0.end());
    std::sort(s1.begin(), s1.end());
    std::sort(s2.begin(), s2.end());
    std::sort(sms.begin(), sms.end());
    const int nsm = (int)(std::unique(sms.begin(), sms.end()) - sms.begin());
    const size_t n = s0.size();
    fprintf(stderr, "  %-14s %4zu CTAs on %3d SMs: start %7.1f-%7.1f  walk from %7.1f (median %7.1f, last %7.1f)  end %7.1f / %7.1f / %7.1f (first / median / last)\n",
            what, n, nsm, s0[0], s0[n - 1], s1[0], s1[n / 2], s1[n - 1], s2[0], s2[n / 2], s2[n - 1]);
  };
  fprintf(stderr, "lead plan stamps (small %lld):\n", (long long)small);
  span("first segments", 0, g1);
  span("state pass", g1, g1 + g2 - small_states);
  span("small states", g1 + g2 - small_states, g1 + g2);
  span("other segments", g1 + g2, g1 + g2 + big);
  span("small pieces", g1 + g2 + big, g1 + g2 + g3);
}
#endif

// Segment length: a multiple of the chunk, from a small cost model (docs/fused-design.md):
// the output pass costs ~ waves * segment length, the state pass ~state_factor of that,
// plus each staged segment's state traffic and the two extra launches. Ties go to longer
// segments. ndvb: output CTAs per (segment, head) that have value columns to write; the
// state CTAs per (segment, head) are ndvb · nrb / state_div, rounded up. Also the model's
// cost there (microseconds, roughly), which compares one family's kernels with another's.
struct SegPlan {
  int64_t L;
  double cost;
};
// Packed sequences (segment_plan_packed below) are costed from their own lengths.
inline bool env_is(const char* name, char c);
SegPlan segment_plan_packed(const AttnParams& p, int sms, int ndvb, int nrb, const SegModel& m, int64_t skip);
// The lengths costed: each power of two L from kC up to the mean length, and beside it,
// for fixed-length sequences of at least kEvenFrom tokens, two that keep a whole number of
// full segments: ceil(avg / L) segments of equal length, and floor(avg / L) of them, which
// take in the last, partly filled one. From L = kSplitGrain on, both are rounded up to a
// multiple of kSplitGrain, as the powers of two are: the state pass's sub-segments
// (auto_ksub: up to 8 of whole chunks) need it. There, too, the lengths of every count of
// equal segments from 2 to kEvenCounts (count_lengths, below).
// Powers of two alone served lengths off them badly: at 1x65573 (H = 32) 16384-token
// segments came to five, 160 CTAs in two waves, so the model took 2048 (33 segments),
// where 4 x 16896 fit one wave as 1x65536's 4 x 16384 do; at 1x50000 the walks took 16384
// tokens where 12800 do. Paired A/B against the powers of two alone, H100, H = 32,
// r = d = 128 (thirty-fifth session, bench/h200-2026-11-28-zi call 4; 1x16421 to 1x100000,
// 2x40000 and 3x30000): fp16 0.63-0.77 at the six lengths that changed, TF32 0.68-0.84 at
// five, exact 0.85-0.91 at four and 1.077 at 1x24000 (there, by a port of the model, the
// 64-column exact CTAs at two segments replaced the 128-column ones at twelve); 1x65536
// and 8x8192 unchanged (the same segments). Rounded to the chunk only (call 3), 1x65573 in
// 16 bits took 1.19x the powers of two's time: the 64-column kernels' nearly flat model
// found its lowest cost at ~100 short segments (114 of 576 tokens, by a port of the
// model). Below kEvenFrom, not measured: the powers of two only, as the CUDA suites ran
// them. Packed sequences (segment_plan_packed) cost the powers of two up to the longest.
// LEET_FUSED_SEGMODEL=0: the powers of two only at every length (and SegModel::state_us);
// =1: the even lengths too, at SegModel::state_us (the thirty-fifth session's model).
constexpr int64_t kSplitGrain = 8 * kC, kEvenFrom = 16384, kEvenCounts = 16;
// The share of the peak DRAM bandwidth that the segment model's memory bound takes: a copy
// measured 4.23-4.27 TB/s on an H200 (4.8 peak), 3.01 on an H100 (3.35)
constexpr double kMemShare = 0.88;
// Whether a sequence of `avg` tokens is costed at the lengths of equal segments too (and
// at SegModel::long_state_us)
inline bool even_lengths(int64_t avg, bool fixed) {
  return fixed && avg >= kEvenFrom && !env_is("LEET_FUSED_SEGMODEL", '0');
}
// Whether every count of equal segments up to kEvenCounts is costed too (thirty-seventh
// session). The powers of two and the counts next to them skip some: at 1x24000 (H = 32)
// they give 1, 2, 3, 5, 6, 10, 12, ... segments, never the 4 x 6144 that fill one wave of
// 128 CTAs. Paired A/B against the thirty-sixth session's candidates, r = d = 128, H = 8 to
// 40, B = 1 to 8, 16384 to 100000 tokens (bench/h200-2026-11-28-zk; medians, B/A):
// - H200 (calls 1 and 2): TF32 geometric mean 0.93 over 20 shapes (1x81920 0.86, 1x24000
//   0.84; worst 1.030, 1x81920 at H = 40); exact 0.97 (1x24000 0.85; worst 1.016); fp16 0.93
//   but up to 1.27x slower (3x24000, H = 32: four segments of 6144 in three waves, 0.878 ms,
//   against one walk a sequence, 0.691). The model's walks cost latency only, so the 16-bit
//   families take the memory bound (SegModel::mem_bound): fp16 0.92 over 33 shapes (1x81920
//   0.76, 3x24000 0.97; worst 1.145, 4x32768 at H = 40). TF32 measured worse with the
//   bound (0.97, up to 1.28x: its long walks are slower than its chunk_us), so it has none.
// - H100 (call 3, 28 shapes that move there): fp16 0.50-1.01 (geometric mean 0.73), exact
//   0.86-0.99, TF32 0.71-1.02 but 1.31 at 3x81920, H = 8 (its five segments with the lead
//   plan gave way to eight on the 64-column kernels).
// LEET_FUSED_SEGMODEL=2: neither (the thirty-sixth session's model); =3: both, without
// version 3's cost of the lead plan (lead_cost; the thirty-seventh session's model); =4: the
// whole model, with out_narrow's earlier choice of output CTAs (the thirty-eighth session's).
inline bool count_lengths(int64_t avg, bool fixed) {
  return even_lengths(avg, fixed) && !env_is("LEET_FUSED_SEGMODEL", '1') && !env_is("LEET_FUSED_SEGMODEL", '2');
}
inline std::vector<int64_t> segment_candidates(int64_t avg, bool fixed) {
  std::vector<int64_t> c;
  const bool even = even_lengths(avg, fixed);
  for (int64_t L = kC;; L *= 2) {
    c.push_back(L);
    if (even) {
      const int64_t g = L >= kSplitGrain ? kSplitGrain : kC, n = ceil_div(avg, L), f = avg / L;
      c.push_back(ceil_div(ceil_div(avg, n), g) * g);
      if (f >= 1) c.push_back(ceil_div(ceil_div(avg, f), g) * g);
    }
    if (L >= avg) break;
  }
  // Every count of equal segments up to kEvenCounts, not only those next to a power of two
  if (count_lengths(avg, fixed))
    for (int64_t n = 2; n <= kEvenCounts; ++n) c.push_back(ceil_div(ceil_div(avg, n), kSplitGrain) * kSplitGrain);
  std::sort(c.begin(), c.end());
  c.erase(std::unique(c.begin(), c.end()), c.end());
  return c;
}
// The memory terms of the segment model (count_lengths, fixed length; the card's peak
// DRAM bandwidth known): bytes per microsecond at kMemShare of the peak, and what one token
// of a walk moves: an output CTA its share of the head's Q, K, V and O (ndvb CTAs a head), a
// state CTA its share of K and V (state_ctas a head).
struct SegBytes {
  double bw, out, state;
  // the DRAM time (microseconds) of tokens walked by output and by state CTAs
  double us(double out_tokens, double state_tokens) const { return (out_tokens * out + state_tokens * state) / bw; }
};
// SegModel::step_us: that time in the model's units
inline double model_us(const SegModel& m, double us) { return us * m.chunk_us / m.step_us; }
// The steps of a pass of `ctas` CTAs in waves of `sms`, each step of a wave taking the
// longer of `step` and its CTAs' DRAM time (`per_cta` each)
inline double wave_steps(int64_t ctas, int sms, double step, double per_cta) {
  const int64_t full = ctas / sms, rest = ctas % sms;
  return (double)full * std::max(step, sms * per_cta) + (rest ? std::max(step, (double)rest * per_cta) : 0.0);
}
inline SegBytes seg_bytes(const AttnParams& p, const SegModel& m, int ndvb, int64_t state_ctas) {
  const double es = wgmma_elem_bytes(p);
  return {kMemShare * m.mem_tbs * 1e6, es * 2.0 * (double)(p.r + p.d) / ndvb, es * (double)(p.r + p.d) / (double)state_ctas};
}
// The lead plan's cost at segments of L tokens (fixed length, ndvb 128-column blocks), where
// run_wgmma takes it by default (lead_by_default, lead_plan, lead_segments_fit; else
// infinite), by the model with the DRAM time of each launch's loads (SegModel::step_us).
// The sequence's first L0 tokens are walked beside the state pass, and the m other
// segments walk L' < L tokens in one wave: the longer of L' and its DRAM time, and the
// longest of the state walk, L0's and the DRAM time of both.
// The plan is costed without its small pieces, which gained 0.1-0.3% at 1x65536 and lost
// 2-5% at 1x16384 and 1x32768 (lead_plan), and a little above that where it has them, so
// that they do not choose L.
// segment_plan takes the plan where this is less than its choice's cost with the same DRAM
// time (thirty-eighth session). The model without it had no gain from the plan: at
// 3x81920 (H = 8) two waves of 11 segments cost what five segments with the plan do, and
// an H100 then ran eight on the 64-column kernels, 1.31x the plan's time (run zk call 3).
// Paired A/B against that model (LEET_FUSED_SEGMODEL=3), TF32, r = d = 128, 14 shapes
// (bench/h200-2026-11-28-zl; B/A of the medians):
// - H100: 0.667-0.890 at the eight shapes that move to five segments with the plan (B x H =
//   24 from 40000 tokens; 3x81920 H = 8 2.567 -> 1.956 ms), 0.965-0.980 at B x H = 32 with
//   30000 tokens (two 64-column segments -> the plan), 0.997-1.002 at the four that keep
//   their plans. Geometric mean 0.867.
// - H200 (three passes, B/A over A B B A): 0.874-0.962 at the ten that move (B x H = 24),
//   each faster in every pass; the same plan on both sides leaned to B (0.983), and divided
//   by that they come to 0.889-0.978.
inline double lead_cost(const AttnParams& p, int sms, int64_t L, int ndvb, const SegModel& m, double state_us,
                        const SegBytes& bytes) {
  const int64_t walks = p.H * ndvb;
  if (!lead_by_default(p, sms, L, walks, m.mem_tbs >= kFastDramTbs)) return 1e300;
  const LeadPlan run = lead_plan(p, sms, L, walks, m.lead_frac, m.lead_small);
  if (!lead_segments_fit(lead_segments(p, run))) return 1e300;
  const LeadPlan lp = run.small ? lead_plan(p, sms, L, walks, m.lead_frac, false) : run;
  const int64_t nseg = lead_segments(p, lp), lw = p.B * walks;
  const int64_t tilesA = (nseg - 2) * lw * lp.k;  // the state CTAs (not the first segment's, nor the last's)
  const double out = std::max(m.chunk_us * (double)lp.L / kC, model_us(m, bytes.us((double)((nseg - 1) * lw * lp.L), 0)));
  const double first = std::max({m.state_factor * m.chunk_us * (double)(lp.L / lp.k) / kC, m.chunk_us * (double)lp.L0 / kC,
                                 model_us(m, bytes.us((double)(lw * lp.L0), (double)(tilesA * (lp.L / lp.k))))});
  return out + first + (double)tilesA * state_us * 4 / sms + 6.0 + 2 * m.wave_us + (run.small ? 1.0 : 0.0);
}
SegPlan segment_plan(const AttnParams& p, int sms, int ndvb, int nrb, const SegModel& m, int64_t skip = 0) {
  if (p.cu_seqlens && !env_is("LEET_FUSED_PACKED_MODEL", '0')) return segment_plan_packed(p, sms, ndvb, nrb, m, skip);
  const int64_t seqs = num_sequences(p);
  const int64_t avg = std::max<int64_t>(1, p.B * p.N / std::max<int64_t>(1, seqs));
  const double state_us = m.long_state_us > 0 && even_lengths(avg, !p.cu_seqlens) && !env_is("LEET_FUSED_SEGMODEL", '1')
                              ? m.long_state_us
                              : m.state_us;
  const int64_t state_ctas = ceil_div((int64_t)ndvb * nrb, m.state_div);  // per (segment, head)
  const bool counted = count_lengths(avg, !p.cu_seqlens);
  const SegBytes bytes = seg_bytes(p, m, ndvb, state_ctas);
  // the memory bound (SegModel::mem_bound), and the lead plan against the choice
  // (SegModel::lead_frac, step_us; LEET_FUSED_SEGMODEL=3: not, the thirty-seventh session's model)
  const bool bound = m.mem_bound && m.mem_tbs > 0 && counted;
  const bool lead = counted && m.lead_frac > 0 && m.step_us > 0 && m.mem_tbs > 0 && !env_is("LEET_FUSED_SEGMODEL", '3');
  // The cost of segments of L tokens; with_bytes: each wave's step at least the DRAM time
  // of its CTAs' loads (SegModel::step_us)
  auto cost_of = [&](int64_t L, bool with_bytes) {
    const int64_t nseg = ceil_div(avg, L), segs = seqs * nseg;  // approximate for varlen
    const int64_t tilesB = segs * p.H * ndvb;
    const int64_t tilesA = (segs - seqs) * p.H * state_ctas;
    const int64_t k = m.ksub && nseg <= 8 ? auto_ksub(tilesA, L, sms) : 1;
    const double wavesB = (double)ceil_div(tilesB, sms);
    const double wavesA = (double)ceil_div(tilesA * k, sms) / (double)k;
    const double tl = (double)std::min<int64_t>(L, avg);
    // a 64-token step of each pass's CTAs; where a pass takes more than one wave, every SM
    // walks and the step is at least the DRAM time of a wave's loads (bound)
    double stepB = m.chunk_us, stepA = m.state_factor * m.chunk_us;
    if (bound && wavesB > 1) stepB = std::max(stepB, bytes.us((double)sms * kC, 0));
    if (bound && ceil_div(tilesA * k, sms) > 1) stepA = std::max(stepA, bytes.us(0, (double)sms * kC));
    // (with_bytes) each wave's step at least the DRAM time of its CTAs' loads
    const double stepsB = with_bytes ? wave_steps(tilesB, sms, stepB, model_us(m, bytes.us(kC, 0))) : wavesB * stepB;
    const double stepsA = with_bytes ? wave_steps(tilesA * k, sms, stepA, model_us(m, bytes.us(0, kC))) / (double)k : wavesA * stepA;
    const double passB = stepsB * nrb * tl / kC, passA = stepsA * tl / kC;
    return passB + passA + (double)tilesA * k * state_us * 4 / sms + (tilesA ? 6.0 : 0.0) +
           m.wave_us * (wavesB * nrb + (double)ceil_div(tilesA * k, sms));
  };
  double best = 1e300, best_lead = 1e300;
  int64_t bestL = kC, leadL = 0;
  for (const int64_t L : segment_candidates(avg, !p.cu_seqlens)) {
    const double cost = cost_of(L, false);
    if (cost <= best * 1.0001) {
      best = std::min(best, cost);
      bestL = L;
    }
    if (lead) {
      const double c = lead_cost(p, sms, L, ndvb, m, state_us, bytes);
      if (c < best_lead) {
        best_lead = c;
        leadL = L;
      }
    }
  }
  // the lead plan where it is cheaper than the choice, both with the DRAM time (the choice
  // at its own lead plan where it takes one)
  if (leadL && leadL != bestL) {
    const double own = lead_cost(p, sms, bestL, ndvb, m, state_us, bytes);
    if (best_lead < (own < 1e300 ? own : cost_of(bestL, true))) return {leadL, best_lead};
  }
  return {bestL, best};
}
// The model above takes every sequence at the mean length, which packs of uneven lengths
// defeat: with one sequence of 24000 tokens beside two of 3000 it saw one 10000-token
// segment per sequence and no state pass at L = 16384, where the long sequence needs two
// segments and its 16384-token walk bounds the launch (bf16 r = d = 96: fused 2.31 ms
// against blocked's 1.20; docs/fused-design.md, thirtieth session). Here each sequence
// counts its own segments (none for those of at most `skip` tokens, which the
// short-sequence kernel takes).
// The output pass costs its waves of CTAs at the mean segment's length, but at least the
// longest walk, and the state pass its waves of whole segments. Or, for the families whose
// model says so (m.sim: version 4, float32 "exact"), where a pass has at most kSimWaves
// waves of CTAs: the time at which its CTAs end if each goes, in launch order (sequence by
// sequence, segment by segment, head by head), to the first SM free, one CTA per SM
// (packed_makespan). There the last wave's walks and which SMs are free by then decide
// the time. Exact float32, r = d = 128, H = 32, H200 (thirty-first session, run ze): packs
// of 10000, 5000 and 5000 tokens, the waves chose L = 8192 (2.37 ms), dispatching 16384
// (1.43); 8192, 2048, 1024, 1536 and 3000 tokens: 4096 (1.65 ms) and 8192 (1.16).
// LEET_FUSED_PACKED_MODEL=1 keeps the waves for every family; =0 restores the mean-length
// model above.
constexpr int64_t kSimWaves = 8;
// The time (in the durations' unit) at which `sms` SMs, one CTA each, finish CTAs
// dispatched in order to the first SM free: groups of (CTAs, each one's duration). The SMs
// are kept as (free from, how many), so a group takes a few steps, not one per CTA.
inline double packed_makespan(const std::vector<std::pair<int64_t, double>>& groups, int sms) {
  std::map<double, int64_t> free{{0.0, (int64_t)sms}};
  double end = 0;
  for (auto [n, dur] : groups) {
    while (n > 0) {
      const auto it = free.begin();
      const double t = it->first;
      const int64_t m = std::min(n, it->second);
      if (it->second == m) free.erase(it);
      else it->second -= m;
      free[t + dur] += m;
      end = std::max(end, t + dur);
      n -= m;
    }
  }
  return end;
}
SegPlan segment_plan_packed(const AttnParams& p, int sms, int ndvb, int nrb, const SegModel& m, int64_t skip) {
  const int64_t seqs = num_sequences(p);
  int64_t longest = 1, tokens = 0, walked = 0;
  for (int64_t q = 0; q < seqs; ++q) {
    const int64_t len = p.cu_seqlens[q + 1] - p.cu_seqlens[q];
    if (len <= skip) continue;
    longest = std::max(longest, len);
    tokens += len;
    ++walked;
  }
  const int64_t state_ctas = ceil_div((int64_t)ndvb * nrb, m.state_div);  // per (segment, head)
  const bool sim = m.sim && !env_is("LEET_FUSED_PACKED_MODEL", '1');
  std::vector<std::pair<int64_t, double>> out_groups, state_groups;
  double best = 1e300;
  int64_t bestL = kC;
  for (const int64_t L : segment_candidates(longest, false)) {
    int64_t segs = 0, nseg_max = 0;
    for (int64_t q = 0; q < seqs; ++q) {
      const int64_t len = p.cu_seqlens[q + 1] - p.cu_seqlens[q];
      if (len <= skip) continue;
      segs += ceil_div(len, L);
      nseg_max = std::max(nseg_max, ceil_div(len, L));
    }
    const int64_t tilesB = segs * p.H * ndvb;
    const int64_t tilesA = (segs - walked) * p.H * state_ctas;
    double cost;
    if (sim && tilesB <= kSimWaves * sms && tilesA <= kSimWaves * sms) {
      // (the packed kernels walk each state segment whole: no sub-segments)
      out_groups.clear();
      state_groups.clear();
      for (int64_t q = 0; q < seqs; ++q) {
        const int64_t len = p.cu_seqlens[q + 1] - p.cu_seqlens[q];
        if (len <= skip) continue;
        for (int64_t t0 = 0; t0 < len; t0 += L) {
          const double steps = (double)std::min(L, len - t0) / kC;
          out_groups.push_back({p.H * ndvb, (steps * m.chunk_us + m.wave_us) * nrb});
          if (t0 + L < len) state_groups.push_back({p.H * state_ctas, m.state_factor * (double)L / kC * m.chunk_us + m.wave_us});
        }
      }
      cost = packed_makespan(state_groups, sms) + packed_makespan(out_groups, sms) +
             (double)tilesA * m.state_us * 4 / sms + (tilesA ? 6.0 : 0.0);
    } else {
      const int64_t k = m.ksub && nseg_max <= 8 && tilesA ? auto_ksub(tilesA, L, sms) : 1;
      const double wavesB = (double)ceil_div(tilesB, sms);
      const double wavesA = (double)ceil_div(tilesA * k, sms) / (double)k;
      const double walkB = std::max(wavesB * (double)tokens / (double)std::max<int64_t>(1, segs), (double)std::min(L, longest));
      cost = (walkB * nrb + m.state_factor * wavesA * (double)L) / kC * m.chunk_us +
             (double)tilesA * k * m.state_us * 4 / sms + (tilesA ? 6.0 : 0.0) +
             m.wave_us * (wavesB * nrb + (double)ceil_div(tilesA * k, sms));
    }
    if (cost <= best * 1.0001) {
      best = std::min(best, cost);
      bestL = L;
    }
  }
  return {bestL, best};
}
int64_t choose_segment(const AttnParams& p, int sms, int ndvb, int nrb, const SegModel& m = SegModel{}, int64_t skip = 0) {
  if (const char* env = std::getenv("LEET_FUSED_SEGMENT")) {
    const int64_t v = std::atoll(env);
    if (v > 0) return ceil_div(v, kC) * kC;
  }
  return segment_plan(p, sms, ndvb, nrb, m, skip).L;
}

// Segments of length L: in all, and the most in one sequence (packed sequences: each
// sequence's own count, none for those of at most `skip` tokens; fixed length:
// B · ceil(N / L)).
struct SegCount {
  int64_t total, max;
  int64_t multi;  // sequences of more than one segment (each a scan chain per head and block)
};
inline SegCount count_segments(const AttnParams& p, int64_t L, int64_t skip) {
  if (!p.cu_seqlens) {
    const int64_t n = ceil_div(p.N, L);
    return {p.B * n, n, n > 1 ? p.B : 0};
  }
  SegCount c{0, 0, 0};
  for (int64_t q = 0; q < num_sequences(p); ++q) {
    const int64_t len = p.cu_seqlens[q + 1] - p.cu_seqlens[q];
    const int64_t n = len <= skip ? 0 : ceil_div(len, L);
    c.total += n;
    c.max = std::max(c.max, n);
    c.multi += n > 1;
  }
  return c;
}
// The scan over segment states (fused_scan_kernel): a chain per (sequence of more than one
// segment, head, block), each in kTile / 4 / 256 CTAs.
inline void launch_scan(const Args& a, int64_t multi, cudaStream_t st) {
  const int64_t chains = multi * a.H * a.nrb * a.ndvb;
  if (chains == 0) return;
  fused_scan_kernel<<<dim3((unsigned)chains, kTile / 4 / 256), 256, 0, st>>>(a);
  check(cudaGetLastError(), "scan kernel launch");
}
// Packed sequences: the segment table's scratch, seg_base [seqs + 1] then scan_seqs [seqs]
// (256-byte aligned), and its launch (fused_seg_base_kernel) into `table`, which sets
// a.seg_base and, where segments are staged (a scan follows), a.scan_seqs.
inline size_t seg_table_bytes(int64_t seqs) { return ((size_t)(2 * seqs + 1) * 8 + 255) & ~(size_t)255; }
inline void launch_seg_table(Args& a, int64_t* table, int64_t seqs, int64_t L, int64_t skip, bool staged, cudaStream_t st) {
  int64_t* const multi = staged ? table + seqs + 1 : nullptr;
  a.seg_base = table;
  a.scan_seqs = multi;
  fused_seg_base_kernel<<<1, kSegBaseThreads, 0, st>>>(a.cu, seqs, L, skip, table, multi);
  check(cudaGetLastError(), "segment table launch");
}

template <class P>
void run(const AttnParams& p, const LaunchContext& ctx) {
  using T = typename P::T;
  Args a{};
  a.q = p.q; a.k = p.k; a.v = p.v; a.o = p.o;
  a.H = p.H; a.N = p.N; a.r = p.r; a.d = p.d;
  a.rate = ctx.decay_rate;
  a.scale = (float)p.scale;
  a.init = p.initial_state;
  a.fin = p.final_state;
  a.nrb = (int)ceil_div(p.r, kR);
  a.ndvb = (int)ceil_div(p.d, kDV);
  const int sms = sm_count(ctx);
  const int64_t L = choose_segment(p, sms, a.ndvb, a.nrb, SegModel{}, ctx.skip_upto);
  a.Lseg = L;
  const int64_t seqs = num_sequences(p);
  a.num_seqs = seqs;
  const SegCount segs = count_segments(p, L, ctx.skip_upto);
  const int64_t total_segs = segs.total;
  if (total_segs == 0) return;
  if (p.cu_seqlens) a.cu = ctx.cu_seqlens;
  else a.nseg_fixed = segs.max;
  const bool staged = segs.max > 1;
  auto al = [](size_t x) { return (x + 255) & ~(size_t)255; };
  const size_t b_base = p.cu_seqlens ? seg_table_bytes(seqs) : 0;
  const size_t b_states = staged ? al((size_t)total_segs * p.H * a.nrb * a.ndvb * kTile * 4) : 0;
  const size_t b_opart = a.nrb > 1 ? al((size_t)p.B * p.H * p.N * p.d * 4) : 0;
  const size_t total = b_base + b_states + b_opart;
  char* scratch = total ? static_cast<char*>(ctx.scratch(total)) : nullptr;
  if (total && !scratch) throw CudaError("fused: no scratch memory");
  a.states = staged ? reinterpret_cast<float*>(scratch + b_base) : nullptr;
  a.opart = a.nrb > 1 ? reinterpret_cast<float*>(scratch + b_base + b_states) : nullptr;

  a.fast_qk = ((p.r * (int64_t)sizeof(T)) % 16 == 0) && aligned16(p.q) && aligned16(p.k);
  a.fast_v = ((p.d * (int64_t)sizeof(T)) % 16 == 0) && aligned16(p.v);
  a.even_d = (p.d % 2 == 0) && ((reinterpret_cast<uintptr_t>(p.o) & (2 * sizeof(T) - 1)) == 0);

  cudaStream_t st = ctx.stream;
  if (p.cu_seqlens) launch_seg_table(a, reinterpret_cast<int64_t*>(scratch), seqs, L, ctx.skip_upto, staged, st);
  if (staged) {
    static bool attrA = false;
    if (!attrA) {
      check(cudaFuncSetAttribute(fused_state_kernel<P>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                 Layout<P>::state_bytes),
            "state kernel attribute");
      attrA = true;
    }
    const int64_t gA = total_segs * p.H * a.nrb * a.ndvb;
    fused_state_kernel<P><<<(unsigned)gA, kThreads, Layout<P>::state_bytes, st>>>(a);
    check(cudaGetLastError(), "state kernel launch");
    launch_scan(a, segs.multi, st);
  }
  static bool attrB = false;
  if (!attrB) {
    check(cudaFuncSetAttribute(fused_out_kernel<P>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                               Layout<P>::out_bytes),
          "output kernel attribute");
    attrB = true;
  }
  const int64_t gB = total_segs * p.H * a.ndvb;
  fused_out_kernel<P><<<(unsigned)gB, kThreads, Layout<P>::out_bytes, st>>>(a);
  check(cudaGetLastError(), "output kernel launch");
}

// ---- versions 2 and 3 host side (see fused_v2.cuh, fused_v3.cuh) ----------------------------
// Both run where they were built for and measured: an sm_90 device running the sm_90a
// code, r == 128, d a multiple of 128, no varlen, 16-byte aligned tensors. Version 2 takes
// 16-bit inputs, version 3 float32 at Precision::TF32. LEET_FUSED_V1=1 forces version 1
// everywhere; LEET_FUSED_V3=0 keeps float32 on version 1.
// Shared memory per SM on Hopper (228 KB). A CTA that asks for half of it or more runs one
// to an SM (each CTA also takes 1 KB that the runtime reserves).
constexpr int kSmemPerSm = 233472;
template <bool BF16> struct V2Family {
  static constexpr const char* name = "v2";
  static constexpr int threads = kV2Threads;
  // the output kernel's threads and CTAs per 128-column state block
  static constexpr int out_threads = kV2Threads, out_split = 1;
  // per-chunk cost ~1.5 us; the state pass runs 2 CTAs/SM at about a third of that.
  // Staging a state (64 KiB written, summed or scanned, read back: ~256 KiB of DRAM
  // traffic) takes ~0.06 us of an H200's bandwidth, state_us 2 in the model's units
  // (x 4 / SMs). At state_us 0.1 the model was nearly flat between one wave of long
  // segments and many waves of short ones with the scan, and took the short ones: by the
  // model run on the CPU, 33 segments of 2048 tokens at 1x65573 (H = 32) over 4 of 16896,
  // and 33 of 512 at 1x16421, so that an H200 (out_narrow) ran them on these kernels
  // without the lead plan; forced there on an H100 (the same segments), fp16 1x16421 took
  // 0.391 ms against 0.260 with the 64-column kernels' two segments (thirty-fifth session,
  // bench/h200-2026-11-28-zi call 4). state_us 2 applies only where the even lengths are
  // costed (long_state_us): shorter sequences keep the costs that the CUDA suites and the
  // bench-auto grids ran. Paired A/B against state_us 0.1 there (LEET_FUSED_SEGMODEL=1),
  // H100, 17 shapes each in fp16 and bf16 (thirty-sixth session, bench/h200-2026-11-28-zj
  // calls 1 and 7): 3x16421 0.783 / 0.786 and 3x24000 0.805 / 0.803 (one 16421- or
  // 24000-token walk a sequence on these kernels, over two segments on the 64-column
  // ones); the other shapes took the same segments on an H100 (bitwise equal outputs). On an
  // H200 (thirty-seventh session, run zk call 1, fp16, the same 17 shapes): 15 faster, 0.52
  // to 0.97, the lead plan at 1x16421 to 1x100000 (1x65573 0.915 -> 0.715 ms, as 1x65536's
  // 0.716) and at two segments from 2x40000; the issue's rows 0.997 and 0.999.
  static SegModel seg_model() { return {1.5, 0.2, 0.1, 1, false, 0, 0.0, false, 2.0, 0.0, true}; }
  template <bool STATE> static auto kernel() { return fused_v2_kernel<BF16, STATE>; }
  template <bool STATE> static constexpr int smem() { return V2Layout<STATE>::bytes; }
  // TMA-fed (T: fused_v2_kernel's TMA; the state kernel's loads only)
  template <bool STATE, int T> static auto tma_kernel() { return fused_v2_kernel<BF16, STATE, 2, STATE ? 1 : T>; }
  // the deep TMA state kernel (kV2DeepStages, one CTA per SM; run_wgmma says where)
  static auto tma_deep_state_kernel() { return fused_v2_kernel<BF16, true, 2, 1, kV2DeepStages>; }
  static constexpr int deep_state_smem = V2Layout<true, 2, kV2DeepStages>::bytes;
  static constexpr bool has_single = true;
  static auto single_kernel() { return fused_v2_single_kernel<BF16>; }
  // one warpgroup (64 value columns) per CTA, one segment per sequence
  static constexpr bool has_narrow = true;
  static auto narrow_kernel() { return fused_v2_kernel<BF16, false, 1>; }
  template <int T> static auto narrow_tma_kernel() { return fused_v2_kernel<BF16, false, 1, T>; }
  static constexpr int narrow_smem = V2Layout<false, 1>::bytes, narrow_dv = 64, narrow_threads = 128;
  static constexpr bool has_narrow32 = false;
  // the lead plan's kernels (kLead): the first segments' output launch (LEAD = 2), the other
  // segments' (1), both storing O by TMA, and the state kernel that skips the first segments;
  // L0 / L' (lead_plan) and where the plan is the default (lead_wanted).
  // The state kernel asks for shared memory past half an SM's, so one CTA per SM: two of
  // its CTAs fit an SM, and beside the first segments' launch the block scheduler put 96 of
  // them on 86-88 SMs; the doubled ones ended ~40 us after the rest, and the plan gained
  // nothing at fp16 1x65536. Padded, the plan there is 0.936 of the two launches' time
  // (H200, thirty-fourth session; the deep six-stage kernel instead took bandwidth from the
  // first segments: 1.040 of the unpadded plan). LEET_FUSED_LEAD_STATE=0: unpadded.
  static int lead_state_smem() {
    const char* e = std::getenv("LEET_FUSED_LEAD_STATE");
    constexpr int own = V2Layout<true>::bytes, padded = std::max(own, kSmemPerSm / 2);
    return e && e[0] == '0' ? own : padded;
  }
  template <int LEAD> static auto lead_out_kernel() { return fused_v2_kernel<BF16, false, 2, 2, kV2Stages, LEAD>; }
  static auto lead_state_kernel() { return fused_v2_kernel<BF16, true, 2, 1, kV2Stages, 1>; }
  static constexpr int lead_out_smem = V2Layout<false>::bytes;
  static constexpr double lead_frac = kLeadFrac16;
  static constexpr bool lead_small = false;  // (lead_plan's small pieces: version 3's kernels only)
  static bool lead_default(const AttnParams& p, int sms, int64_t L, int64_t walks, bool fast) {
    return lead_by_default16(p, sms, L, walks, fast);
  }
};
// Version 2 with output CTAs of one warpgroup and 64 value columns, two per 128-column
// state block (the state pass is V2Family's): as V3NFamily below, for 16-bit inputs.
template <bool BF16> struct V2NFamily {
  static constexpr const char* name = "v2 (64-column output CTAs)";
  static constexpr int threads = kV2Threads;
  static constexpr int out_threads = 128, out_split = 2;
  static SegModel seg_model() { return {1.0, 0.3, 0.1, 2, true, 0, 0.0, false, 0.0, 0.0, true}; }
  template <bool STATE> static auto kernel() {
    if constexpr (STATE) return fused_v2_kernel<BF16, true>;
    else return fused_v2_kernel<BF16, false, 1>;
  }
  template <bool STATE> static constexpr int smem() { return V2Layout<STATE, STATE ? 2 : 1>::bytes; }
  template <bool STATE, int T> static auto tma_kernel() { return fused_v2_kernel<BF16, STATE, STATE ? 2 : 1, STATE ? 1 : T>; }
  static auto tma_deep_state_kernel() { return V2Family<BF16>::tma_deep_state_kernel(); }
  static constexpr int deep_state_smem = V2Family<BF16>::deep_state_smem;
  static constexpr bool has_single = false;
  static constexpr bool has_narrow = false, has_narrow32 = false;  // (the output kernel is narrow)
};
// Version 3's measured 64-token step, microseconds (SegModel::step_us): its walk is bound by
// each warpgroup's chain of products, 4.36-4.41 us a chunk with 128 CTAs walking on an H200
// (twenty-ninth session's timeline, bench/h200-2026-11-27-zc call 7), where the model takes 3.0.
constexpr double kV3StepUs = 4.4;
struct V3Family {
  static constexpr const char* name = "v3";
  static constexpr int threads = kV3Threads;
  static constexpr int out_threads = kV3Threads, out_split = 1;
  // twice v2's bytes per chunk; the state pass runs 1 CTA/SM. Its walks split in four where
  // segments are 16384 tokens (fp32 tf32 1x65536: 2.330 against 2.384-2.393 ms, three
  // alternating repeats, H100), not at 4096 (1x16384: 0.651 against 0.621). 5 us per wave
  // of CTAs: without it the model took many short segments where few long ones are faster
  // (paired A/B, H200, twenty-third session, bench/h200-2026-11-27-w: 2x65536 512-token
  // segments 4.95 ms against 3.39 with 32768; 1x1024 at 40 heads 0.134 against 0.063;
  // 0.47-0.97 at eleven shapes, the issue's and bench-auto's shapes unchanged). Where every
  // count of segments is costed, the lead plan is too, against the model's choice, both
  // with each wave's DRAM time (lead_cost, SegModel::step_us; family_model).
  static SegModel seg_model() {
    SegModel m{3.0, 0.3, 0.1, 1, false, 16384, 5.0};
    m.lead_frac = kLeadFrac;
    m.lead_small = true;
    m.step_us = kV3StepUs;
    return m;
  }
  template <bool STATE> static auto kernel() { return fused_v3_kernel<STATE>; }
  template <bool STATE> static constexpr int smem() { return V3Layout<STATE>::bytes; }
  // the three-stage state kernel (kV3DeepStages; run_wgmma says where)
  static auto deep_state_kernel() { return fused_v3_kernel<true, 2, 64, false, kV3DeepStages>; }
  static constexpr int deep_state_smem = V3Layout<true, 2, 64, false, kV3DeepStages>::bytes;
  // its form fed by TMA (ArgsTma)
  static auto tma_deep_state_kernel() { return fused_v3_kernel<true, 2, 64, false, kV3DeepStages, 1>; }
  static constexpr int tma_deep_state_smem = V3Layout<true, 2, 64, false, kV3DeepStages, true>::bytes;
  static constexpr bool has_single = false;
  static constexpr bool has_narrow = true;
  static auto narrow_kernel() { return fused_v3_kernel<false, 1>; }
  static constexpr int narrow_smem = V3Layout<false, 1>::bytes, narrow_dv = 64, narrow_threads = 128;
  // 32 value columns per CTA (m64n32 wgmma): four CTAs per (sequence, head, 128 columns)
  static constexpr bool has_narrow32 = true;
  static auto narrow32_kernel() { return fused_v3_kernel<false, 1, 32>; }
  static constexpr int narrow32_smem = V3Layout<false, 1, 32>::bytes;
  // the decoupled output kernel (kDecOut): O stored by TMA, or from registers
  static auto dec_kernel(bool tma_store) {
    if (early()) return tma_store ? fused_v3_kernel<false, 2, 64, false, 2, 2, 0, true> : fused_v3_kernel<false, 2, 64, false, 2, 1, 0, true>;
    return tma_store ? fused_v3_kernel<false, 2, 64, false, 2, 2> : fused_v3_kernel<false, 2, 64, false, 2, 1>;
  }
  // EARLY (fused_v3_kernel): the state's first r-half updated under Q S's second half, the
  // default (paired A/B 0.993-0.998 on H200s, within 0.2% either way on an H100; the
  // twenty-seventh and twenty-eighth sessions); LEET_FUSED_EARLY=0 gives the earlier order
  static bool early() {
    const char* e = std::getenv("LEET_FUSED_EARLY");
    return !(e && e[0] == '0');
  }
  static constexpr int dec_smem = V3Layout<false, 2, 64, false, 2, true>::bytes;
  // the lead plan's kernels (kLead): the first segments' output launch (LEAD = 2), the
  // other segments' (1), and the three-stage TMA state kernel that skips the first segments
  template <int LEAD> static auto lead_out_kernel() {
    return early() ? fused_v3_kernel<false, 2, 64, false, 2, 2, LEAD, true> : fused_v3_kernel<false, 2, 64, false, 2, 2, LEAD>;
  }
  static auto lead_state_kernel() { return fused_v3_kernel<true, 2, 64, false, kV3DeepStages, 1, 1>; }
  static int lead_state_smem() { return tma_deep_state_smem; }
  static constexpr int lead_out_smem = dec_smem;
  static constexpr double lead_frac = kLeadFrac;
  static constexpr bool lead_small = true;
  static bool lead_default(const AttnParams& p, int sms, int64_t L, int64_t walks, bool fast) {
    return lead_by_default(p, sms, L, walks, fast);
  }
};
// Version 3 with output CTAs of one warpgroup and 64 value columns, two per 128-column
// state block (the state pass is V3Family's). They fill the GPU with half as many segments
// per sequence as the 128-column CTAs; the two CTAs of a head read the same Q and K chunk
// at about the same time, the second from L2. out_narrow says where.
struct V3NFamily {
  static constexpr const char* name = "v3 (64-column output CTAs)";
  static constexpr int threads = kV3Threads;
  static constexpr int out_threads = 128, out_split = 2;
  // per 64-token step of a 64-column output CTA; the state CTA's step costs about 0.45 of
  // it, one state CTA per two output CTAs; the state walk split where that fills the GPU
  static SegModel seg_model() { return {2.0, 0.45, 0.1, 2, true}; }
  template <bool STATE> static auto kernel() {
    if constexpr (STATE) return fused_v3_kernel<true>;
    else return fused_v3_kernel<false, 1, 64>;
  }
  template <bool STATE> static constexpr int smem() {
    if constexpr (STATE) return V3Layout<true>::bytes;
    else return V3Layout<false, 1, 64>::bytes;
  }
  static auto deep_state_kernel() { return V3Family::deep_state_kernel(); }
  static constexpr int deep_state_smem = V3Family::deep_state_smem;
  static auto tma_deep_state_kernel() { return V3Family::tma_deep_state_kernel(); }
  static constexpr int tma_deep_state_smem = V3Family::tma_deep_state_smem;
  static constexpr bool has_single = false;
  static constexpr bool has_narrow = false, has_narrow32 = false;  // (the output kernel is narrow)
};

// Float32 at "exact" precision: every product in 3xTF32. Shared memory then holds the low
// parts of the B operands too, which fits the state kernel (two warpgroups, K and V^T) and
// a one-warpgroup output kernel of 32 value columns, four CTAs per 128-column block, that
// also reads staged states.
struct V3XFamily {
  static constexpr const char* name = "v3x";
  static constexpr int threads = kV3Threads;
  static constexpr int out_threads = 128, out_split = 4;
  // per 32-column chunk step (segment cost model, with out_split CTAs per block)
  static SegModel seg_model() { return {4.5, 0.5}; }
  template <bool STATE> static auto kernel() {
    if constexpr (STATE) return fused_v3_kernel<true, 2, 64, true>;
    else return fused_v3_kernel<false, 1, 32, true>;
  }
  template <bool STATE> static constexpr int smem() {
    if constexpr (STATE) return V3Layout<true, 2, 64, true>::bytes;
    else return V3Layout<false, 1, 32, true>::bytes;
  }
  static constexpr bool has_single = false;
  static constexpr bool has_narrow = false, has_narrow32 = false;  // (the output kernel is narrow)
};

// Float32 at "exact" precision on the float64 tensor cores (fused_v4.cuh): every product
// and sum in float64, so the error is the float32 rounding of the result. Output CTAs of 64
// value columns (two per 128-column state block), state CTAs of 128 columns; each with 8
// mma warps and a producer warpgroup. GEN: the kernels for every other shape (any r block
// and d, any alignment, packed sequences; fused_v4_kernel's GEN); R = 64: for r blocks of
// at most 64 (half the tiles and products of R = 128).
template <bool GEN, int R = 128>
struct V4FamilyT {
  static constexpr const char* name = GEN ? (R == 64 ? "v4 (any shape, r <= 64)" : "v4 (any shape)") : "v4";
  static constexpr int threads = kV4CtaThreads;
  static constexpr int out_threads = kV4CtaThreads, out_split = 2;
  // Per 64-token step of a 64-column output CTA (two 32-token chunks: H100, ncu) 10.6 us; a
  // 128-column state CTA's step costs 0.64 of it, and there is one per two output CTAs.
  // Staging a state costs ~4 us (1x65536 in segments of 256 measured 0.7 ms slower than
  // in segments of 8192, H100). The state walk is split into sub-segments where that
  // fills the GPU (1x65536: two segments, four state CTAs per head, 6.03 against 6.87 ms).
  // The producer-warpgroup kernels (sixth session) take 8.7 us per 64-token step; the
  // choices this model makes were measured again with them and are still the fastest
  // (1x65536: 5.15 ms against 5.17 with eight sub-segments and 5.53 with four segments).
  // Packed sequences (GEN) are costed by dispatching the CTAs (sim: segment_plan_packed).
  static SegModel seg_model() { return {10.6, 0.64, 4.0, 2, true, 0, 0.0, true}; }
  template <bool STATE> static auto kernel() { return fused_v4_kernel<STATE, 64, GEN, R>; }
  template <bool STATE> static constexpr int smem() { return V4Layout<STATE, 64, R>::bytes; }
  static constexpr bool has_single = false;
  // lightning's one walk per sequence: 32-column output CTAs (four per 128 columns)
  static constexpr bool has_narrow = true, has_narrow32 = false;
  static auto narrow_kernel() { return fused_v4_kernel<false, 32, GEN, R>; }
  static constexpr int narrow_smem = V4Layout<false, 32, R>::bytes, narrow_dv = 32, narrow_threads = kV4CtaThreads;
};
using V4Family = V4FamilyT<false>;
// Version 4 with output CTAs of 128 value columns (one per state block; V4Family's state
// pass). Each mma warp owns 16 value rows and all of r, as in the state kernel: P is
// computed once per head and chunk instead of once per 64 columns, and the r halves need
// no exchange. Per 32-token chunk and 128 columns: 304 DMMA per two schedulers against
// 2 x 164 for two 64-column CTAs. But a sequence needs twice the segments to fill the GPU,
// so the state pass re-walks more of it. v4_wide says where.
struct V4WFamily {
  static constexpr const char* name = "v4 (128-column output CTAs)";
  static constexpr int threads = kV4CtaThreads;
  static constexpr int out_threads = kV4CtaThreads, out_split = 1;
  // In V4Family's units: a 64-token step of a 128-column output CTA measured 1.62 times a
  // 64-column one's (13.9 against 8.6 us: 8x8192, thirteenth session, H100), and 0.915 of
  // that since its producer makes P (fourteenth session); the state CTA's step (0.64 x 10.6
  // there) is 0.435 of it, one per output CTA
  static SegModel seg_model() { return {15.6, 0.435, 4.0, 1, true}; }
  template <bool STATE> static auto kernel() { return fused_v4_kernel<STATE, STATE ? 64 : 128>; }
  template <bool STATE> static constexpr int smem() { return V4Layout<STATE, STATE ? 64 : 128>::bytes; }
  static constexpr bool has_single = false;
  static constexpr bool has_narrow = false, has_narrow32 = false;
};
// The families whose output pass may take a short first segment (pad_plan): output CTAs
// that take a whole SM (128 value columns), so that the short CTAs run on the SMs the long
// ones leave idle rather than beside them, and walks bound by SM time rather than DRAM.
// Version 2 (16-bit) is not one: its output pass is near the DRAM bandwidth, and with the
// plan fp16 1x65536 measured no faster on an H200 while its walk lost 0.3-1.5% to the
// extra code (twentieth session, bench/h200-2026-11-27-t).
template <class F>
constexpr bool kShortFirst = false;
template <>
constexpr bool kShortFirst<V4WFamily> = true;
template <>
constexpr bool kShortFirst<V3Family> = true;

// Families whose kernels have TMA-fed forms (tma_kernel, and narrow_tma_kernel where they
// have a narrow kernel; tma_level says which).
template <class F>
constexpr bool kTma = false;
template <bool BF16>
constexpr bool kTma<V2Family<BF16>> = true;
template <bool BF16>
constexpr bool kTma<V2NFamily<BF16>> = true;

// Families whose state kernel has a deeper form (deep_state_kernel, deep_state_smem; fed
// by TMA: tma_deep_state_kernel, tma_deep_state_smem): version 3 (TF32).
template <class F>
constexpr bool kDeepState = false;
template <>
constexpr bool kDeepState<V3Family> = true;
template <>
constexpr bool kDeepState<V3NFamily> = true;

// Families whose output kernel has a decoupled form (dec_kernel, dec_smem): version 3's
// 128-column one.
template <class F>
constexpr bool kDecOut = false;
template <>
constexpr bool kDecOut<V3Family> = true;

// Families with the lead plan (lead_plan; lead_out_kernel, lead_state_kernel, lead_frac,
// lead_default): version 3's 128-column kernels and version 2's (16 bits).
template <class F>
constexpr bool kLead = false;
template <>
constexpr bool kLead<V3Family> = true;
template <bool BF16>
constexpr bool kLead<V2Family<BF16>> = true;

// ---- TMA-fed kernels (version 2) ----
// The driver's tensor-map encoder, through the runtime (no link to the driver library);
// null where the driver has none.
inline PFN_cuTensorMapEncodeTiled_v12000 tensor_map_encoder() {
  static const PFN_cuTensorMapEncodeTiled_v12000 fn = [] {
    void* f = nullptr;
    cudaDriverEntryPointQueryResult q{};
    if (cudaGetDriverEntryPointByVersion("cuTensorMapEncodeTiled", &f, 12000, cudaEnableDefault, &q) != cudaSuccess ||
        q != cudaDriverEntryPointSuccess) {
      (void)cudaGetLastError();
      f = nullptr;
    }
    return reinterpret_cast<PFN_cuTensorMapEncodeTiled_v12000>(f);
  }();
  return fn;
}
// A [sequences x H][N][cols] tensor of 16-bit (es = 2) or 32-bit (es = 4) elements in boxes
// of 64 rows x 128 bytes, 128-byte swizzled: the layout of v2_load_tile's and v3_load_qk's
// sub-tiles. Rows past N read as zeros. False where it cannot be encoded.
// Why the last encoding failed (the lead plan's error names it)
inline std::string& map_failure() {
  static std::string why;
  return why;
}
inline bool map_tiles(CUtensorMap* m, const void* base, int64_t bh, int64_t N, int64_t cols, int es) {
  const auto enc = tensor_map_encoder();
  if (!enc) {
    map_failure() = "no cuTensorMapEncodeTiled";
    return false;
  }
  const cuuint64_t dims[3] = {(cuuint64_t)cols, (cuuint64_t)N, (cuuint64_t)bh};
  const cuuint64_t strides[2] = {(cuuint64_t)(cols * es), (cuuint64_t)(N * cols * es)};
  const cuuint32_t box[3] = {(cuuint32_t)(128 / es), 64, 1}, step[3] = {1, 1, 1};
  const CUresult r = enc(m, es == 2 ? CU_TENSOR_MAP_DATA_TYPE_UINT16 : CU_TENSOR_MAP_DATA_TYPE_FLOAT32, 3, const_cast<void*>(base),
                         dims, strides, box, step, CU_TENSOR_MAP_INTERLEAVE_NONE, CU_TENSOR_MAP_SWIZZLE_128B,
                         CU_TENSOR_MAP_L2_PROMOTION_L2_256B, CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
  if (r != CUDA_SUCCESS) {
    map_failure() = "cuTensorMapEncodeTiled error " + std::to_string((int)r) + ", tensor at " +
                    std::to_string(reinterpret_cast<uintptr_t>(base) % 256) + " mod 256, map at " +
                    std::to_string(reinterpret_cast<uintptr_t>(m) % 128) + " mod 128";
  }
  return r == CUDA_SUCCESS;
}
// The tensor maps of a fixed-length call's Q, K, V and O (r = 128; 16-bit or float32
// elements). False where the driver cannot encode them.
inline bool tma_maps(const AttnParams& p, ArgsTma& at) {
  const int64_t bh = p.B * p.H;
  const int es = wgmma_elem_bytes(p);
  return map_tiles(&at.map_q, p.q, bh, p.N, 128, es) && map_tiles(&at.map_k, p.k, bh, p.N, 128, es) &&
         map_tiles(&at.map_v, p.v, bh, p.N, p.d, es) && map_tiles(&at.map_o, p.o, bh, p.N, p.d, es);
}
// Where a family has TMA-fed kernels (kTma): 2, loads and output stores by TMA (the
// default); LEET_FUSED_TMA=1: loads only; 0: none (cp.async and plain stores). Version 3
// (TF32): 1 and 2 feed its deep state kernel by TMA, and 2 has its decoupled output kernel
// (LEET_FUSED_V3DEC, whose loads are always by TMA) store O by TMA.
inline int tma_level() {
  const char* env = std::getenv("LEET_FUSED_TMA");
  if (env && (env[0] == '0' || env[0] == '1')) return env[0] - '0';
  return 2;
}
// Raises a kernel's dynamic shared-memory limit the first time it is launched, and again
// where a launch asks for more than before (the 16-bit lead plan's padded state kernel).
template <class K> void smem_limit_once(K kernel, int bytes) {
  static std::vector<std::pair<const void*, int>> done;
  const void* key = reinterpret_cast<const void*>(kernel);
  auto it = std::find_if(done.begin(), done.end(), [&](const auto& e) { return e.first == key; });
  if (it != done.end() && it->second >= bytes) return;
  check(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes), "kernel shared-memory attribute");
  if (it != done.end()) it->second = bytes;
  else done.emplace_back(key, bytes);
}

inline bool env_set(const char* name) {
  const char* env = std::getenv(name);
  return env && env[0] && env[0] != '0';
}
// True when the variable is set and starts with c (e.g. '0': explicitly off).
inline bool env_is(const char* name, char c) {
  const char* env = std::getenv(name);
  return env && env[0] == c;
}
// A launcher's choice: `rule`, unless the variable is set (non-empty), which forces it off
// ('0') or on (anything else). LEET_FUSED_STATE_DEEP, LEET_FUSED_V3DEC, LEET_FUSED_PDL.
inline bool env_forced_or(const char* name, bool rule) {
  const char* env = std::getenv(name);
  return env && env[0] ? env[0] != '0' : rule;
}

// True when the current device is Hopper and runs Family's sm_90a code: a build without
// it (or PTX JIT-compiled for another target) holds only the trap stub, a few registers.
template <class Family> bool hopper_code_loaded() {
  static int cached_dev = -1;
  static bool cached_ok = false;
  int dev = 0;
  if (cudaGetDevice(&dev) != cudaSuccess) return false;
  if (dev != cached_dev) {
    int major = 0;
    if (cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, dev) != cudaSuccess) return false;
    cudaFuncAttributes fa{};
    const bool real = cudaFuncGetAttributes(&fa, Family::template kernel<false>()) == cudaSuccess && fa.numRegs > 32;
    cudaGetLastError();
    cached_dev = dev;
    cached_ok = major == 9 && real;
  }
  return cached_ok;
}

inline bool wgmma_shape_ok(const AttnParams& p) {
  if (p.r != 128 || p.d % 128 != 0 || p.cu_seqlens) return false;
  return aligned16(p.q) && aligned16(p.k) && aligned16(p.v) && aligned16(p.o) && !env_set("LEET_FUSED_V1");
}

inline bool v2_eligible(const AttnParams& p) {
  return (p.dtype == DType::F16 || p.dtype == DType::BF16) && wgmma_shape_ok(p) &&
         hopper_code_loaded<V2Family<false>>();
}

// Output CTAs of 64 columns (Narrow: V2NFamily, V3NFamily) instead of 128 (Wide:
// V2Family, V3Family) where the wide kernels would split a sequence into segments: the
// narrow ones then need half as many segments (or none) for the same number of CTAs, so
// the state pass re-reads less of K and V, but each walks more slowly per column.
// - On GPUs of less peak DRAM bandwidth than kFastDramTbs, always: the traffic
//   saved pays. At 1x65536, fp16: 0.99 against 1.05 ms on an H100 (3.35 TB/s); fp32 TF32:
//   2.06 against 2.13 (runs zzf, zzh, zzi). Also where the narrow kernels' one walk takes
//   several waves: TF32, wide segments / narrow walk 1.015-1.175 at four shapes of three or
//   five waves (thirty-ninth session, run zm call 4), where an H200 gained (below).
// - Above it (an H200, 4.8 TB/s), in 16 bits only where the narrow ones need no segments
//   at all (with the TMA-fed kernels, twenty-first session, bench/h200-2026-11-27-u:
//   2x32768 fp16 0.669 against 0.732 ms; at 1x65536, where both need some, 0.81 against
//   0.75-0.78; 4x16384, where the wide ones need none, 0.67 against 0.55; the H100's
//   rule was measured before TMA). In float32 TF32 the same, but only where the wide
//   kernels' segments are shorter than their SegModel::split_from, the length from which
//   their state walk is split: paired A/B at B x H x d/128 = 64, 64 against 128 columns
//   (twenty-third session, bench/h200-2026-11-27-w): 0.84-0.89 up to N = 16384 (wide
//   segments of at most 8192, one unsplit state walk each), 1.05 at N = 32768 (wide
//   segments of 16384, split in four; the twentieth session's 2x32768: 1.64 against
//   1.70 ms). Where both need segments the wide kernel, with its short first segment, was
//   as fast or faster at every shape (1x65536: 1.83 against 2.02, 1x16384: 0.513 against
//   0.525, 1x4096: 0.147 against 0.146; twentieth session, bench/h200-2026-11-27-t).
// Where the lead plan is wanted (lead_wanted), the 128-column kernels: the plan's kernels are
// (on an H100 0.955 at 1x65536 against the 64-column ones, lead_by_default).
// Above kFastDramTbs the narrow kernels' one walk a sequence is taken only where its CTAs
// (one an SM) fit one wave; in 16 bits also where they take several waves, unless the last
// is less than half full and the wide kernels' segments are at least kNarrowWideFrom tokens.
// Paired A/B against the one walk in any number of waves (LEET_FUSED_SEGMODEL=4), H200,
// thirty-ninth session, bench/h200-2026-11-28-zm call 1, wide / narrow:
// - TF32, 10 shapes, last waves 0.36 to 0.91 full: 0.753-0.887, segments of 2048 to 12288
//   (4x12000 H = 40 1.983 -> 1.493 ms; 6x16384 H = 48 4.233 -> 3.571). The TF32 walk is
//   bound by its chain of products, so the narrow walk's later waves add their whole time.
// - fp16, last wave under half full, segments of 3072 to 12800: 0.765-0.938 at 10 shapes
//   (4x32768 H = 40 2.068 -> 1.843 ms, run zk's 1.145 loss; 2x24000 H = 40 d = 256 0.765);
//   segments of 2048: 1.082 (3x16384 H = 48).
// - fp16, last wave 0.85 or 0.91 full: 1.021-1.283 at d = 128 (4x12000 H = 48 0.741 ->
//   0.951 ms, six segments of 2048), 0.922 and 0.940 at two d = 256 shapes.
// LEET_FUSED_SEGMODEL=4 gives the earlier choice (the one walk in any number of waves).
// LEET_FUSED_OUT=64 or 128 forces one. (kFastDramTbs: above, by lead_by_default.)
// Whether run_wgmma<Family> takes the lead plan (lead_plan; by the family's lead_default or
// forced by LEET_FUSED_LEAD), before its checks of the plan's geometry. It needs the
// TMA-fed kernels, which LEET_FUSED_TMA turns off; in version 3 (kDecOut) those are the
// decoupled output kernel and the three-stage state kernel, which LEET_FUSED_V3DEC and
// LEET_FUSED_STATE_DEEP turn off too. L: the segment model's length.
template <class Family> bool lead_forms(const AttnParams& p) {
  const bool forms = !kDecOut<Family> || (!env_is("LEET_FUSED_V3DEC", '0') && !env_is("LEET_FUSED_STATE_DEEP", '0'));
  return kLead<Family> && !p.cu_seqlens && tma_level() == 2 && forms;
}
template <class Family> bool lead_wanted(const AttnParams& p, int sms, int64_t L, double mem_tbs) {
  if constexpr (!kLead<Family>) {
    return false;
  } else {
    const int64_t walks = p.H * ceil_div(p.d, kDV);
    return lead_forms<Family>(p) &&
           env_forced_or("LEET_FUSED_LEAD", Family::lead_default(p, sms, L, walks, mem_tbs >= kFastDramTbs));
  }
}
// Family's segment model at the card's peak DRAM bandwidth (SegModel::mem_tbs), costing the lead
// plan (SegModel::lead_frac) only where run_wgmma can take it: its forms at hand
// (lead_forms), and the plan not turned off (LEET_FUSED_LEAD=0)
template <class Family> SegModel family_model(const AttnParams& p, double mem_tbs) {
  SegModel m = Family::seg_model();
  m.mem_tbs = mem_tbs;
  if (!lead_forms<Family>(p) || env_is("LEET_FUSED_LEAD", '0')) m.lead_frac = 0;
  return m;
}
// One 128-column walk a sequence in 16 bits, on a card of at least kFastDramTbs, where the
// walks (sequence, head, 128 columns) take more than half the SMs and their thirds fit in two
// waves (3 walks <= 2 sms: 67 to 88 on 132 SMs), and the thirds are at least kThirdsFrom
// tokens: three segments instead (one_walk_thirds). Such a wave of walks draws too little of
// the card's bandwidth: 80 long fp16 walks step at about 1.84 us (2.85 TB/s), and two waves of
// thirds at the DRAM's pace, after a state pass, take less. The segment model costs a walk's
// step at its latency (1.5 us) and missed it.
// Paired A/B against the one walk, H200 (fused_bench pair with LEET_FUSED_SEGMENT = the
// thirds; scripts/fused-segment-ab.js --grid thirds --against 5):
// - fortieth session (bench/h200-2026-11-28-zn), 72 to 84 walks, N of 49152 to 131072, d = 128
//   and 256: fp16 0.953, the geometric mean of 22 measurements (0.895-1.012; 8x65536 H = 10
//   2.036 -> 1.821 ms, 2x131072 H = 40 4.17 -> 3.88); bf16 0.976 over 17 (0.902-1.023);
// - forty-first session (bench/h200-2026-11-28-zo), 85 to 88 walks, where the thirds fill two
//   whole waves: d = 256 0.869-0.969 (twelve measurements); d = 128 0.922-0.956 at 4x65536
//   H = 22, 1x131072 H = 88 and 1x65536 H = 86, 0.970-1.025 through the library at 4x81920
//   H = 22 and 1x50000 H = 88, 0.990 and 1.024 at 2x131072 H = 44; 2x65536 H = 44 even over
//   eight, zn's too (0.932-1.051);
//   68 to 76 walks at N = 65536: 0.900-0.984;
// - the thirds lose at N = 32768 (2x32768 H = 40: 1.030), in three waves (90 walks, 3x65536
//   H = 30: 1.337, 1.364; 96: 1.268), and against the lead plan at 56-64 walks (1.34-1.45);
//   four segments lose at 80 walks (1.01-1.10).
// LEET_FUSED_SEGMODEL=5 gives the thirty-ninth session's choice (the one walk);
// LEET_FUSED_SEGMENT forces L.
constexpr int64_t kThirdsFrom = 16384;
inline int64_t one_walk_thirds(const AttnParams& p, int sms, int64_t L, double mem_tbs) {
  if (p.dtype == DType::F32 || p.cu_seqlens || mem_tbs < kFastDramTbs || ceil_div(p.N, L) > 1) return L;
  if (std::getenv("LEET_FUSED_SEGMENT") || env_is("LEET_FUSED_SEGMODEL", '5')) return L;
  const int64_t walks = p.B * p.H * ceil_div(p.d, kDV);
  if (2 * walks <= sms || 3 * walks > 2 * (int64_t)sms) return L;  // (the thirds in two waves)
  const int64_t third = ceil_div(ceil_div(p.N, 3), kSplitGrain) * kSplitGrain;  // (the even counts' grain)
  return third >= kThirdsFrom ? third : L;
}
// The segment length of Family's output kernels (CTAs of 128 / out_split columns), as
// run_wgmma takes it unforced: the model's (choose_segment), then, for the 128-column
// kernels, one_walk_thirds
template <class Family> int64_t family_segment(const AttnParams& p, int sms, double mem_tbs, int64_t skip = 0) {
  const int64_t L = choose_segment(p, sms, (int)ceil_div(p.d, kDV / Family::out_split), 1, family_model<Family>(p, mem_tbs), skip);
  if constexpr (Family::out_split == 1) return one_walk_thirds(p, sms, L, mem_tbs);
  else return L;
}

// out_narrow, 16 bits: the wide kernels' shortest segments taken over a narrow one walk whose
// last wave is under half full (run zm: 3072 tokens won, 2048 lost; 2560 not measured)
constexpr int64_t kNarrowWideFrom = 3072;
template <class Wide, class Narrow> bool out_narrow(const AttnParams& p, int sms, double mem_tbs) {
  if (const char* env = std::getenv("LEET_FUSED_OUT")) {
    const int forced = std::atoi(env);
    if (forced == 64 || forced == 128) return forced == 64;
  }
  const int64_t L = choose_segment(p, sms, (int)ceil_div(p.d, kDV), 1, family_model<Wide>(p, mem_tbs));
  if (ceil_div(p.N, L) <= 1) return false;
  if (lead_wanted<Wide>(p, sms, L, mem_tbs)) return false;  // (the lead plan's kernels are 128 columns wide)
  if (mem_tbs < kFastDramTbs) return true;  // (0: unknown, as an H100)
  if (Wide::seg_model().split_from && L >= Wide::seg_model().split_from) return false;
  const int64_t Ln = family_segment<Narrow>(p, sms, mem_tbs);
  if (ceil_div(p.N, Ln) > 1) return false;
  if (env_is("LEET_FUSED_SEGMODEL", '4')) return true;
  const int64_t ctas = p.B * p.H * ceil_div(p.d, kDV / Narrow::out_split);
  const int64_t wave = sms * std::max(1, kSmemPerSm / (Narrow::template smem<false>() + 1024));
  if (ctas <= wave) return true;
  if (p.dtype == DType::F32) return false;
  const int64_t last = ctas % wave;
  return !(last > 0 && 2 * last < wave && L >= kNarrowWideFrom);
}

inline bool v3_eligible(const AttnParams& p) {
  if (p.dtype != DType::F32 || p.precision != Precision::TF32 || !wgmma_shape_ok(p)) return false;
  if (const char* env = std::getenv("LEET_FUSED_V3"))
    if (env[0] == '0') return false;
  return hopper_code_loaded<V3Family>();
}

// Float32 "exact" on the float64 tensor cores (version 4; LEET_FUSED_V4=0: the 3xTF32
// kernels below): every shape, any alignment, packed sequences too.
inline bool v4_eligible(const AttnParams& p) {
  if (p.dtype != DType::F32 || p.precision != Precision::Exact) return false;
  if (env_set("LEET_FUSED_V1") || env_is("LEET_FUSED_V4", '0')) return false;
  return hopper_code_loaded<V4Family>();
}

// Version 4's output CTAs for fused at the shapes of its own kernels (r = 128, whole
// 128-column blocks): 128 columns (V4WFamily) where the segment model, each family at its
// own segments, makes them at least 8% cheaper, else 64 (V4Family). The model flatters the
// 128-column CTAs where they need more segments and state walks for the same number of
// CTAs, so the margin. Measured on an H200 (fourteenth session, run zzzh; model ratio in
// brackets): 128 columns faster at 8x8192, 4x16384 and 4x4096 by 25% (0.74), 1x65536 15%
// (0.85), 1x16384 11% (0.86), 2x32768 10% (0.90), 1x8192 8% (0.88), 2x4096 8% (0.93, not
// taken); slower at 1x4096 by 1% (0.92; 6% on an H100), 1x2048 by 16% (1.00) and 1x1024 by
// 27% (1.02). LEET_FUSED_V4_OUT=128 or 64 forces one.
inline bool v4_wide(const AttnParams& p, int sms) {
  if (const char* env = std::getenv("LEET_FUSED_V4_OUT")) {
    const int forced = std::atoi(env);
    if (forced == 64 || forced == 128) return forced == 128;
  }
  const int nd = (int)ceil_div(p.d, kDV);
  const double narrow = segment_plan(p, sms, 2 * nd, 1, V4Family::seg_model()).cost;
  const double wide = segment_plan(p, sms, nd, 1, V4WFamily::seg_model()).cost;
  return wide < 0.92 * narrow;
}

// Float32 "exact" on the 3xTF32 wgmma kernels (LEET_FUSED_V3X=0: version 1's mma.sync ones).
inline bool v3x_eligible(const AttnParams& p) {
  if (p.dtype != DType::F32 || p.precision != Precision::Exact || !wgmma_shape_ok(p)) return false;
  if (env_is("LEET_FUSED_V3X", '0')) return false;
  return hopper_code_loaded<V3XFamily>();
}


// Segment length of the single-pass kernel, or 0 for the two-launch form (the default).
// The single pass reads K and V from DRAM once (4 units of traffic instead of 5.5 at
// 1x65536), but each SM then walks every token twice (state walk, output walk) and the
// hand-offs form a chain per (sequence, head, d-block): on an H200 it measured slower
// than the two-launch form at every shape tried (docs/fused-design.md, "Single pass"), so
// it runs only when asked: LEET_FUSED_SINGLE=1, segment length LEET_FUSED_SINGLE_SEG
// (default 512 from N = 4096, else 256).
template <class Family> int64_t single_segment(const AttnParams& p) {
  if (!env_is("LEET_FUSED_SINGLE", '1')) return 0;
  int64_t L = p.N >= 4096 ? 512 : 256;
  if (const char* e = std::getenv("LEET_FUSED_SINGLE_SEG")) {
    const int64_t v = std::atoll(e);
    if (v > 0) L = ceil_div(v, kC) * kC;
  }
  return ceil_div(p.N, L) < 2 ? 0 : L;
}

template <class Family> void run_single(const AttnParams& p, const LaunchContext& ctx, Args a, int64_t L) {
  a.Lseg = L;
  a.nseg_fixed = ceil_div(p.N, L);
  const int64_t chains = p.B * p.H * a.ndvb;
  const size_t ring_bytes = (size_t)chains * 2 * kTile * 4;
  const size_t flag_bytes = (size_t)(chains + 1) * 4;
  char* sc = static_cast<char*>(ctx.scratch(ring_bytes + flag_bytes));
  if (!sc) throw CudaError("fused: no scratch memory");
  a.ring = reinterpret_cast<float*>(sc);
  a.flags = reinterpret_cast<unsigned*>(sc + ring_bytes);
  a.ticket = a.flags + chains;
  a.l2_hints = !env_is("LEET_FUSED_L2HINTS", '0');
  // Developer timing (LEET_FUSED_PROF=1): five %globaltimer stamps per CTA, summarised on
  // stderr after a synchronising wait. Never set in the library's own use.
  const bool prof = env_is("LEET_FUSED_PROF", '1');
  cudaStream_t st = ctx.stream;
  check(cudaMemsetAsync(a.flags, 0, flag_bytes, st), "single-pass counters");
  static bool attr = false;
  if (!attr) {
    check(cudaFuncSetAttribute(Family::single_kernel(), cudaFuncAttributeMaxDynamicSharedMemorySize,
                               Family::template smem<false>()),
          "single-pass kernel attribute");
    attr = true;
  }
  const int64_t grid = chains * a.nseg_fixed;
  if (prof) check(cudaMalloc(&a.prof, (size_t)grid * 5 * 8), "profile buffer");
  Family::single_kernel()<<<(unsigned)grid, Family::threads, Family::template smem<false>(), st>>>(a);
  check(cudaGetLastError(), (std::string(Family::name) + " single-pass kernel launch").c_str());
  if (prof) {
    std::vector<unsigned long long> t((size_t)grid * 5);
    check(cudaMemcpy(t.data(), a.prof, t.size() * 8, cudaMemcpyDeviceToHost), "profile copy");
    cudaFree(a.prof);
    unsigned long long t0 = ~0ull, t1 = 0;
    double sa = 0, sw = 0, sh = 0, sb = 0;
    for (int64_t i = 0; i < grid; ++i) {
      const unsigned long long* x = &t[(size_t)i * 5];
      t0 = std::min(t0, x[0]);
      t1 = std::max(t1, x[4]);
      sa += (double)(x[1] - x[0]); sw += (double)(x[2] - x[1]); sh += (double)(x[3] - x[2]); sb += (double)(x[4] - x[3]);
    }
    fprintf(stderr, "single L=%lld ctas=%lld span %.1f us; per CTA mean: state walk %.2f us, wait %.2f, hand-off %.2f, output walk %.2f\n",
            (long long)L, (long long)grid, (t1 - t0) / 1e3, sa / grid / 1e3, sw / grid / 1e3, sh / grid / 1e3, sb / grid / 1e3);
    // the first chain's timeline (segments 0..7 and the last)
    for (int64_t sgi = 0; sgi < a.nseg_fixed; ++sgi) {
      if (sgi >= 8 && sgi != a.nseg_fixed - 1 && sgi % 16) continue;
      const unsigned long long* x = &t[(size_t)(sgi * chains) * 5];
      fprintf(stderr, "  seg %4lld: start %8.1f  A %8.1f  seen %8.1f  pub %8.1f  end %8.1f\n", (long long)sgi,
              (x[0] - t0) / 1e3, (x[1] - t0) / 1e3, (x[2] - t0) / 1e3, (x[3] - t0) / 1e3, (x[4] - t0) / 1e3);
    }
  }
}

// Runs the wgmma kernels. L_forced > 0: another method's schedule on this chunk body
// (launch_wgmma_schedule): segments of exactly that length, states chained by the scan
// kernel, never the single pass. rb0 (version 4): this pass's block of r (see run_v4).
template <class Family>
void run_wgmma(const AttnParams& p, const LaunchContext& ctx, int64_t L_forced = 0, int64_t rb0 = 0) {
  Args a{};
  a.q = p.q; a.k = p.k; a.v = p.v; a.o = p.o;
  a.H = p.H; a.N = p.N; a.r = p.r; a.d = p.d;
  a.rate = ctx.decay_rate;
  a.scale = (float)p.scale;
  a.scale_d = p.scale;
  a.init = p.initial_state;
  a.fin = p.final_state;
  a.nrb = 1;
  a.ndvb = (int)ceil_div(p.d, kDV);
  a.layout2 = 1;
  const int64_t seqs = num_sequences(p);  // (packed sequences: version 4's GEN kernels only)
  a.num_seqs = seqs;
  a.rb0 = rb0;
  a.accumulate = rb0 > 0;
  a.fast_qk = p.r % 4 == 0 && aligned16(p.q) && aligned16(p.k);
  a.fast_v = p.d % 4 == 0 && aligned16(p.v);
  const int sms = sm_count(ctx);
  if constexpr (Family::has_single) {
    if (const int64_t Ls = L_forced > 0 ? 0 : single_segment<Family>(p)) {
      run_single<Family>(p, ctx, a, Ls);
      return;
    }
  }
  const int64_t L = L_forced > 0 ? ceil_div(L_forced, kC) * kC : family_segment<Family>(p, sms, ctx.mem_tbs, ctx.skip_upto);
  a.Lseg = L;
  a.nseg_fixed = ceil_div(p.N, L);
  const SegCount segs = count_segments(p, L, ctx.skip_upto);  // packed: the device table comes with the scratch below
  int64_t total_segs = segs.total;
  if (total_segs == 0) return;
  if (p.cu_seqlens) a.cu = ctx.cu_seqlens;
  const bool staged = segs.max > 1;
  // TMA-fed kernels (kTma, tma_level): `at` carries the tensor maps; each launch copies
  // its Args in (tma_args)
  [[maybe_unused]] ArgsTma at{};
  // (encoded at most once per call: the TMA-fed families here, version 3's TMA kernels at
  // their first use)
  int maps = -1;  // -1: not tried yet, 0: not encodable, 1: in `at`
  [[maybe_unused]] auto have_maps = [&] {
    if (maps < 0) maps = tma_maps(p, at) ? 1 : 0;
    return maps == 1;
  };
  int tma = 0;
  if constexpr (kTma<Family>) tma = p.cu_seqlens ? 0 : tma_level();
  if (tma && !have_maps()) tma = 0;
  [[maybe_unused]] auto tma_args = [&](const Args& x) -> const ArgsTma& {
    static_cast<Args&>(at) = x;
    return at;
  };
  // scratch: the segment table (packed sequences), then the staged states
  const size_t b_base = p.cu_seqlens ? seg_table_bytes(seqs) : 0;
  auto scratch = [&](size_t state_bytes) {
    char* sc = b_base + state_bytes ? static_cast<char*>(ctx.scratch(b_base + state_bytes)) : nullptr;
    if (b_base + state_bytes && !sc) throw CudaError("fused: no scratch memory");
    if (p.cu_seqlens) launch_seg_table(a, reinterpret_cast<int64_t*>(sc), seqs, L, ctx.skip_upto, staged, ctx.stream);
    return state_bytes ? reinterpret_cast<float*>(sc + b_base) : nullptr;
  };
  // One walk per sequence (lightning's schedule) with fewer (sequence, head, 128-column)
  // walks than SMs: a narrow kernel, one warpgroup per 64 value columns (float32 TF32: per
  // 32 columns where those CTAs still fit in one wave; float32 exact: 32-column CTAs of
  // 8 warps), two or four times the CTAs. Each walk's chunk steps are latency-bound, so
  // CTAs with less work per step walk faster.
  // LEET_CUDA_WGMMA_NARROW=0 keeps the two-warpgroup kernel; LEET_CUDA_WGMMA_DV=64|32
  // forces a width.
  if constexpr (Family::has_narrow) {
    if (L_forced > 0 && !staged && seqs * p.H * a.ndvb < sms && !env_is("LEET_CUDA_WGMMA_NARROW", '0')) {
      bool w32 = false;
      auto kernel = Family::narrow_kernel();
      int smem = Family::narrow_smem;
      if constexpr (Family::has_narrow32) {
        w32 = p.B * p.H * ceil_div(p.d, 32) <= sms;
        if (const char* env = std::getenv("LEET_CUDA_WGMMA_DV")) {
          if (std::atoi(env) == 64) w32 = false;
          if (std::atoi(env) == 32) w32 = true;
        }
        if (w32) {
          kernel = Family::narrow32_kernel();
          smem = Family::narrow32_smem;
        }
      }
      a.ndvb = (int)ceil_div(p.d, w32 ? 32 : Family::narrow_dv);
      scratch(0);
      const int64_t grid = total_segs * p.H * a.ndvb;
      bool launched = false;
      if constexpr (kTma<Family>) {
        if (tma && !w32) {
          const auto kt = tma == 2 ? Family::template narrow_tma_kernel<2>() : Family::template narrow_tma_kernel<1>();
          smem_limit_once(kt, smem);
          kt<<<(unsigned)grid, Family::narrow_threads, smem, ctx.stream>>>(tma_args(a));
          launched = true;
        }
      }
      if (!launched) {
        smem_limit_once(kernel, smem);
        kernel<<<(unsigned)grid, Family::narrow_threads, smem, ctx.stream>>>(a);
      }
      check(cudaGetLastError(), (std::string(Family::name) + " narrow output kernel launch").c_str());
      return;
    }
  }
  // Up to kInlineSegs segments per sequence the output kernel sums the raw states itself
  // (O(nseg^2) reads of 64 KiB, small): no scan launch. The state pass may split each
  // segment into ksub sub-segments (LEET_FUSED_KSUB, default 1: splitting measured slower
  // in run v2-3, since the output CTAs then sum more states on their critical path).
  a.prefix_inline = staged && a.nseg_fixed <= kInlineSegs && L_forced <= 0 && !p.cu_seqlens;
  a.ksub = 1;
  if (a.prefix_inline) {
    if (const char* env = std::getenv("LEET_FUSED_KSUB")) {
      const int64_t k = std::atoll(env);
      if (k > 1 && L % (k * kC) == 0) a.ksub = k;
    } else if (Family::seg_model().ksub || (Family::seg_model().split_from && L >= Family::seg_model().split_from)) {
      a.ksub = auto_ksub((a.nseg_fixed - 1) * p.B * p.H * a.ndvb, L, sms);
    }
  }
  // The lead plan (lead_plan, lead_wanted)
  [[maybe_unused]] bool lead = false;
  if constexpr (kLead<Family>) {
    // (why the plan was not taken, for the error below: 0 it was not wanted, 1 packed
    // sequences or more segments than the inline prefix takes, 2 its segments' CTAs do
    // not fit one wave, 3 the plan comes to `plan_nseg` segments, 4 the maps)
    int why = a.prefix_inline ? 0 : 1;
    int64_t plan_nseg = 0;
    if (a.prefix_inline && lead_wanted<Family>(p, sms, L, ctx.mem_tbs)) {
      const LeadPlan lp = lead_plan(p, sms, L, p.H * a.ndvb, Family::lead_frac, Family::lead_small);
      const int64_t nseg = lead_segments(p, lp);
      const bool fits = lead_segments_fit(nseg), maps_ok = fits && have_maps();
      why = lp.L0 <= 0 ? 2 : !fits ? 3 : 4;
      plan_nseg = nseg;
      if (maps_ok) {
        lead = true;
        a.ksub = lp.k;
        a.Lseg = lp.L;
        a.small = lp.small;
        a.pad = lp.L - lp.L0 - lp.small;
        a.nseg_fixed = nseg;
        total_segs = p.B * nseg;
      }
    }
    // Forced (LEET_FUSED_LEAD=x, x != 0) where the plan does not fit: an error, not the
    // kernels without it, so that a forced run is the plan or nothing
    if (!lead && staged && L_forced <= 0 && env_set("LEET_FUSED_LEAD")) {
      const std::string reason =
          why == 1   ? (p.cu_seqlens ? std::string("packed sequences take no plan")
                                     : "more than " + std::to_string(kInlineSegs) + " segments a sequence")
          : why == 2 ? "its segments' CTAs do not fit one wave of " + std::to_string(sms) + " SMs"
          : why == 3 ? "it comes to " + std::to_string(plan_nseg) + " segments a sequence"
          : why == 4 ? "the tensor maps cannot be encoded (" + map_failure() + ")"
                     : "its kernels are turned off (LEET_FUSED_TMA, LEET_FUSED_V3DEC or LEET_FUSED_STATE_DEEP)";
      throw CudaError("fused: LEET_FUSED_LEAD=" + std::string(std::getenv("LEET_FUSED_LEAD")) + " forces the lead plan, which does not fit B=" +
                      std::to_string(p.B) + " H=" + std::to_string(p.H) + " N=" + std::to_string(p.N) + " d=" +
                      std::to_string(p.d) + " (segments of " + std::to_string(L) + " tokens, " +
                      std::to_string(ceil_div(p.N, L)) + " a sequence): " + reason);
    }
  }
  if constexpr (kShortFirst<Family>) {
    if (!lead && a.prefix_inline && !p.cu_seqlens) {
      const PadPlan pp = pad_plan(p, sms, L, a.ksub, p.B * p.H * a.ndvb * Family::out_split);
      const int64_t nseg = ceil_div(p.N + pp.pad, pp.L);
      if (pp.pad > 0 && nseg <= kInlineSegs) {
        a.Lseg = pp.L;
        a.pad = pp.pad;
        a.nseg_fixed = nseg;
        total_segs = p.B * nseg;
      }
    }
  }
  // (the lead plan's small pieces: a slot each, a sequence's right after its first segment's)
  a.states = scratch(staged ? (size_t)(total_segs * a.ksub + (a.small ? p.B : 0)) * p.H * a.ndvb * kTile * 4 : 0);
  // Version 3's TMA-fed kernels: TMA gives zeros only past N, so they run where every chunk
  // of their walks (pieces of `piece` tokens after the short first segment) is whole or
  // ends at N
  [[maybe_unused]] auto whole_chunks = [&](int64_t piece) {
    return !p.cu_seqlens && a.pad % kC == 0 && piece % kC == 0;
  };
  cudaStream_t st = ctx.stream;
  const std::string name = Family::name;
  // a launch, programmatic (it may start before the one before it is done) or not
  auto launch_ex = [&](auto kernel, int64_t grid, int threads, int smem, const auto& args, bool pdl, const char* what) {
    smem_limit_once(kernel, smem);
    cudaLaunchConfig_t cfg{};
    cfg.gridDim = dim3((unsigned)grid);
    cfg.blockDim = dim3(threads);
    cfg.dynamicSmemBytes = smem;
    cfg.stream = st;
    cudaLaunchAttribute attr[1];
    attr[0].id = cudaLaunchAttributeProgrammaticStreamSerialization;
    attr[0].val.programmaticStreamSerializationAllowed = 1;
    cfg.attrs = attr;
    cfg.numAttrs = pdl ? 1 : 0;
    check(cudaLaunchKernelEx(&cfg, kernel, args), (name + what).c_str());
    check(cudaGetLastError(), (name + what).c_str());
  };
  if constexpr (kLead<Family>) {
    if (lead) {
      // 1. the first segments (their CTAs let the state kernel start at once); 2. the state
      // pass beside them, its CTAs done only once the first segments are; 3. the other
      // segments, whose CTAs load their first tiles and wait for the state pass
      Args ao = a;
      ao.ndvb = a.ndvb * Family::out_split;
      ao.dv_split = Family::out_split;
      const int64_t walks = p.H * ao.ndvb;
      const int64_t g1 = p.B * walks, g2 = total_segs * a.ksub * p.H * a.ndvb,
                    g3 = p.B * (a.nseg_fixed - 1 + (a.small ? 1 : 0)) * walks;
      Args as = a, ao2 = ao;
#ifdef LEET_FUSED_LEAD_STAMPS
      // (developer timing, fused_bench only: four stamps per CTA of the three launches)
      const bool stamps = env_is("LEET_FUSED_PROF", '1');
      if (stamps) {
        check(cudaMalloc(&ao.prof, (size_t)(g1 + g2 + g3) * 4 * 8), "stamp buffer");
        check(cudaMemsetAsync(ao.prof, 0, (size_t)(g1 + g2 + g3) * 4 * 8, st), "stamp buffer");
        as.prof = ao.prof + 4 * g1;
        ao2.prof = as.prof + 4 * g2;
      }
#endif
      launch_ex(Family::template lead_out_kernel<2>(), g1, Family::out_threads, Family::lead_out_smem,
                tma_args(ao), false, " lead output kernel launch");
      launch_ex(Family::lead_state_kernel(), g2, Family::threads, Family::lead_state_smem(), tma_args(as), true,
                " lead state kernel launch");
      // (the small pieces' CTAs last: they queue on the SMs that the other segments leave)
      launch_ex(Family::template lead_out_kernel<1>(), g3, Family::out_threads, Family::lead_out_smem,
                tma_args(ao2), true, " output kernel launch");
#ifdef LEET_FUSED_LEAD_STAMPS
      if (stamps) lead_stamps(ao.prof, g1, g2, g3, p.B * (a.nseg_fixed - 1) * walks, a.small, a.small ? p.B * p.H * a.ndvb : 0);
#endif
      return;
    }
  }
  if (staged) {
    const int64_t gA = total_segs * a.ksub * p.H * a.ndvb;
    bool launched = false;
    // LEET_FUSED_STATE_DEEP=0 / 1 forces either form of the state kernel over a rule's choice
    [[maybe_unused]] auto deep_form = [](bool rule) { return env_forced_or("LEET_FUSED_STATE_DEEP", rule); };
    if constexpr (kTma<Family>) {
      // The state walk does little work per chunk. On short walks its time is the loads'
      // latency, so where its busy CTAs (those before each sequence's last segment) fit
      // one per SM and each walks at most 2048 tokens, the deep kernel holds five chunks
      // in flight instead of two. Longer walks are bound by the L2 and gain nothing
      // (docs/fused-design.md, twenty-second session). =0 keeps the three-stage kernel.
      const int64_t busy = seqs * (a.nseg_fixed - 1) * a.ksub * p.H * a.ndvb;
      if (tma && deep_form(busy <= sms && L / a.ksub <= 2048)) {
        const auto kt = Family::tma_deep_state_kernel();
        smem_limit_once(kt, Family::deep_state_smem);
        kt<<<(unsigned)gA, Family::threads, Family::deep_state_smem, st>>>(tma_args(a));
        launched = true;
      } else if (tma) {
        const auto kt = Family::template tma_kernel<true, 1>();
        smem_limit_once(kt, Family::template smem<true>());
        kt<<<(unsigned)gA, Family::threads, Family::template smem<true>(), st>>>(tma_args(a));
        launched = true;
      }
    }
    if constexpr (kDeepState<Family>) {
      // The TF32 state kernel takes one SM with two stages or three (one chunk of K and
      // V in flight or two). Paired A/B, three stages against two (twenty-third session,
      // bench/h200-2026-11-27-w): on an H200 0.980-0.988 from 1x4096 to 1x65536 (ncu at
      // 1x65536: 449.6 against 478.7 us); on an H100 1.002-1.004, where the walk is
      // bound by the lower DRAM bandwidth. So three stages where the peak DRAM bandwidth
      // is at least kFastDramTbs.
      // Its tiles come by TMA where every chunk of a state walk is whole or ends at N
      // (TMA's zeros; LEET_FUSED_TMA=0 keeps cp.async).
      if (!launched && deep_form(ctx.mem_tbs >= kFastDramTbs)) {
        if (tma_level() > 0 && a.Lseg % a.ksub == 0 && whole_chunks(a.Lseg / a.ksub) && have_maps()) {
          const auto kt = Family::tma_deep_state_kernel();
          smem_limit_once(kt, Family::tma_deep_state_smem);
          kt<<<(unsigned)gA, Family::threads, Family::tma_deep_state_smem, st>>>(tma_args(a));
        } else {
          const auto kd = Family::deep_state_kernel();
          smem_limit_once(kd, Family::deep_state_smem);
          kd<<<(unsigned)gA, Family::threads, Family::deep_state_smem, st>>>(a);
        }
        launched = true;
      }
    }
    if (!launched) {
      smem_limit_once(Family::template kernel<true>(), Family::template smem<true>());
      Family::template kernel<true>()<<<(unsigned)gA, Family::threads, Family::template smem<true>(), st>>>(a);
    }
    check(cudaGetLastError(), (name + " state kernel launch").c_str());
    if (!a.prefix_inline) {
      launch_scan(a, segs.multi, st);
    }
  }
  // The output launch: Family::out_split CTAs per 128-column state block (v3x: 4)
  Args ao = a;
  ao.ndvb = a.ndvb * Family::out_split;
  ao.dv_split = Family::out_split;
  const auto kout = Family::template kernel<false>();
  const int smem_out = Family::template smem<false>(), threads_out = Family::out_threads;
  const int64_t gB = total_segs * p.H * ao.ndvb;
  // Short segments: launch the output kernel under the state kernel (programmatic
  // dependent launch; segment-0 CTAs start at once, the others wait in griddepcontrol.wait
  // after loading their first tiles). Long segments: measured slower (v2-2: the early
  // segment-0 CTAs leave a tail of 96 busy SMs), so a plain launch.
  const bool pdl = a.prefix_inline && env_forced_or("LEET_FUSED_PDL", L <= 2048);
  auto launch_out = [&](auto kernel, const auto& args, int smem) {
    launch_ex(kernel, gB, threads_out, smem, args, pdl, " output kernel launch");
  };
  if constexpr (kTma<Family>) {
    if (tma) {
      const auto kt = tma == 2 ? Family::template tma_kernel<false, 2>() : Family::template tma_kernel<false, 1>();
      launch_out(kt, tma_args(ao), smem_out);
      return;
    }
  }
  if constexpr (kDecOut<Family>) {
    // The decoupled kernel: paired A/B against the lockstep one (twenty-fourth session,
    // bench/h200-2026-11-27-x) 0.90-0.93 on an H200 at 1x65536, 2x32768, 8x8192, 4x16384
    // and 1x65536 d=256, 0.95 at 1x16384, 0.98 at 1x4096, 1.00 at 1x4096 d=256, 1.02 at
    // 1x1024 (short walks); on an H100, whose walk is bound by the lower DRAM bandwidth,
    // 1.001-1.010. So where the peak DRAM bandwidth is at least kFastDramTbs. It takes its
    // tiles by TMA, whose zeros come only past N: so where every chunk is whole or ends at
    // N (a short first segment of whole chunks). LEET_FUSED_V3DEC=0 / 1 forces the lockstep
    // / the decoupled kernel. Its output goes out by TMA (paired A/B against 8-byte stores
    // from registers, twenty-fifth session, bench/h200-2026-11-27-y: 0.93-0.96 on an H200
    // from 1x1024 to 8x8192; LEET_FUSED_TMA=0 or 1 keeps the 8-byte stores).
    if (env_forced_or("LEET_FUSED_V3DEC", ctx.mem_tbs >= kFastDramTbs) && whole_chunks(a.Lseg) && have_maps()) {
      launch_out(Family::dec_kernel(tma_level() == 2), tma_args(ao), Family::dec_smem);
      return;
    }
  }
  launch_out(kout, ao, smem_out);
}

// Version 4. At r = 128, d a multiple of 128, 16-byte aligned tensors and fixed length its
// own kernels; elsewhere (packed sequences too) the GEN ones, over r in blocks of 128: one
// full pass (state pass, output pass) per block, the blocks' outputs added up in o, each
// addition in float64 before the rounding. The blocks are independent: o = sum over blocks of the operator on (Q, K)
// restricted to the block's r, and the state's rows split the same way. Stream order
// serialises the passes. A block of at most 64 r (r <= 64, or what is left past the last
// 128) takes the R = 64 kernels.
inline void run_v4(const AttnParams& p, const LaunchContext& ctx, int64_t L_forced = 0) {
  if (wgmma_shape_ok(p)) {
    if (L_forced <= 0 && v4_wide(p, sm_count(ctx))) run_wgmma<V4WFamily>(p, ctx);
    else run_wgmma<V4Family>(p, ctx, L_forced);
    return;
  }
  for (int64_t rb0 = 0; rb0 < p.r; rb0 += 128) {
    if (p.r - rb0 <= 64 && !env_is("LEET_FUSED_V4_R64", '0')) run_wgmma<V4FamilyT<true, 64>>(p, ctx, L_forced, rb0);
    else run_wgmma<V4FamilyT<true>>(p, ctx, L_forced, rb0);
  }
}

}  // namespace

// The wgmma chunk body under another method's schedule (see launch.h). False: it does
// not apply here (nothing launched). LEET_CUDA_WGMMA=0 keeps those methods on their own
// mma.sync kernels.
inline bool run_schedule(const AttnParams& p, const LaunchContext& ctx, int64_t seg_len) {
  if (p.B <= 0 || p.H <= 0 || p.N <= 0 || seg_len <= 0) return false;
  if (env_is("LEET_CUDA_WGMMA", '0')) return false;
  if (v2_eligible(p)) {
    if (p.dtype == DType::BF16) run_wgmma<V2Family<true>>(p, ctx, seg_len);
    else run_wgmma<V2Family<false>>(p, ctx, seg_len);
    return true;
  }
  if (v3_eligible(p)) {
    run_wgmma<V3Family>(p, ctx, seg_len);
    return true;
  }
  if (v4_eligible(p)) {
    run_v4(p, ctx, seg_len);
    return true;
  }
  if (v3x_eligible(p)) {
    run_wgmma<V3XFamily>(p, ctx, seg_len);
    return true;
  }
  return false;
}

// The 128-column kernels (Wide) or, where out_narrow says so, the 64-column ones (Narrow).
template <class Wide, class Narrow> void run_wide_or_narrow(const AttnParams& p, const LaunchContext& ctx) {
  if (out_narrow<Wide, Narrow>(p, sm_count(ctx), ctx.mem_tbs)) run_wgmma<Narrow>(p, ctx);
  else run_wgmma<Wide>(p, ctx);
}

inline void run_fused(const AttnParams& p, const LaunchContext& ctx) {
  if (p.B <= 0 || p.H <= 0 || p.N <= 0 || p.r <= 0 || p.d <= 0) return;
  if (v2_eligible(p)) {
    if (p.dtype == DType::BF16) run_wide_or_narrow<V2Family<true>, V2NFamily<true>>(p, ctx);
    else run_wide_or_narrow<V2Family<false>, V2NFamily<false>>(p, ctx);
    return;
  }
  if (v3_eligible(p)) {
    run_wide_or_narrow<V3Family, V3NFamily>(p, ctx);
    return;
  }
  if (v4_eligible(p)) {
    run_v4(p, ctx);
    return;
  }
  if (v3x_eligible(p)) {
    run_wgmma<V3XFamily>(p, ctx);
    return;
  }
  switch (p.dtype) {
    case DType::F16: run<Pol16<false>>(p, ctx); break;
    case DType::BF16: run<Pol16<true>>(p, ctx); break;
    case DType::F32:
      if (p.precision == Precision::TF32) run<PolF32<1>>(p, ctx);
      else run<PolF32<3>>(p, ctx);
      break;
    default: throw CudaError("fused: float64 inputs are not supported on CUDA");
  }
}

}  // namespace leet::cuda::fused_detail
