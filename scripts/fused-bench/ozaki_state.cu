// A prototype of the state pass of an exact float32 path from int8 slices (Ozaki-style;
// docs/fused-design.md, "Thirty-second session"): S = sum_j gamma^(N-1-j) k_j v_j^T over a
// walk of N tokens, r = d = 128, every product from four int8 slices per value, the ten slice
// pairs with s + t <= 3 on IMMA (mma.sync m16n8k32 .s8) with exact int32 sums, the state in
// float64. It answers one question: how many SM cycles per (token, head) the slicing, the int8
// products and the recombination take together, against 128, the float64 tensor cores' peak
// for the same update (2 r d flop at 256 per clock).
//
// One CTA per (head, half of r): 8 warps, 128-token windows. Per window:
//   1. K's 64 rows and V (128 columns) staged as float32;
//   2. decayed K^T rows and V columns cut into slices: each scaled to a power of two above its
//      largest element and truncated to a 27-bit integer X (two's complement), written as four
//      balanced 7-bit digits in [-64, 64] (the slices), stored token-contiguous;
//   3. each warp's 16 x 64 block of S from 320 IMMA into four level accumulators (s + t = 0..3),
//      folded in int32 as L0*2^7 + L1 and L2*2^7 + L3, converted by the magic-number DADD (no
//      I2F.F64) and added into S = gamma^n S + 2^(e_r + e_d - 33) (A01 2^14 + A23).
// The decayed K is rounded to float32 first (one rounding per element, as the float32
// recurrence has); the check reports what that costs against float64. Version 1 also takes
// 8-bit digits (Digits<true>).
//
// Version 2 (WS, below; docs/fused-design.md, "Thirty-third session") is the producer/consumer
// form: a producer warpgroup slices window w + 1 while two consumer warpgroups multiply window
// w on wgmma and recombine, taking turns at the tensor cores. Its timing modes take it apart:
// slicing, products and recombination each alone.
//   nvcc -gencode=arch=compute_90a,code=sm_90a -O3 -Xptxas -v -o ozaki_state scripts/fused-bench/ozaki_state.cu
//   ./ozaki_state            (check against float64 on the host, then timings)
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>
#include <cuda_runtime.h>

namespace {

constexpr int R = 128, D = 128, RH = 64, W = 128, THREADS = 256;
constexpr int LDK = RH + 1;  // raw K row stride (floats): the four token parts on distinct banks
constexpr int LDS = W + 16;  // slice row stride (bytes): rows g = 0..7 on distinct banks

struct Smem {
  float k[W][LDK];
  float v[W][D];
  int8_t ks[4][RH][LDS];
  int8_t vs[4][D][LDS];
  float gtab[W];  // gamma^(W - 1 - j), once per CTA: a window of n tokens reads it from W - n
  float vmax[2][D];
  int er[RH];
  int ed[D];
};

struct Params {
  const float* k;  // [H][N][R]
  const float* v;  // [H][N][D]
  const double* gamma;  // [H]
  double* s;       // [H][R][D]
  long long* clk;  // [4]: block 0's clock64 and %globaltimer (ns) at its start and end
  int N;
  int reload;      // 0: stage window 0 once and reuse it (no global loads in the loop)
  int reslice;     // 0: slice window 0 once and reuse the slices (products and recombination only)
  int flags;       // version 2 only: WS_* below, to take the kernel apart for timing
};
// WS_NO_WGMMA: the consumers skip the products; WS_NO_RECOMB: they skip the recombination;
// WS_SLICE_INT: the producer slices by integer shifts (fixed30) instead of FMUL + F2I;
// WS_RECOMB5: the recombination of version 1 (five float64 operations per output, not two).
enum { WS_NO_WGMMA = 1, WS_NO_RECOMB = 2, WS_SLICE_INT = 4, WS_RECOMB5 = 8 };

__device__ __forceinline__ void imma(int (&d)[4], const int (&a)[4], const int (&b)[2]) {
  asm volatile("mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
               : "+r"(d[0]), "+r"(d[1]), "+r"(d[2]), "+r"(d[3])
               : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}

// e with |x| < 2^e for the largest |x| of a row, from its float32 bits (0 when the row is 0)
__device__ __forceinline__ int row_exp(float m) {
  const int E = (__float_as_int(m) >> 23) & 255;
  return E ? E - 126 : -126;
}

// The 27-bit integer X = trunc(x 2^(27 - e)) of x (|x| < 2^e), two's complement
__device__ __forceinline__ int fixed27(float x, int e) {
  const int b = __float_as_int(x), E = (b >> 23) & 255;
  const int mant = E ? ((b & 0x7FFFFF) | 0x800000) : 0;
  const int sh = E - 123 - e;  // X = mant 2^(E - 150 + 27 - e)
  const int X = sh >= 0 ? (mant << sh) : (int)((unsigned)mant >> min(-sh, 31));
  const int sgn = b >> 31;
  return (X ^ sgn) - sgn;
}

// Balanced digits: with Y = X + kBal, X = c0 2^21 + c1 2^14 + c2 2^7 + c3 where c0 = Y >> 21 and
// c_i = (7-bit digit i of Y) - 64, all in [-64, 64]. (Unsigned lower digits, 0..127, leave the
// dropped pairs s + t >= 4 all of one sign: 2.8e-7 of sum |a b| on a 128-term dot product,
// against 2.5e-9 balanced; host check of the arithmetic, this session.)
constexpr int kBal = 64 * ((1 << 14) + (1 << 7) + 1);

// slice `s` of four tokens' Y = X + kBal, one byte each
__device__ __forceinline__ int pack4(const int (&Y)[4], int s) {
  const int sh = 21 - 7 * s;
  int b[4];
#pragma unroll
  for (int i = 0; i < 4; ++i) b[i] = s == 0 ? (Y[i] >> 21) : ((Y[i] >> sh) & 127);
  const unsigned w = __byte_perm(__byte_perm(b[0], b[1], 0x0040), __byte_perm(b[2], b[3], 0x0040), 0x5410);
  // digits 1..3: subtract 64 from each byte (0..127) without borrows between bytes
  return s == 0 ? (int)w : (int)(((w | 0x80808080u) - 0x40404040u) ^ 0x80808080u);
}

__device__ __forceinline__ long long globaltimer() {
  long long t;
  asm volatile("mov.u64 %0, %globaltimer;" : "=l"(t));
  return t;
}

// Version 2 of the slicing (D8): X = trunc(|x| 2^(30 - e)) by one right shift of the mantissa,
// and four balanced 8-bit digits that are Y = X + kBal8's bytes (the lower three with their top
// bit flipped), so that a slice word is a byte transpose of four tokens' Y. c0 in [-64, 64],
// c1..c3 in [-128, 127]. Level sums: L2 2^8 + L3 < 2^31 up to 128 tokens.
__device__ __forceinline__ int fixed30(float x, int e) {
  const int b = __float_as_int(x), E = (b >> 23) & 255;
  const unsigned m6 = (((unsigned)b << 6) & 0x1FFFFFC0u) | 0x20000000u;  // (1.mantissa) 2^29
  const int X = E ? (int)(m6 >> min(126 + e - E, 31)) : 0;                // 126 + e - E >= 0
  const int sgn = b >> 31;
  return (X ^ sgn) - sgn;
}
constexpr int kBal8 = 128 * ((1 << 16) + (1 << 8) + 1);

__device__ __forceinline__ int pack4_d8(const int (&Y)[4], int s) {
  const unsigned b = 3 - s, sel = b | ((b + 4) << 4);
  const unsigned w = __byte_perm(__byte_perm(Y[0], Y[1], sel), __byte_perm(Y[2], Y[3], sel), 0x5410);
  return (int)(s == 0 ? w : w ^ 0x80808080u);
}

template <bool D8> struct Digits;
template <> struct Digits<false> {  // 7-bit digits (the first version)
  static constexpr int bits = 7, exp_bias = 33, bal = kBal;
  __device__ static int fixed(float x, int e) { return fixed27(x, e); }
  __device__ static int pack(const int (&Y)[4], int s) { return pack4(Y, s); }
};
template <> struct Digits<true> {
  static constexpr int bits = 8, exp_bias = 36, bal = kBal8;
  __device__ static int fixed(float x, int e) { return fixed30(x, e); }
  __device__ static int pack(const int (&Y)[4], int s) { return pack4_d8(Y, s); }
};

__device__ __forceinline__ double i2d_magic(int a) {  // exact int32 -> double without I2F
  return __hiloint2double(0x43300000, a ^ 0x80000000) - 4503601774854144.0;  // 2^52 + 2^31
}

// version 1's recombination of one output's four level sums: L0 2^b + L1 and L2 2^b + L3
// folded in int32, each converted by the magic-number DADD, joined by one DFMA
template <class Dg>
__device__ __forceinline__ double levels_to_double(int l0, int l1, int l2, int l3) {
  return fma(i2d_magic((l0 << Dg::bits) + l1), (double)(1 << (2 * Dg::bits)), i2d_magic((l2 << Dg::bits) + l3));
}

// block (0, 0)'s clock64 and %globaltimer at the start and end of its walk
__device__ __forceinline__ void record_walk_clock(const Params& p, long long t0, long long ns0) {
  if (blockIdx.x == 0 && blockIdx.y == 0) {
    p.clk[0] = t0; p.clk[1] = clock64(); p.clk[2] = ns0; p.clk[3] = globaltimer();
  }
}

template <bool D8>
__global__ void __launch_bounds__(THREADS, 1) ozaki_state_kernel(const Params p) {
  using Dg = Digits<D8>;
  extern __shared__ __align__(16) unsigned char smem_raw[];
  Smem& sm = *reinterpret_cast<Smem*>(smem_raw);
  const int h = blockIdx.y, rh = blockIdx.x, tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
  const int g = lane >> 2, t = lane & 3;
  const double gamma = p.gamma[h];
  const float* kb = p.k + (size_t)h * p.N * R + rh * RH;
  const float* vb = p.v + (size_t)h * p.N * D;
  const int mt = warp & 3, nh = warp >> 2;
  double S[2][4][4];
#pragma unroll
  for (int a = 0; a < 2; ++a)
#pragma unroll
    for (int n = 0; n < 4; ++n)
#pragma unroll
      for (int e = 0; e < 4; ++e) S[a][n][e] = 0.0;
  for (int j = tid; j < W; j += THREADS) sm.gtab[j] = (float)pow(gamma, (double)(W - 1 - j));
  const double gfull = pow(gamma, (double)W);
  long long t0 = clock64(), ns0 = globaltimer();
  const int nwin = (p.N + W - 1) / W;
  for (int w = 0; w < nwin; ++w) {
    const int base = w * W, n = min(W, p.N - base);
    // 1. stage the window (zeros past the end)
    if (p.reload || w == 0) {
      for (int i = tid; i < W * RH / 4; i += THREADS) {
        const int j = i / (RH / 4), c = (i % (RH / 4)) * 4;
        float4 x = make_float4(0.f, 0.f, 0.f, 0.f);
        if (j < n) x = *reinterpret_cast<const float4*>(kb + (size_t)(base + j) * R + c);
        sm.k[j][c] = x.x; sm.k[j][c + 1] = x.y; sm.k[j][c + 2] = x.z; sm.k[j][c + 3] = x.w;
      }
      for (int i = tid; i < W * D / 4; i += THREADS) {
        const int j = i / (D / 4), c = (i % (D / 4)) * 4;
        float4 x = make_float4(0.f, 0.f, 0.f, 0.f);
        if (j < n) x = *reinterpret_cast<const float4*>(vb + (size_t)(base + j) * D + c);
        *reinterpret_cast<float4*>(&sm.v[j][c]) = x;
      }
    }
    __syncthreads();
    if (p.reslice || w == 0) {
    // 2a. decayed K^T: row = tid / 4, tokens 8 p + 32 q + i (q, i < 4, 8), its scale over 4 lanes
    {
      const int row = tid >> 2, part = tid & 3;
      float kd[32];
      float m = 0.f;
#pragma unroll
      for (int q = 0; q < 4; ++q)
#pragma unroll
        for (int i = 0; i < 8; ++i) {
          const int j = part * 8 + q * 32 + i;
          kd[q * 8 + i] = j < n ? sm.k[j][row] * sm.gtab[j + W - n] : 0.f;
          m = fmaxf(m, fabsf(kd[q * 8 + i]));
        }
      m = fmaxf(m, __shfl_xor_sync(0xffffffffu, m, 1));
      m = fmaxf(m, __shfl_xor_sync(0xffffffffu, m, 2));
      const int e = row_exp(m);
      if (part == 0) sm.er[row] = e;
#pragma unroll
      for (int q = 0; q < 4; ++q)
#pragma unroll
        for (int hw = 0; hw < 2; ++hw) {
          int X[4];
#pragma unroll
          for (int i = 0; i < 4; ++i) X[i] = Dg::fixed(kd[q * 8 + hw * 4 + i], e) + Dg::bal;
          const int j0 = part * 8 + q * 32 + hw * 4;
#pragma unroll
          for (int s = 0; s < 4; ++s) *reinterpret_cast<int*>(&sm.ks[s][row][j0]) = Dg::pack(X, s);
        }
    }
    // 2b. V columns: col = tid % 128, tokens 64 half .. + 64; the scale over both halves
    {
      const int col = tid & 127, half = tid >> 7;
      float m = 0.f;
      for (int j = half * 64; j < half * 64 + 64; ++j) m = fmaxf(m, fabsf(sm.v[j][col]));
      sm.vmax[half][col] = m;
      __syncthreads();
      const int e = row_exp(fmaxf(sm.vmax[0][col], sm.vmax[1][col]));
      if (half == 0) sm.ed[col] = e;
#pragma unroll 4
      for (int j0 = half * 64; j0 < half * 64 + 64; j0 += 4) {
        int X[4];
#pragma unroll
        for (int i = 0; i < 4; ++i) X[i] = Dg::fixed(sm.v[j0 + i][col], e) + Dg::bal;
#pragma unroll
        for (int s = 0; s < 4; ++s) *reinterpret_cast<int*>(&sm.vs[s][col][j0]) = Dg::pack(X, s);
      }
    }
    }
    __syncthreads();
    // 3. products and recombination: this warp's rows 16 mt .. + 16, columns 64 nh .. + 64
    const double gW = n == W ? gfull : pow(gamma, (double)n);
#pragma unroll
    for (int pass = 0; pass < 2; ++pass) {
      int acc[4][4][4];
#pragma unroll
      for (int l = 0; l < 4; ++l)
#pragma unroll
        for (int nn = 0; nn < 4; ++nn)
#pragma unroll
          for (int e = 0; e < 4; ++e) acc[l][nn][e] = 0;
#pragma unroll
      for (int kstep = 0; kstep < W / 32; ++kstep) {
        int a[4][4];
        const int r0 = mt * 16 + g, j = kstep * 32 + 4 * t;
#pragma unroll
        for (int s = 0; s < 4; ++s) {
          a[s][0] = *reinterpret_cast<const int*>(&sm.ks[s][r0][j]);
          a[s][1] = *reinterpret_cast<const int*>(&sm.ks[s][r0 + 8][j]);
          a[s][2] = *reinterpret_cast<const int*>(&sm.ks[s][r0][j + 16]);
          a[s][3] = *reinterpret_cast<const int*>(&sm.ks[s][r0 + 8][j + 16]);
        }
#pragma unroll
        for (int nn = 0; nn < 4; ++nn) {
          const int col = nh * 64 + pass * 32 + nn * 8 + g;
          int b[4][2];
#pragma unroll
          for (int s = 0; s < 4; ++s) {
            b[s][0] = *reinterpret_cast<const int*>(&sm.vs[s][col][j]);
            b[s][1] = *reinterpret_cast<const int*>(&sm.vs[s][col][j + 16]);
          }
          imma(acc[0][nn], a[0], b[0]);
          imma(acc[1][nn], a[0], b[1]); imma(acc[1][nn], a[1], b[0]);
          imma(acc[2][nn], a[0], b[2]); imma(acc[2][nn], a[1], b[1]); imma(acc[2][nn], a[2], b[0]);
          imma(acc[3][nn], a[0], b[3]); imma(acc[3][nn], a[1], b[2]); imma(acc[3][nn], a[2], b[1]); imma(acc[3][nn], a[3], b[0]);
        }
      }
#pragma unroll
      for (int nn = 0; nn < 4; ++nn)
#pragma unroll
        for (int e = 0; e < 4; ++e) {
          const int row = mt * 16 + g + 8 * (e >> 1), col = nh * 64 + pass * 32 + nn * 8 + 2 * t + (e & 1);
          const double v = levels_to_double<Dg>(acc[0][nn][e], acc[1][nn][e], acc[2][nn][e], acc[3][nn][e]);
          const double scale = __hiloint2double((sm.er[row] + sm.ed[col] - Dg::exp_bias + 1023) << 20, 0);
          S[pass][nn][e] = fma(S[pass][nn][e], gW, v * scale);
        }
    }
    __syncthreads();
  }
  if (tid == 0) record_walk_clock(p, t0, ns0);
  double* so = p.s + (size_t)h * R * D;
#pragma unroll
  for (int pass = 0; pass < 2; ++pass)
#pragma unroll
    for (int nn = 0; nn < 4; ++nn)
#pragma unroll
      for (int e = 0; e < 4; ++e) {
        const int row = rh * RH + mt * 16 + g + 8 * (e >> 1), col = nh * 64 + pass * 32 + nn * 8 + 2 * t + (e & 1);
        so[(size_t)row * D + col] = S[pass][nn][e];
      }
}

// ---- Version 2 (WS): warp-specialized, slicing beside the products ----
// One CTA per (head, half of r), three warpgroups. Warpgroup 2 (the producer) stages each
// 64-token window by cp.async into one of two float32 buffers, slices it (8-bit digits) into
// one of two slice buffers laid out for wgmma, and announces it; warpgroups 0 and 1 (the
// consumers) each multiply a 64 x 64 block of the state (rows: the CTA's r half; columns
// 64 cw..) with 20 wgmma m64n64k32 per window (2 k-steps x 10 slice pairs, both operands by
// descriptor) into four level accumulators, and recombine into float64 (two float64
// operations per output; version 1's five with WS_RECOMB5). While the consumers multiply
// window w, the producer slices window w + 1. The consumers take turns at the tensor cores
// (ping-pong): one recombines while the other multiplies.
constexpr int WS_W = 64, WS_THREADS = 384, WS_PROD_REGS = 56, WS_MMA_REGS = 224;
static_assert(2 * WS_MMA_REGS + WS_PROD_REGS <= 3 * ((65536 / WS_THREADS) & ~7), "setmaxnreg within the CTA's registers");
constexpr int WS_KSL = RH * WS_W, WS_VSL = D * WS_W;  // bytes per K slice, per V slice

struct WsSlot {  // one window's slices, in the no-swizzle K-major layout of ws_off
  int8_t ks[4][WS_KSL];
  int8_t vs[4][WS_VSL];
  int er[RH];
  int ed[D];  // version 2: e << 20, the column's part of the scale's exponent field
};
struct WsSmem {
  float kraw[2][WS_W][RH];
  float vraw[2][WS_W][D];
  WsSlot slot[2];
  float gtab[WS_W];
  float kmax[2][RH];
};

// Byte of (row, token j) in a slice of `rows` rows: 32-token k-steps, 8-row groups 256 bytes
// apart (SBO), the two 16-token core matrices of a k-step 128 bytes apart (LBO), a core
// matrix's 8 rows of 16 bytes contiguous.
__device__ __forceinline__ int ws_off(int row, int j, int rows) {
  return (j >> 5) * (rows * 32) + (row >> 3) * 256 + ((j >> 4) & 1) * 128 + (row & 7) * 16 + (j & 15);
}
__device__ __forceinline__ uint64_t ws_desc(uint32_t saddr) {
  return (uint64_t)((saddr & 0x3FFFF) >> 4) | ((uint64_t)(128 >> 4) << 16) | ((uint64_t)(256 >> 4) << 32);
}

__device__ __forceinline__ void wg_s8_n64(int (&d)[32], uint64_t da, uint64_t db, int acc) {
  asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, %34, 0;\n"
               "wgmma.mma_async.sync.aligned.m64n64k32.s32.s8.s8 {%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15,%16,%17,%18,%19,%20,%21,%22,%23,%24,%25,%26,%27,%28,%29,%30,%31}, %32, %33, p;\n}\n"
               : "+r"(d[0]), "+r"(d[1]), "+r"(d[2]), "+r"(d[3]), "+r"(d[4]), "+r"(d[5]), "+r"(d[6]), "+r"(d[7]), "+r"(d[8]), "+r"(d[9]), "+r"(d[10]), "+r"(d[11]), "+r"(d[12]), "+r"(d[13]), "+r"(d[14]), "+r"(d[15]), "+r"(d[16]), "+r"(d[17]), "+r"(d[18]), "+r"(d[19]), "+r"(d[20]), "+r"(d[21]), "+r"(d[22]), "+r"(d[23]), "+r"(d[24]), "+r"(d[25]), "+r"(d[26]), "+r"(d[27]), "+r"(d[28]), "+r"(d[29]), "+r"(d[30]), "+r"(d[31])
               : "l"(da), "l"(db), "r"(acc));
}
__device__ __forceinline__ void wg_fence() { asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory"); }
__device__ __forceinline__ void wg_commit() { asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory"); }
__device__ __forceinline__ void wg_wait0() { asm volatile("wgmma.wait_group.sync.aligned 0;\n" ::: "memory"); }
__device__ __forceinline__ void bar_sync(int id, int n) { asm volatile("bar.sync %0, %1;\n" ::"r"(id), "r"(n) : "memory"); }
__device__ __forceinline__ void bar_arrive(int id, int n) { asm volatile("bar.arrive %0, %1;\n" ::"r"(id), "r"(n) : "memory"); }
__device__ __forceinline__ void fence_proxy_async() { asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory"); }
__device__ __forceinline__ void cp16(void* dst, const void* src, int bytes) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"((uint32_t)__cvta_generic_to_shared(dst)), "l"(src),
               "r"(bytes) : "memory");
}
// Named barriers: 1 + 2 b + cw slot b full for consumer warpgroup cw (it syncs, the producer
// arrives: 256 threads), 5 + b slot b empty (the consumers arrive, the producer syncs: 384),
// 7 the producer's own (128), 8 + cw consumer warpgroup cw's turn at the tensor cores (256).
enum { kFull = 1, kEmpty = 5, kProd = 7, kTurn = 8 };

// Sixteen tokens' Y = X + kBal8 (one row or column) as 16 bytes of each of the four slices:
// slice s is byte 3 - s of every Y, the lower three with their top bit flipped (the balanced
// digits). A 4 x 4 byte transpose per four tokens, 8 PRMT, and 3 LOP3.
__device__ __forceinline__ void ws_store16(int8_t* const (&sl)[4], int off, const int (&Y)[16]) {
  int4 w[4];
  int* const wi = reinterpret_cast<int*>(w);
#pragma unroll
  for (int q = 0; q < 4; ++q) {
    const unsigned lo01 = __byte_perm(Y[4 * q], Y[4 * q + 1], 0x5140), hi01 = __byte_perm(Y[4 * q], Y[4 * q + 1], 0x7362);
    const unsigned lo23 = __byte_perm(Y[4 * q + 2], Y[4 * q + 3], 0x5140), hi23 = __byte_perm(Y[4 * q + 2], Y[4 * q + 3], 0x7362);
    wi[4 * 3 + q] = (int)(__byte_perm(lo01, lo23, 0x5410) ^ 0x80808080u);  // byte 0: slice 3
    wi[4 * 2 + q] = (int)(__byte_perm(lo01, lo23, 0x7632) ^ 0x80808080u);  // byte 1: slice 2
    wi[4 * 1 + q] = (int)(__byte_perm(hi01, hi23, 0x5410) ^ 0x80808080u);  // byte 2: slice 1
    wi[4 * 0 + q] = (int)__byte_perm(hi01, hi23, 0x7632);                  // byte 3: slice 0
  }
#pragma unroll
  for (int s = 0; s < 4; ++s) *reinterpret_cast<int4*>(sl[s] + off) = w[s];
}

// The slicing of version 2: X = trunc(x 2^(30 - e)) by one FMUL and one F2I (exact: the
// product is a float with |.| < 2^30, truncated toward zero as fixed30 truncates), e >= -96
// so that 2^(30 - e) is a float (a row below 2^-96 is sliced coarser; the check has none).
__device__ __forceinline__ float ws_scale(int e) { return __int_as_float((157 - e) << 23); }

__global__ void __launch_bounds__(WS_THREADS, 1) ozaki_ws_kernel(const Params p) {
  using Dg = Digits<true>;
  extern __shared__ __align__(16) unsigned char smem_ws[];
  WsSmem& sm = *reinterpret_cast<WsSmem*>(smem_ws);
  const int h = blockIdx.y, rh = blockIdx.x, tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
  const double gamma = p.gamma[h];
  const int nwin = (p.N + WS_W - 1) / WS_W;
  for (int j = tid; j < WS_W; j += WS_THREADS) sm.gtab[j] = (float)pow(gamma, (double)(WS_W - 1 - j));
  __syncthreads();
  long long t0 = clock64(), ns0 = globaltimer();

  if (warp >= 8) {  // the producer
    asm volatile("setmaxnreg.dec.sync.aligned.u32 %0;\n" ::"n"(WS_PROD_REGS));
    const int pt = tid - 256;
    const float* kb = p.k + (size_t)h * p.N * R + rh * RH;
    const float* vb = p.v + (size_t)h * p.N * D;
    auto issue = [&](int w) {  // window w's K half-rows and V rows into raw buffer w & 1 (zeros past the end)
      const int base = w * WS_W, n = min(WS_W, p.N - base), b = w & 1;
#pragma unroll 1
      for (int q = 0; q < WS_W * RH / 4 / 128; ++q) {
        const int i = pt + 128 * q, j = i / (RH / 4), c = (i % (RH / 4)) * 4;
        cp16(&sm.kraw[b][j][c], kb + (size_t)(base + min(j, n - 1)) * R + c, j < n ? 16 : 0);
      }
#pragma unroll 1
      for (int q = 0; q < WS_W * D / 4 / 128; ++q) {
        const int i = pt + 128 * q, j = i / (D / 4), c = (i % (D / 4)) * 4;
        cp16(&sm.vraw[b][j][c], vb + (size_t)(base + min(j, n - 1)) * D + c, j < n ? 16 : 0);
      }
    };
    issue(0);
    asm volatile("cp.async.commit_group;\n" ::: "memory");
    if (nwin > 1) issue(1);
    asm volatile("cp.async.commit_group;\n" ::: "memory");
    for (int w = 0; w < nwin; ++w) {
      const int b = w & 1, n = min(WS_W, p.N - w * WS_W);
      asm volatile("cp.async.wait_group 1;\n" ::: "memory");
      bar_sync(kProd, 128);  // raw window w landed for every producer thread
      if (w >= 2) bar_sync(kEmpty + b, WS_THREADS);  // the consumers are done with slot b (window w - 2)
      WsSlot& sl = sm.slot[b];
      if (p.reslice || w < 2) {
        int8_t* const ksl[4] = {sl.ks[0], sl.ks[1], sl.ks[2], sl.ks[3]};
        int8_t* const vsl[4] = {sl.vs[0], sl.vs[1], sl.vs[2], sl.vs[3]};
        {  // decayed K^T: row r, tokens 32 hf .. + 32; the row's scale over both halves
          const int r = pt & (RH - 1), hf = pt >> 6;
          float kd[32];
          float m = 0.f;
#pragma unroll
          for (int i = 0; i < 32; ++i) {
            const int j = 32 * hf + i;
            kd[i] = j < n ? sm.kraw[b][j][r] * sm.gtab[j + WS_W - n] : 0.f;
            m = fmaxf(m, fabsf(kd[i]));
          }
          sm.kmax[hf][r] = m;
          bar_sync(kProd, 128);
          const int e = max(row_exp(fmaxf(sm.kmax[0][r], sm.kmax[1][r])), -96);
          if (hf == 0) sl.er[r] = e;
          const float sc = ws_scale(e);
#pragma unroll
          for (int q = 0; q < 2; ++q) {
            int Y[16];
#pragma unroll
            for (int i = 0; i < 16; ++i)
              Y[i] = (p.flags & WS_SLICE_INT ? Dg::fixed(kd[16 * q + i], e) : __float2int_rz(kd[16 * q + i] * sc)) + Dg::bal;
            ws_store16(ksl, ws_off(r, 32 * hf + 16 * q, RH), Y);
          }
        }
        {  // V column c = pt, 64 tokens
          const int c = pt;
          float m = 0.f;
#pragma unroll 16
          for (int j = 0; j < WS_W; ++j) m = fmaxf(m, fabsf(sm.vraw[b][j][c]));
          const int e = max(row_exp(m), -96);
          sl.ed[c] = e << 20;
          const float sc = ws_scale(e);
#pragma unroll 2
          for (int q = 0; q < WS_W / 16; ++q) {
            int Y[16];
#pragma unroll
            for (int i = 0; i < 16; ++i) {
              const float x = sm.vraw[b][16 * q + i][c];
              Y[i] = (p.flags & WS_SLICE_INT ? Dg::fixed(x, e) : __float2int_rz(x * sc)) + Dg::bal;
            }
            ws_store16(vsl, ws_off(c, 16 * q, D), Y);
          }
        }
        fence_proxy_async();  // the slices are read by wgmma (the async proxy)
      }
      bar_sync(kProd, 128);  // every producer thread is done reading raw buffer b
      if (p.reload && w + 2 < nwin) issue(w + 2);
      asm volatile("cp.async.commit_group;\n" ::: "memory");
      bar_arrive(kFull + 2 * b, 256);
      bar_arrive(kFull + 2 * b + 1, 256);
    }
    asm volatile("cp.async.wait_group 0;\n" ::: "memory");
    for (int w = max(nwin - 2, 0); w < nwin; ++w) bar_sync(kEmpty + (w & 1), WS_THREADS);  // the last two arrivals
    return;
  }

  asm volatile("setmaxnreg.inc.sync.aligned.u32 %0;\n" ::"n"(WS_MMA_REGS));
  const int cw = warp >> 2, wq = warp & 3, g = lane >> 2, t = lane & 3;
  const double gfull = pow(gamma, (double)WS_W);
  double S[32];
#pragma unroll
  for (int i = 0; i < 32; ++i) S[i] = 0.0;
  int acc[4][32] = {};
  for (int w = 0; w < nwin; ++w) {
    const int b = w & 1, n = min(WS_W, p.N - w * WS_W);
    bar_sync(kFull + 2 * b + cw, 256);
    // ping-pong: warpgroup 1 multiplies while warpgroup 0 recombines, and the other way round
    if (cw == 1 || w > 0) bar_sync(kTurn + cw, 256);
    const WsSlot& sl = sm.slot[b];
    const uint32_t ka = (uint32_t)__cvta_generic_to_shared(sl.ks[0]);
    const uint32_t va = (uint32_t)__cvta_generic_to_shared(sl.vs[0]) + cw * 2048;
    if (!(p.flags & WS_NO_WGMMA)) {
      wg_fence();
#pragma unroll
      for (int ks = 0; ks < WS_W / 32; ++ks) {
        auto A = [&](int s) { return ws_desc(ka + s * WS_KSL + ks * RH * 32); };
        auto B = [&](int s) { return ws_desc(va + s * WS_VSL + ks * D * 32); };
        wg_s8_n64(acc[0], A(0), B(0), ks);
        wg_s8_n64(acc[1], A(0), B(1), ks);
        wg_s8_n64(acc[1], A(1), B(0), 1);
        wg_s8_n64(acc[2], A(0), B(2), ks);
        wg_s8_n64(acc[2], A(1), B(1), 1);
        wg_s8_n64(acc[2], A(2), B(0), 1);
        wg_s8_n64(acc[3], A(0), B(3), ks);
        wg_s8_n64(acc[3], A(1), B(2), 1);
        wg_s8_n64(acc[3], A(2), B(1), 1);
        wg_s8_n64(acc[3], A(3), B(0), 1);
      }
      wg_commit();
      wg_wait0();
    }
    if (cw == 0 || w + 1 < nwin) bar_arrive(kTurn + (cw ^ 1), 256);
    if (!(p.flags & WS_NO_RECOMB)) {
      const double gW = n == WS_W ? gfull : pow(gamma, (double)n);
      if (p.flags & WS_RECOMB5) {  // version 1's: two magic conversions, a DFMA, a DMUL and a DFMA
        const int er0 = sl.er[16 * wq + g], er1 = sl.er[16 * wq + g + 8];
#pragma unroll
        for (int i = 0; i < 8; ++i)
#pragma unroll
          for (int e = 0; e < 4; ++e) {
            const int x = 4 * i + e, col = 64 * cw + 8 * i + 2 * t + (e & 1);
            const double v = levels_to_double<Dg>(acc[0][x], acc[1][x], acc[2][x], acc[3][x]);
            const double scale = __hiloint2double(((e >> 1 ? er1 : er0) << 20) + sl.ed[col] + ((1023 - Dg::exp_bias) << 20), 0);
            S[x] = fma(S[x], gW, v * scale);
          }
      } else {
        // Two float64 operations per output. The levels are folded in integers into
        // d = bits(M) + a01 2^16 + a23 with M = 1.5 2^52 (one IMAD.WIDE; exact while
        // |a01 2^16 + a23| < 2^51), so that d = M + v as a double; then
        // w = fma(d, 2^k, -M 2^k) = v 2^k exactly, both constants built in their exponent
        // fields (k = er + ed - 36), and S = fma(S, gW, w).
        const int er0 = (sl.er[16 * wq + g] + 1023 - Dg::exp_bias) << 20;
        const int er1 = (sl.er[16 * wq + g + 8] + 1023 - Dg::exp_bias) << 20;
#pragma unroll
        for (int i = 0; i < 8; ++i)
#pragma unroll
          for (int e = 0; e < 4; ++e) {
            const int x = 4 * i + e, col = 64 * cw + 8 * i + 2 * t + (e & 1);
            const int a01 = (acc[0][x] << Dg::bits) + acc[1][x], a23 = (acc[2][x] << Dg::bits) + acc[3][x];
            const long long c = (long long)(((unsigned long long)(0x43380000u + (unsigned)(a23 >> 31)) << 32) | (unsigned)a23);
            const double d = __longlong_as_double((long long)a01 * (1 << (2 * Dg::bits)) + c);
            const int sh = (e >> 1 ? er1 : er0) + sl.ed[col];
            const double w2 = fma(d, __hiloint2double(sh, 0), __hiloint2double(sh + (int)(0xC3380000u - 0x3FF00000u), 0));
            S[x] = fma(S[x], gW, w2);
          }
      }
    }
    bar_arrive(kEmpty + b, WS_THREADS);
  }
  if (tid == 0) record_walk_clock(p, t0, ns0);
  double* so = p.s + (size_t)h * R * D;
#pragma unroll
  for (int i = 0; i < 8; ++i)
#pragma unroll
    for (int e = 0; e < 4; ++e) {
      const int row = rh * RH + 16 * wq + g + 8 * (e >> 1), col = 64 * cw + 8 * i + 2 * t + (e & 1);
      so[(size_t)row * D + col] = S[4 * i + e];
    }
}

#define CK(x) do { cudaError_t e_ = (x); if (e_ != cudaSuccess) { printf("%s: %s\n", #x, cudaGetErrorString(e_)); exit(1); } } while (0)

struct Run {
  int H, N;
  float *k, *v;
  double *gamma, *s;
  long long* clk;
};

Run make_run(int H, int N, std::vector<float>& hk, std::vector<float>& hv, std::vector<double>& hg) {
  Run r{H, N};
  hk.resize((size_t)H * N * R);
  hv.resize((size_t)H * N * D);
  hg.resize(H);
  uint64_t x = 88172645463325252ull;
  auto rnd = [&]() {  // xorshift + Box-Muller: normal draws
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    const double u1 = ((x >> 11) + 1.0) / 9007199254740993.0;
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    const double u2 = (x >> 11) / 9007199254740992.0;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  };
  for (auto& e : hk) e = (float)(rnd() / std::sqrt((double)R));
  for (auto& e : hv) e = (float)rnd();
  const double rates[3] = {0.96875, 0.999, 0.99998};
  for (int i = 0; i < H; ++i) hg[i] = rates[i % 3];
  CK(cudaMalloc(&r.k, hk.size() * 4));
  CK(cudaMalloc(&r.v, hv.size() * 4));
  CK(cudaMalloc(&r.gamma, H * 8));
  CK(cudaMalloc(&r.s, (size_t)H * R * D * 8));
  CK(cudaMalloc(&r.clk, 32));
  CK(cudaMemcpy(r.k, hk.data(), hk.size() * 4, cudaMemcpyHostToDevice));
  CK(cudaMemcpy(r.v, hv.data(), hv.size() * 4, cudaMemcpyHostToDevice));
  CK(cudaMemcpy(r.gamma, hg.data(), H * 8, cudaMemcpyHostToDevice));
  return r;
}

void free_run(Run& r) { cudaFree(r.k); cudaFree(r.v); cudaFree(r.gamma); cudaFree(r.s); cudaFree(r.clk); }

// which kernel the launches use: 0 version 1 with 7-bit digits, 1 version 1 with 8-bit
// digits, 2 version 2 (WS, 8-bit digits)
// (3: version 2 with WS_SLICE_INT | WS_RECOMB5, for the check)
int g_kind = 0;
const char* const kKindNames[] = {"v1 7-bit digits", "v1 8-bit digits", "v2 WS 8-bit    ", "v2 WS int/rec5 "};

void launch(const Run& r, int reload, int reslice = 1, int flags = 0) {
  Params p{r.k, r.v, r.gamma, r.s, r.clk, r.N, reload, reslice, flags};
  if (g_kind == 3) p.flags |= WS_SLICE_INT | WS_RECOMB5;
  if (g_kind >= 2) ozaki_ws_kernel<<<dim3(R / RH, r.H), WS_THREADS, sizeof(WsSmem)>>>(p);
  else if (g_kind == 1) ozaki_state_kernel<true><<<dim3(R / RH, r.H), THREADS, sizeof(Smem)>>>(p);
  else ozaki_state_kernel<false><<<dim3(R / RH, r.H), THREADS, sizeof(Smem)>>>(p);
}

}  // namespace

int main() {
  cudaDeviceProp prop;
  CK(cudaGetDeviceProperties(&prop, 0));
  printf("device: %s, %d SMs; shared memory per CTA %zu bytes\n", prop.name, prop.multiProcessorCount, sizeof(Smem));
  CK(cudaFuncSetAttribute(ozaki_state_kernel<false>, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)sizeof(Smem)));
  CK(cudaFuncSetAttribute(ozaki_state_kernel<true>, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)sizeof(Smem)));
  CK(cudaFuncSetAttribute(ozaki_ws_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)sizeof(WsSmem)));
  int fail = 0;
  {  // check: 6 heads (two of each decay rate), N = 4096 and a ragged 1000, both slicings
    for (int N : {4096, 1000}) {
      const int H = 6;
      std::vector<float> hk, hv;
      std::vector<double> hg;
      Run r = make_run(H, N, hk, hv, hg);
      std::vector<std::vector<double>> ref(H, std::vector<double>((size_t)R * D, 0.0));
      std::vector<double> rec(H);
      for (int h = 0; h < H; ++h) {  // float64 reference and the float32 recurrence's error
        std::vector<float> s32((size_t)R * D, 0.f);
        const float g32 = (float)hg[h];
        for (int j = 0; j < N; ++j) {
          const float* kj = &hk[((size_t)h * N + j) * R];
          const float* vj = &hv[((size_t)h * N + j) * D];
          for (int a = 0; a < R; ++a)
            for (int b = 0; b < D; ++b) {
              ref[h][a * D + b] = ref[h][a * D + b] * hg[h] + (double)kj[a] * vj[b];
              s32[a * D + b] = std::fma(s32[a * D + b], g32, kj[a] * vj[b]);
            }
        }
        double numr = 0, den = 0;
        for (size_t i = 0; i < s32.size(); ++i) {
          numr += ((double)s32[i] - ref[h][i]) * ((double)s32[i] - ref[h][i]);
          den += ref[h][i] * ref[h][i];
        }
        rec[h] = std::sqrt(numr / den);
      }
      for (int kind : {0, 1, 2, 3}) {
        g_kind = kind;
        CK(cudaMemset(r.s, 0xFF, (size_t)H * R * D * 8));  // poison
        launch(r, 1);
        CK(cudaGetLastError());
        CK(cudaDeviceSynchronize());
        std::vector<double> got((size_t)H * R * D);
        CK(cudaMemcpy(got.data(), r.s, got.size() * 8, cudaMemcpyDeviceToHost));
        for (int h = 0; h < H; ++h) {
          double num = 0, num32 = 0, den = 0;
          bool finite = true;
          for (size_t i = 0; i < ref[h].size(); ++i) {
            const double o = got[(size_t)h * R * D + i], x = ref[h][i];
            if (!std::isfinite(o)) finite = false;
            num += (o - x) * (o - x);
            num32 += ((double)(float)o - x) * ((double)(float)o - x);
            den += x * x;
          }
          const double err = std::sqrt(num / den), err32 = std::sqrt(num32 / den);
          const bool ok = finite && err32 <= 2 * rec[h] && err32 <= 1e-5;
          fail += !ok;
          if (!ok) {  // a few elements, got / reference, to tell a layout error
            const int at[][2] = {{0, 0}, {0, 1}, {1, 0}, {8, 0}, {0, 8}, {0, 64}, {64, 0}, {17, 33}};
            for (auto& q : at)
              printf("  S[%d][%d]: %.6e / %.6e\n", q[0], q[1], got[(size_t)h * R * D + q[0] * D + q[1]], ref[h][q[0] * D + q[1]]);
          }
          printf("check %s N=%d head %d decay %.5f: state error %.2e (as float32 %.2e), float32 recurrence %.2e: %s\n",
                 kKindNames[kind], N, h, hg[h], err, err32, rec[h], ok ? "ok" : "FAIL");
        }
      }
      free_run(r);
    }
  }
  {  // timing: H heads x N tokens, 2 CTAs per head; cycles per (token, head) on the whole GPU.
    struct Mode {
      int kind, reload, reslice, flags;
      const char* name;
    };
    const Mode modes[] = {
        {1, 1, 1, 0, "streaming: load, slice, multiply every window"},
        {1, 0, 1, 0, "compute-only: no loads after the first window(s)"},
        {1, 0, 0, 0, "products only: no loads nor slicing after them"},
        {2, 1, 1, 0, "streaming"},
        {2, 0, 1, 0, "compute-only"},
        {2, 0, 1, WS_SLICE_INT, "compute-only, integer slicing"},
        {2, 0, 0, 0, "products only"},
        {2, 0, 0, WS_RECOMB5, "products only, version 1's recombination"},
        {2, 0, 0, WS_NO_RECOMB, "wgmma only"},
        {2, 0, 0, WS_NO_WGMMA, "recombination only"},
        {2, 0, 1, WS_NO_WGMMA | WS_NO_RECOMB, "slicing only"},
        {2, 0, 1, WS_NO_WGMMA | WS_NO_RECOMB | WS_SLICE_INT, "slicing only, integer slicing"},
        {2, 1, 1, WS_NO_WGMMA | WS_NO_RECOMB, "loads and slicing only"},
    };
    const int H = 264, N = 8192;
    std::vector<float> hk, hv;
    std::vector<double> hg;
    Run r = make_run(H, N, hk, hv, hg);
    cudaEvent_t e0, e1;
    cudaEventCreate(&e0);
    cudaEventCreate(&e1);
    for (const Mode& m : modes) {
      g_kind = m.kind;
      launch(r, m.reload, m.reslice, m.flags);
      CK(cudaGetLastError());
      std::vector<float> ms;
      long long clk[4] = {0, 0, 0, 1};
      for (int it = 0; it < 7; ++it) {
        cudaEventRecord(e0);
        launch(r, m.reload, m.reslice, m.flags);
        cudaEventRecord(e1);
        CK(cudaEventSynchronize(e1));
        float t = 0;
        cudaEventElapsedTime(&t, e0, e1);
        ms.push_back(t);
        CK(cudaMemcpy(clk, r.clk, 32, cudaMemcpyDeviceToHost));
      }
      std::sort(ms.begin(), ms.end());
      const double med = ms[ms.size() / 2];
      // one CTA's clock cycles over its walk against the global timer: the SM clock under load
      const double ghz = (double)(clk[1] - clk[0]) / (double)(clk[3] - clk[2]);
      const double cyc = med * 1e-3 * ghz * 1e9 * prop.multiProcessorCount / ((double)H * N);
      printf("time %s | %-50s | H=%d N=%d: median %.3f ms, SM clock ~%.2f GHz, %6.1f SM cycles per (token, head)\n",
             kKindNames[m.kind], m.name, H, N, med, ghz, cyc);
    }
    printf("(the float64 tensor cores' peak for the same update: 128 SM cycles per (token, head))\n");
    free_run(r);
  }
  printf("%s\n", fail ? "CHECK FAILED" : "check passed");
  return fail ? 1 : 0;
}
