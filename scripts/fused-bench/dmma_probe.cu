// How fast the float64 tensor cores (mma.sync m16n8k16 .f64, sm_90) run for a given number of
// warps per scheduler and of independent accumulator chains per warp: the question behind
// version 4's efficiency (docs/fused-design.md, "Fourteenth session"). One CTA per SM, W warps
// per scheduler (4 W warps), each running `iters` rounds of C DMMA into C accumulators.
// LOADB: each DMMA's B operand comes from shared memory (two 16-byte loads, as version 4's
// S^T Q^T and state update load theirs) instead of registers. Also the m8n8k4 shape, and
// (PROBE_MIX=1) which other instructions slow the DMMA down: conversions, DMUL and the integer
// widening, X of each per DMMA (fifteenth session).
//   nvcc -gencode=arch=compute_90a,code=sm_90a -O3 -o dmma_probe scripts/fused-bench/dmma_probe.cu
//   ./dmma_probe            (prints SM cycles per DMMA; 16 is the peak of 256 flop per clock)
//   PROBE_MIX=1 ./dmma_probe
#include <cstdlib>

#include "probe.cuh"

// The DMMA as this probe has measured it since the fourteenth session: plain `asm`, so that
// ptxas may schedule the DMMAs among the loads (probe.cuh's `dmma` is `asm volatile`, as the
// int8 and FFMA probes measured it)
__device__ __forceinline__ void dmma_sched(double (&d)[4], const double (&a)[8], const double (&b)[4]) {
  asm("mma.sync.aligned.m16n8k16.row.col.f64.f64.f64.f64 {%0,%1,%2,%3}, {%4,%5,%6,%7,%8,%9,%10,%11}, "
      "{%12,%13,%14,%15}, {%0,%1,%2,%3};\n"
      : "+d"(d[0]), "+d"(d[1]), "+d"(d[2]), "+d"(d[3])
      : "d"(a[0]), "d"(a[1]), "d"(a[2]), "d"(a[3]), "d"(a[4]), "d"(a[5]), "d"(a[6]), "d"(a[7]),
        "d"(b[0]), "d"(b[1]), "d"(b[2]), "d"(b[3]));
}

// m8n8k4 .f64 (DMMA.884, the Ampere shape): its accumulator (D[g][2t], D[g][2t + 1]) is also
// an A operand (A[g][t]) as it stands. A fragment: 1 double, B: 1, D: 2.
__device__ __forceinline__ void dmma884(double (&d)[2], double a, double b) {
  asm("mma.sync.aligned.m8n8k4.row.col.f64.f64.f64.f64 {%0,%1}, {%2}, {%3}, {%0,%1};\n"
      : "+d"(d[0]), "+d"(d[1])
      : "d"(a), "d"(b));
}

template <int C>
__global__ void probe884(double* out, long long* cyc, int iters) {
  double acc[C][2];
  const double a = 1e-3 * threadIdx.x, b = -1e-3 * threadIdx.x;
#pragma unroll
  for (int c = 0; c < C; ++c) acc[c][0] = acc[c][1] = 0.0;
  __syncthreads();
  const long long t0 = clock64();
  for (int it = 0; it < iters; ++it) {
#pragma unroll
    for (int c = 0; c < C; ++c) dmma884(acc[c], a, b);
  }
  __syncthreads();
  const long long t1 = clock64();
  double s = 0.0;
#pragma unroll
  for (int c = 0; c < C; ++c) s += acc[c][0] + acc[c][1];
  out[blockIdx.x * blockDim.x + threadIdx.x] = s;
  if (threadIdx.x == 0) cyc[blockIdx.x] = t1 - t0;
}

// The m16n8k16 probes' end: the clock stops once every warp is done; the accumulators (and
// s) are stored so that no DMMA is dead code.
template <int C>
__device__ __forceinline__ void probe_end(const double (&acc)[C][4], double s, long long t0, double* out,
                                          long long* cyc) {
  __syncthreads();
  const long long t1 = clock64();
#pragma unroll
  for (int c = 0; c < C; ++c)
#pragma unroll
    for (int e = 0; e < 4; ++e) s += acc[c][e];
  out[blockIdx.x * blockDim.x + threadIdx.x] = s;
  if (threadIdx.x == 0) cyc[blockIdx.x] = t1 - t0;
}

template <int C, bool LOADB>
__global__ void probe(double* out, long long* cyc, int iters) {
  __shared__ double2 sB[16][2][32];
  const int lane = threadIdx.x & 31;
  for (int i = threadIdx.x; i < 16 * 2 * 32; i += blockDim.x)
    (&sB[0][0][0])[i] = make_double2(1e-3 * (i & 63), -1e-3 * (i & 31));
  double acc[C][4], a[8], b[4];
#pragma unroll
  for (int i = 0; i < 8; ++i) a[i] = 1e-3 * (threadIdx.x + i);
#pragma unroll
  for (int i = 0; i < 4; ++i) b[i] = 1e-3 * ((int)threadIdx.x - i);
#pragma unroll
  for (int c = 0; c < C; ++c)
#pragma unroll
    for (int e = 0; e < 4; ++e) acc[c][e] = 0.0;
  __syncthreads();
  const long long t0 = clock64();
  for (int it = 0; it < iters; ++it) {
#pragma unroll
    for (int c = 0; c < C; ++c) {
      if constexpr (LOADB) {
        const double2 y0 = sB[(it + c) & 15][0][lane], y1 = sB[(it + c) & 15][1][lane];
        const double bb[4] = {y0.x, y0.y, y1.x, y1.y};
        dmma_sched(acc[c], a, bb);
      } else {
        dmma_sched(acc[c], a, b);
      }
    }
  }
  probe_end(acc, 0.0, t0, out, cyc);
}

// DMMA beside other instructions: X of them per DMMA (MODE 0: F2F.F64.F32, 1: DMUL, 2: the
// float32 -> float64 widening by integer operations, 3: F2F.F32.F64), four DMMA chains per
// warp, B from registers. If an instruction shares the DMMA's pipe, the DMMAs slow down.
__device__ __forceinline__ double f2d_bits(float f) {
  const unsigned u = __float_as_uint(f);
  return __hiloint2double((int)(((u >> 3) & 0x0FFFFFFFu) + 0x38000000u + (u & 0x80000000u)), (int)(u << 29));
}
template <int MODE, int X>
__global__ void probe_mix(double* out, long long* cyc, int iters) {
  constexpr int C = 4;
  double acc[C][4], a[8], b[4], m[4];
#pragma unroll
  for (int i = 0; i < 8; ++i) a[i] = 1e-3 * (threadIdx.x + i);
#pragma unroll
  for (int i = 0; i < 4; ++i) b[i] = 1e-3 * ((int)threadIdx.x - i), m[i] = 1.0 + 1e-9 * i;
#pragma unroll
  for (int c = 0; c < C; ++c)
#pragma unroll
    for (int e = 0; e < 4; ++e) acc[c][e] = 0.0;
  unsigned long long sink = 0;
  float f = 1.0f + 1e-3f * threadIdx.x;
  double dd = 1.0 + 1e-7 * threadIdx.x;
  __syncthreads();
  const long long t0 = clock64();
  for (int it = 0; it < iters; ++it) {
#pragma unroll
    for (int c = 0; c < C; ++c) {
      dmma_sched(acc[c], a, b);
#pragma unroll
      for (int x = 0; x < X; ++x) {
        const float fx = __uint_as_float(__float_as_uint(f) + (unsigned)(it * 8 + c * X + x));
        if constexpr (MODE == 0) sink ^= (unsigned long long)__double_as_longlong((double)fx);
        if constexpr (MODE == 1) m[x & 3] *= dd;
        if constexpr (MODE == 2) sink ^= (unsigned long long)__double_as_longlong(f2d_bits(fx));
        if constexpr (MODE == 3) sink ^= __float_as_uint((float)(dd + (double)(it * 8 + c * X + x)));
      }
    }
  }
  probe_end(acc, (double)sink + m[0] + m[1] + m[2] + m[3], t0, out, cyc);
}

// Launches a probe twice (the first warms up) on one CTA per SM, 4 W warps each; the mean
// over the SMs of the second launch's cycles, or a negative value when a launch failed.
template <int MODE, int X>
static void run_mix(int W, double* out, long long* cyc, int sms) {
  const int iters = 1024;
  const double mean = mean_cycles(probe_mix<MODE, X>, 128 * W, out, cyc, sms, iters);
  if (mean < 0) return;
  const double per_sm = mean / (4.0 * W * iters * 4);
  static const char* names[] = {"F2F.F64.F32", "DMUL", "int widening", "F2F.F32.F64"};
  printf("mix   W=%d + %d %-12s per DMMA: %6.2f SM cycles per DMMA (%5.1f%% of the peak)\n", W, X, names[MODE], per_sm,
         100.0 * 16.0 / per_sm);
}

template <int C, bool LOADB>
static void run(int W, double* out, long long* cyc, int sms) {
  const int iters = 4096 / C;
  const double mean = mean_cycles(probe<C, LOADB>, 128 * W, out, cyc, sms, iters);
  if (mean < 0) return;
  const double per_sm = mean / (4.0 * W * iters * C);  // SM cycles per DMMA
  printf("%-5s W=%d warps/scheduler C=%2d chains: %6.2f SM cycles per DMMA (%5.1f%% of the 16-cycle peak), %7.1f cycles per DMMA per warp\n",
         LOADB ? "smemB" : "regs", W, C, per_sm, 100.0 * 16.0 / per_sm, mean / (iters * C));
}

template <int C>
static void run884(int W, double* out, long long* cyc, int sms) {
  const int iters = 8192 / C;
  const double mean = mean_cycles(probe884<C>, 128 * W, out, cyc, sms, iters);
  if (mean < 0) return;
  const double per_sm = mean / (4.0 * W * iters * C);  // SM cycles per m8n8k4 (1/8 of an m16n8k16)
  printf("m8n8k4 W=%d warps/scheduler C=%2d chains: %6.2f SM cycles per DMMA.884 (%5.1f%% of the float64 peak, 2 cycles)\n",
         W, C, per_sm, 100.0 * 2.0 / per_sm);
}

int main() {
  const int sms = probe_device();
  double* out;
  long long* cyc;
  cudaMalloc(&out, sizeof(double) * sms * 512);
  cudaMalloc(&cyc, sizeof(long long) * sms);
  if (getenv("PROBE_MIX")) {  // only the mixes
    for (int W = 2; W <= 3; ++W) {
      run_mix<0, 1>(W, out, cyc, sms); run_mix<0, 2>(W, out, cyc, sms); run_mix<0, 4>(W, out, cyc, sms);
      run_mix<1, 1>(W, out, cyc, sms); run_mix<1, 2>(W, out, cyc, sms); run_mix<1, 4>(W, out, cyc, sms);
      run_mix<2, 1>(W, out, cyc, sms); run_mix<2, 2>(W, out, cyc, sms); run_mix<2, 4>(W, out, cyc, sms);
      run_mix<3, 1>(W, out, cyc, sms); run_mix<3, 2>(W, out, cyc, sms); run_mix<3, 4>(W, out, cyc, sms);
    }
    return 0;
  }
  for (int W = 1; W <= 3; ++W) {
    run<1, false>(W, out, cyc, sms);
    run<2, false>(W, out, cyc, sms);
    run<4, false>(W, out, cyc, sms);
    run<8, false>(W, out, cyc, sms);
    run<16, false>(W, out, cyc, sms);
    run<2, true>(W, out, cyc, sms);
    run<4, true>(W, out, cyc, sms);
    run<16, true>(W, out, cyc, sms);
    run884<1>(W, out, cyc, sms);
    run884<4>(W, out, cyc, sms);
    run884<16>(W, out, cyc, sms);
  }
  return 0;
}
