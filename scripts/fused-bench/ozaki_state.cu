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
// recurrence has); the check reports what that costs against float64.
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
};

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
          const int a01 = (acc[0][nn][e] << Dg::bits) + acc[1][nn][e], a23 = (acc[2][nn][e] << Dg::bits) + acc[3][nn][e];
          const double v = fma(i2d_magic(a01), (double)(1 << (2 * Dg::bits)), i2d_magic(a23));
          const double scale = __hiloint2double((sm.er[row] + sm.ed[col] - Dg::exp_bias + 1023) << 20, 0);
          S[pass][nn][e] = fma(S[pass][nn][e], gW, v * scale);
        }
    }
    __syncthreads();
  }
  if (blockIdx.x == 0 && blockIdx.y == 0 && tid == 0) {
    p.clk[0] = t0; p.clk[1] = clock64(); p.clk[2] = ns0; p.clk[3] = globaltimer();
  }
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

bool g_d8 = false;  // which slicing the launches use

void launch(const Run& r, int reload, int reslice = 1) {
  Params p{r.k, r.v, r.gamma, r.s, r.clk, r.N, reload, reslice};
  if (g_d8) ozaki_state_kernel<true><<<dim3(R / RH, r.H), THREADS, sizeof(Smem)>>>(p);
  else ozaki_state_kernel<false><<<dim3(R / RH, r.H), THREADS, sizeof(Smem)>>>(p);
}

}  // namespace

int main() {
  cudaDeviceProp prop;
  CK(cudaGetDeviceProperties(&prop, 0));
  printf("device: %s, %d SMs; shared memory per CTA %zu bytes\n", prop.name, prop.multiProcessorCount, sizeof(Smem));
  CK(cudaFuncSetAttribute(ozaki_state_kernel<false>, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)sizeof(Smem)));
  CK(cudaFuncSetAttribute(ozaki_state_kernel<true>, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)sizeof(Smem)));
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
      for (bool d8 : {false, true}) {
        g_d8 = d8;
        CK(cudaMemset(r.s, 0xFF, (size_t)H * R * D * 8));  // poison
        launch(r, 1);
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
          printf("check %s N=%d head %d decay %.5f: state error %.2e (as float32 %.2e), float32 recurrence %.2e: %s\n",
                 d8 ? "8-bit digits" : "7-bit digits", N, h, hg[h], err, err32, rec[h], ok ? "ok" : "FAIL");
        }
      }
      free_run(r);
    }
  }
  {  // timing: H heads x N tokens, 2 CTAs per head; cycles per (token, head) on the whole GPU.
     // Modes: streaming (load, slice, multiply every window), compute-only (no loads after the
     // first window), products only (no loads nor slicing after the first window).
    static const char* names[] = {"streaming    ", "compute-only ", "products only"};
    for (bool d8 : {false, true})
      for (int mode : {0, 1, 2}) {
        g_d8 = d8;
        const int H = 264;
        const int reload = mode == 0, reslice = mode < 2;
        const int N = 8192;
        std::vector<float> hk, hv;
        std::vector<double> hg;
        Run r = make_run(H, N, hk, hv, hg);
        cudaEvent_t e0, e1;
        cudaEventCreate(&e0);
        cudaEventCreate(&e1);
        launch(r, reload, reslice);
        std::vector<float> ms;
        long long clk[4] = {0, 0, 0, 1};
        for (int it = 0; it < 7; ++it) {
          cudaEventRecord(e0);
          launch(r, reload, reslice);
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
        printf("time %s %s H=%d N=%d (%d CTAs): median %.3f ms, SM clock ~%.2f GHz, %.1f SM cycles per (token, head) "
               "(float64 tensor-core peak for the same update: 128)\n",
               d8 ? "8-bit digits" : "7-bit digits", names[mode], H, N, 2 * H, med, ghz, cyc);
        free_run(r);
      }
  }
  printf("%s\n", fail ? "CHECK FAILED" : "check passed");
  return fail ? 1 : 0;
}
