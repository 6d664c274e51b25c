// How fast the int8 tensor cores run on Hopper, against the float64 ones: the question behind
// an exact float32 path from int8 slices with integer accumulation (Ozaki-style;
// docs/fused-design.md, "Thirty-second session"). Probes, one CTA per SM, clock64 per CTA:
//   sync  mma.sync m16n8k32 .s8 (IMMA) and m16n8k16 .f64 (DMMA) with W warps per scheduler and
//         C independent accumulator chains per warp;
//   wg    wgmma m64nNk32 .s8 (and m64n256k16 .f16 as a known peak) from shared memory, W
//         warpgroups per CTA, G wgmmas per commit group;
//   cvt   the conversions and float64 arithmetic that recombine the int32 slice sums
//         (I2F.F64.S32, I2F.F64.S64, I2F.F32.S32, DFMA), alone and X of them per IMMA.
//   nvcc -gencode=arch=compute_90a,code=sm_90a -O3 -o imma_probe scripts/fused-bench/imma_probe.cu
//   ./imma_probe
#include <cstdint>
#include <type_traits>

#include "probe.cuh"

__device__ __forceinline__ void imma(int (&d)[4], const unsigned (&a)[4], const unsigned (&b)[2]) {
  asm volatile("mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
               : "+r"(d[0]), "+r"(d[1]), "+r"(d[2]), "+r"(d[3])
               : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}

// The warpgroup MMAs (both operands by shared-memory descriptor; scale-d from `acc`).
__device__ __forceinline__ void wg_s8_n128(int* d, uint64_t da, uint64_t db, int acc) {
  asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, %66, 0;\n"
    "wgmma.mma_async.sync.aligned.m64n128k32.s32.s8.s8 {%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15,%16,%17,%18,%19,%20,%21,%22,%23,%24,%25,%26,%27,%28,%29,%30,%31,%32,%33,%34,%35,%36,%37,%38,%39,%40,%41,%42,%43,%44,%45,%46,%47,%48,%49,%50,%51,%52,%53,%54,%55,%56,%57,%58,%59,%60,%61,%62,%63}, %64, %65, p;\n}\n"
    : "+r"(d[0]), "+r"(d[1]), "+r"(d[2]), "+r"(d[3]), "+r"(d[4]), "+r"(d[5]), "+r"(d[6]), "+r"(d[7]), "+r"(d[8]), "+r"(d[9]), "+r"(d[10]), "+r"(d[11]), "+r"(d[12]), "+r"(d[13]), "+r"(d[14]), "+r"(d[15]), "+r"(d[16]), "+r"(d[17]), "+r"(d[18]), "+r"(d[19]), "+r"(d[20]), "+r"(d[21]), "+r"(d[22]), "+r"(d[23]), "+r"(d[24]), "+r"(d[25]), "+r"(d[26]), "+r"(d[27]), "+r"(d[28]), "+r"(d[29]), "+r"(d[30]), "+r"(d[31]), "+r"(d[32]), "+r"(d[33]), "+r"(d[34]), "+r"(d[35]), "+r"(d[36]), "+r"(d[37]), "+r"(d[38]), "+r"(d[39]), "+r"(d[40]), "+r"(d[41]), "+r"(d[42]), "+r"(d[43]), "+r"(d[44]), "+r"(d[45]), "+r"(d[46]), "+r"(d[47]), "+r"(d[48]), "+r"(d[49]), "+r"(d[50]), "+r"(d[51]), "+r"(d[52]), "+r"(d[53]), "+r"(d[54]), "+r"(d[55]), "+r"(d[56]), "+r"(d[57]), "+r"(d[58]), "+r"(d[59]), "+r"(d[60]), "+r"(d[61]), "+r"(d[62]), "+r"(d[63])
    : "l"(da), "l"(db), "r"(acc));
}

__device__ __forceinline__ void wg_s8_n256(int* d, uint64_t da, uint64_t db, int acc) {
  asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, %130, 0;\n"
    "wgmma.mma_async.sync.aligned.m64n256k32.s32.s8.s8 {%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15,%16,%17,%18,%19,%20,%21,%22,%23,%24,%25,%26,%27,%28,%29,%30,%31,%32,%33,%34,%35,%36,%37,%38,%39,%40,%41,%42,%43,%44,%45,%46,%47,%48,%49,%50,%51,%52,%53,%54,%55,%56,%57,%58,%59,%60,%61,%62,%63,%64,%65,%66,%67,%68,%69,%70,%71,%72,%73,%74,%75,%76,%77,%78,%79,%80,%81,%82,%83,%84,%85,%86,%87,%88,%89,%90,%91,%92,%93,%94,%95,%96,%97,%98,%99,%100,%101,%102,%103,%104,%105,%106,%107,%108,%109,%110,%111,%112,%113,%114,%115,%116,%117,%118,%119,%120,%121,%122,%123,%124,%125,%126,%127}, %128, %129, p;\n}\n"
    : "+r"(d[0]), "+r"(d[1]), "+r"(d[2]), "+r"(d[3]), "+r"(d[4]), "+r"(d[5]), "+r"(d[6]), "+r"(d[7]), "+r"(d[8]), "+r"(d[9]), "+r"(d[10]), "+r"(d[11]), "+r"(d[12]), "+r"(d[13]), "+r"(d[14]), "+r"(d[15]), "+r"(d[16]), "+r"(d[17]), "+r"(d[18]), "+r"(d[19]), "+r"(d[20]), "+r"(d[21]), "+r"(d[22]), "+r"(d[23]), "+r"(d[24]), "+r"(d[25]), "+r"(d[26]), "+r"(d[27]), "+r"(d[28]), "+r"(d[29]), "+r"(d[30]), "+r"(d[31]), "+r"(d[32]), "+r"(d[33]), "+r"(d[34]), "+r"(d[35]), "+r"(d[36]), "+r"(d[37]), "+r"(d[38]), "+r"(d[39]), "+r"(d[40]), "+r"(d[41]), "+r"(d[42]), "+r"(d[43]), "+r"(d[44]), "+r"(d[45]), "+r"(d[46]), "+r"(d[47]), "+r"(d[48]), "+r"(d[49]), "+r"(d[50]), "+r"(d[51]), "+r"(d[52]), "+r"(d[53]), "+r"(d[54]), "+r"(d[55]), "+r"(d[56]), "+r"(d[57]), "+r"(d[58]), "+r"(d[59]), "+r"(d[60]), "+r"(d[61]), "+r"(d[62]), "+r"(d[63]), "+r"(d[64]), "+r"(d[65]), "+r"(d[66]), "+r"(d[67]), "+r"(d[68]), "+r"(d[69]), "+r"(d[70]), "+r"(d[71]), "+r"(d[72]), "+r"(d[73]), "+r"(d[74]), "+r"(d[75]), "+r"(d[76]), "+r"(d[77]), "+r"(d[78]), "+r"(d[79]), "+r"(d[80]), "+r"(d[81]), "+r"(d[82]), "+r"(d[83]), "+r"(d[84]), "+r"(d[85]), "+r"(d[86]), "+r"(d[87]), "+r"(d[88]), "+r"(d[89]), "+r"(d[90]), "+r"(d[91]), "+r"(d[92]), "+r"(d[93]), "+r"(d[94]), "+r"(d[95]), "+r"(d[96]), "+r"(d[97]), "+r"(d[98]), "+r"(d[99]), "+r"(d[100]), "+r"(d[101]), "+r"(d[102]), "+r"(d[103]), "+r"(d[104]), "+r"(d[105]), "+r"(d[106]), "+r"(d[107]), "+r"(d[108]), "+r"(d[109]), "+r"(d[110]), "+r"(d[111]), "+r"(d[112]), "+r"(d[113]), "+r"(d[114]), "+r"(d[115]), "+r"(d[116]), "+r"(d[117]), "+r"(d[118]), "+r"(d[119]), "+r"(d[120]), "+r"(d[121]), "+r"(d[122]), "+r"(d[123]), "+r"(d[124]), "+r"(d[125]), "+r"(d[126]), "+r"(d[127])
    : "l"(da), "l"(db), "r"(acc));
}

__device__ __forceinline__ void wg_f16_n256(float* d, uint64_t da, uint64_t db, int acc) {
  asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, %130, 0;\n"
    "wgmma.mma_async.sync.aligned.m64n256k16.f32.f16.f16 {%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15,%16,%17,%18,%19,%20,%21,%22,%23,%24,%25,%26,%27,%28,%29,%30,%31,%32,%33,%34,%35,%36,%37,%38,%39,%40,%41,%42,%43,%44,%45,%46,%47,%48,%49,%50,%51,%52,%53,%54,%55,%56,%57,%58,%59,%60,%61,%62,%63,%64,%65,%66,%67,%68,%69,%70,%71,%72,%73,%74,%75,%76,%77,%78,%79,%80,%81,%82,%83,%84,%85,%86,%87,%88,%89,%90,%91,%92,%93,%94,%95,%96,%97,%98,%99,%100,%101,%102,%103,%104,%105,%106,%107,%108,%109,%110,%111,%112,%113,%114,%115,%116,%117,%118,%119,%120,%121,%122,%123,%124,%125,%126,%127}, %128, %129, p, 1, 1, 0, 0;\n}\n"
    : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31]), "+f"(d[32]), "+f"(d[33]), "+f"(d[34]), "+f"(d[35]), "+f"(d[36]), "+f"(d[37]), "+f"(d[38]), "+f"(d[39]), "+f"(d[40]), "+f"(d[41]), "+f"(d[42]), "+f"(d[43]), "+f"(d[44]), "+f"(d[45]), "+f"(d[46]), "+f"(d[47]), "+f"(d[48]), "+f"(d[49]), "+f"(d[50]), "+f"(d[51]), "+f"(d[52]), "+f"(d[53]), "+f"(d[54]), "+f"(d[55]), "+f"(d[56]), "+f"(d[57]), "+f"(d[58]), "+f"(d[59]), "+f"(d[60]), "+f"(d[61]), "+f"(d[62]), "+f"(d[63]), "+f"(d[64]), "+f"(d[65]), "+f"(d[66]), "+f"(d[67]), "+f"(d[68]), "+f"(d[69]), "+f"(d[70]), "+f"(d[71]), "+f"(d[72]), "+f"(d[73]), "+f"(d[74]), "+f"(d[75]), "+f"(d[76]), "+f"(d[77]), "+f"(d[78]), "+f"(d[79]), "+f"(d[80]), "+f"(d[81]), "+f"(d[82]), "+f"(d[83]), "+f"(d[84]), "+f"(d[85]), "+f"(d[86]), "+f"(d[87]), "+f"(d[88]), "+f"(d[89]), "+f"(d[90]), "+f"(d[91]), "+f"(d[92]), "+f"(d[93]), "+f"(d[94]), "+f"(d[95]), "+f"(d[96]), "+f"(d[97]), "+f"(d[98]), "+f"(d[99]), "+f"(d[100]), "+f"(d[101]), "+f"(d[102]), "+f"(d[103]), "+f"(d[104]), "+f"(d[105]), "+f"(d[106]), "+f"(d[107]), "+f"(d[108]), "+f"(d[109]), "+f"(d[110]), "+f"(d[111]), "+f"(d[112]), "+f"(d[113]), "+f"(d[114]), "+f"(d[115]), "+f"(d[116]), "+f"(d[117]), "+f"(d[118]), "+f"(d[119]), "+f"(d[120]), "+f"(d[121]), "+f"(d[122]), "+f"(d[123]), "+f"(d[124]), "+f"(d[125]), "+f"(d[126]), "+f"(d[127])
    : "l"(da), "l"(db), "r"(acc));
}

__device__ __forceinline__ void wg_fence() { asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory"); }
__device__ __forceinline__ void wg_commit() { asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory"); }
__device__ __forceinline__ void wg_wait0() { asm volatile("wgmma.wait_group.sync.aligned 0;\n" ::: "memory"); }

// A K-major operand without swizzle: 8-row core matrices of 16 bytes per row (128 bytes),
// the two along K 128 bytes apart (LBO), 8-row groups 256 bytes apart (SBO).
__device__ __forceinline__ uint64_t desc(const void* p) {
  const uint32_t a = (uint32_t)__cvta_generic_to_shared(p);
  return (uint64_t)((a & 0x3FFFF) >> 4) | ((uint64_t)(128 >> 4) << 16) | ((uint64_t)(256 >> 4) << 32);
}

// ---- mma.sync: KIND 0 IMMA m16n8k32 .s8, KIND 1 DMMA m16n8k16 .f64 ----
template <int KIND, int C>
__global__ void probe_sync(long long* out, long long* cyc, int iters) {
  long long s = 0;
  __syncthreads();
  long long t0 = clock64();
  if constexpr (KIND == 0) {
    int acc[C][4] = {};
    const unsigned a[4] = {threadIdx.x * 0x01010101u, 3u, 5u, 7u}, b[2] = {threadIdx.x, 0x01020304u};
    for (int it = 0; it < iters; ++it)
#pragma unroll
      for (int c = 0; c < C; ++c) imma(acc[c], a, b);
    __syncthreads();
    t0 = clock64() - t0;
#pragma unroll
    for (int c = 0; c < C; ++c) s += acc[c][0] + acc[c][1] + acc[c][2] + acc[c][3];
  } else {
    double acc[C][4] = {}, a[8], b[4];
#pragma unroll
    for (int i = 0; i < 8; ++i) a[i] = 1e-3 * (threadIdx.x + i);
#pragma unroll
    for (int i = 0; i < 4; ++i) b[i] = 1e-3 * ((int)threadIdx.x - i);
    for (int it = 0; it < iters; ++it)
#pragma unroll
      for (int c = 0; c < C; ++c) dmma(acc[c], a, b);
    __syncthreads();
    t0 = clock64() - t0;
#pragma unroll
    for (int c = 0; c < C; ++c) s += (long long)(acc[c][0] + acc[c][1] + acc[c][2] + acc[c][3]);
  }
  out[blockIdx.x * blockDim.x + threadIdx.x] = s;
  if (threadIdx.x == 0) cyc[blockIdx.x] = t0;
}

// ---- recombination arithmetic: MODE 0 cvt.rn.f64.s32, 1 cvt.rn.f64.s64, 2 cvt.rn.f32.s32,
// 3 DFMA; X of them per IMMA (X = 0: none), or alone when IMMA is false. Eight independent
// chains, results folded into a sink so that nothing is dead code.
template <int MODE, int X, bool IMMA>
__global__ void probe_mix(long long* out, long long* cyc, int iters) {
  constexpr int C = 4, K = IMMA ? X : 8;
  int acc[C][4] = {};
  const unsigned a[4] = {threadIdx.x * 0x01010101u, 3u, 5u, 7u}, b[2] = {threadIdx.x, 0x01020304u};
  unsigned long long sink = 0;
  double f[8];
#pragma unroll
  for (int i = 0; i < 8; ++i) f[i] = 1.0 + 1e-9 * (threadIdx.x + i);
  const double m = 1.0 + 1e-12 * threadIdx.x;
  __syncthreads();
  long long t0 = clock64();
  for (int it = 0; it < iters; ++it) {
#pragma unroll
    for (int c = 0; c < C; ++c) {
      if constexpr (IMMA) imma(acc[c], a, b);
#pragma unroll
      for (int x = 0; x < K; ++x) {
        const int v = it * 64 + c * 8 + x + (int)threadIdx.x;
        if constexpr (MODE == 0) sink ^= (unsigned long long)__double_as_longlong((double)v);
        if constexpr (MODE == 1) sink ^= (unsigned long long)__double_as_longlong((double)((long long)v << 20));
        if constexpr (MODE == 2) sink ^= __float_as_uint((float)v);
        if constexpr (MODE == 3) f[x & 7] = fma(f[x & 7], m, 1e-20);
      }
    }
  }
  __syncthreads();
  t0 = clock64() - t0;
  long long s = (long long)sink + (long long)(f[0] + f[1] + f[2] + f[3] + f[4] + f[5] + f[6] + f[7]);
#pragma unroll
  for (int c = 0; c < C; ++c) s += acc[c][0] + acc[c][1] + acc[c][2] + acc[c][3];
  out[blockIdx.x * blockDim.x + threadIdx.x] = s;
  if (threadIdx.x == 0) cyc[blockIdx.x] = t0;
}

// ---- wgmma: KIND 0 s8 m64n128k32, 1 s8 m64n256k32, 2 f16 m64n256k16; G per commit group ----
template <int KIND, int G>
__global__ void probe_wg(long long* out, long long* cyc, int iters) {
  __shared__ __align__(1024) unsigned char sm[2048 + 8192];
  for (int i = threadIdx.x; i < (int)sizeof(sm); i += blockDim.x) sm[i] = (unsigned char)(i * 37 + 11);
  asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");
  __syncthreads();
  const uint64_t da = desc(sm), db = desc(sm + 2048);
  constexpr int NACC = KIND == 0 ? 64 : 128;
  using Acc = typename std::conditional<KIND == 2, float, int>::type;
  Acc d[NACC];
#pragma unroll
  for (int i = 0; i < NACC; ++i) d[i] = Acc(0);
  __syncthreads();
  long long t0 = clock64();
  for (int it = 0; it < iters; ++it) {
    wg_fence();
#pragma unroll
    for (int g = 0; g < G; ++g) {
      if constexpr (KIND == 0) wg_s8_n128(d, da, db, 1);
      if constexpr (KIND == 1) wg_s8_n256(d, da, db, 1);
      if constexpr (KIND == 2) wg_f16_n256(d, da, db, 1);
    }
    wg_commit();
    wg_wait0();
  }
  __syncthreads();
  t0 = clock64() - t0;
  long long s = 0;
#pragma unroll
  for (int i = 0; i < NACC; ++i) s += (long long)d[i];
  out[blockIdx.x * blockDim.x + threadIdx.x] = s;
  if (threadIdx.x == 0) cyc[blockIdx.x] = t0;
}

// Launches a probe twice (the first warms up) on one CTA per SM of `threads` threads; the mean
// over the SMs of the second launch's cycles, or a negative value when a launch failed.
template <int KIND, int C>
static void run_sync(int W, long long* out, long long* cyc, int sms) {
  const int iters = 4096 / C;
  const double mean = mean_cycles(probe_sync<KIND, C>, 128 * W, out, cyc, sms, iters);
  if (mean < 0) return;
  const double per = mean / (4.0 * W * iters * C);  // SM cycles per instruction
  const double ops = KIND == 0 ? 16 * 8 * 32 * 2 : 16 * 8 * 16 * 2;
  printf("sync %s W=%d C=%2d: %6.2f SM cycles per instruction, %7.0f ops per clock per SM\n",
         KIND == 0 ? "IMMA m16n8k32 s8 " : "DMMA m16n8k16 f64", W, C, per, ops / per);
}

template <int MODE, int X, bool IMMA>
static void run_mix(int W, long long* out, long long* cyc, int sms) {
  const int iters = 1024;
  const double mean = mean_cycles(probe_mix<MODE, X, IMMA>, 128 * W, out, cyc, sms, iters);
  if (mean < 0) return;
  static const char* names[] = {"I2F.F64.S32", "I2F.F64.S64", "I2F.F32.S32", "DFMA"};
  if (IMMA) {
    const double per = mean / (4.0 * W * iters * 4);
    printf("mix  W=%d IMMA + %d %-11s: %6.2f SM cycles per IMMA\n", W, X, X ? names[MODE] : "-", per);
  } else {
    const double per = (4.0 * W * 32 * iters * 4 * 8) / mean;
    printf("alone W=%d %-11s: %6.1f per clock per SM\n", W, names[MODE], per);
  }
}

template <int KIND, int G>
static void run_wg(int W, long long* out, long long* cyc, int sms) {
  const int iters = 256;
  const double mean = mean_cycles(probe_wg<KIND, G>, 128 * W, out, cyc, sms, iters);
  if (mean < 0) return;
  const double per = mean / ((double)W * iters * G);  // SM cycles per wgmma
  const double ops = KIND == 0 ? 64.0 * 128 * 32 * 2 : KIND == 1 ? 64.0 * 256 * 32 * 2 : 64.0 * 256 * 16 * 2;
  static const char* names[] = {"s8 m64n128k32", "s8 m64n256k32", "f16 m64n256k16"};
  printf("wg   %-14s W=%d G=%2d: %7.1f SM cycles per wgmma, %7.0f ops per clock per SM\n", names[KIND], W, G, per,
         ops / per);
}

int main() {
  int clk = 0;
  cudaDeviceGetAttribute(&clk, cudaDevAttrClockRate, 0);
  char note[64];
  snprintf(note, sizeof note, ", max SM clock %d MHz", clk / 1000);
  const int sms = probe_device(note);
  long long *out, *cyc;
  cudaMalloc(&out, sizeof(long long) * sms * 1024);
  cudaMalloc(&cyc, sizeof(long long) * sms);
  for (int W = 1; W <= 2; ++W) {
    run_sync<0, 2>(W, out, cyc, sms); run_sync<0, 4>(W, out, cyc, sms); run_sync<0, 8>(W, out, cyc, sms);
    run_sync<1, 2>(W, out, cyc, sms); run_sync<1, 4>(W, out, cyc, sms); run_sync<1, 8>(W, out, cyc, sms);
  }
  for (int W = 1; W <= 2; ++W) {
    run_wg<0, 8>(W, out, cyc, sms); run_wg<0, 16>(W, out, cyc, sms);
    run_wg<1, 8>(W, out, cyc, sms); run_wg<1, 16>(W, out, cyc, sms);
    run_wg<2, 8>(W, out, cyc, sms); run_wg<2, 16>(W, out, cyc, sms);
  }
  for (int W = 1; W <= 2; ++W) {
    run_mix<0, 0, false>(W, out, cyc, sms); run_mix<1, 0, false>(W, out, cyc, sms);
    run_mix<2, 0, false>(W, out, cyc, sms); run_mix<3, 0, false>(W, out, cyc, sms);
  }
  for (int W = 1; W <= 2; ++W) {
    run_mix<0, 0, true>(W, out, cyc, sms);
    run_mix<0, 1, true>(W, out, cyc, sms); run_mix<0, 2, true>(W, out, cyc, sms);
    run_mix<1, 1, true>(W, out, cyc, sms); run_mix<1, 2, true>(W, out, cyc, sms);
    run_mix<2, 2, true>(W, out, cyc, sms); run_mix<3, 2, true>(W, out, cyc, sms); run_mix<3, 4, true>(W, out, cyc, sms);
  }
  cudaFree(out);
  cudaFree(cyc);
  return 0;
}
