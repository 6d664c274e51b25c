// How fast the float64 tensor cores (mma.sync m16n8k16 .f64, sm_90) run for a given number of
// warps per scheduler and of independent accumulator chains per warp: the question behind
// version 4's efficiency (docs/fused-design.md, "Fourteenth session"). One CTA per SM, W warps
// per scheduler (4 W warps), each running `iters` rounds of C DMMA into C accumulators.
// LOADB: each DMMA's B operand comes from shared memory (two 16-byte loads, as version 4's
// S^T Q^T and state update load theirs) instead of registers. Also the m8n8k4 shape.
//   nvcc -gencode=arch=compute_90a,code=sm_90a -O3 -o dmma_probe scripts/fused-bench/dmma_probe.cu
//   ./dmma_probe            (prints SM cycles per DMMA; 16 is the peak of 256 flop per clock)
#include <cstdio>
#include <cuda_runtime.h>

// (the same wrapper as cuda/fused_v4.cuh's, which is built only inside fused.cu's namespaces;
// this file builds alone)
__device__ __forceinline__ void dmma(double (&d)[4], const double (&a)[8], const double (&b)[4]) {
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
        dmma(acc[c], a, bb);
      } else {
        dmma(acc[c], a, b);
      }
    }
  }
  __syncthreads();
  const long long t1 = clock64();
  double s = 0.0;
#pragma unroll
  for (int c = 0; c < C; ++c)
#pragma unroll
    for (int e = 0; e < 4; ++e) s += acc[c][e];
  out[blockIdx.x * blockDim.x + threadIdx.x] = s;
  if (threadIdx.x == 0) cyc[blockIdx.x] = t1 - t0;
}

template <int C, bool LOADB>
static void run(int W, double* out, long long* cyc, int sms) {
  const int iters = 4096 / C;
  probe<C, LOADB><<<sms, 128 * W>>>(out, cyc, iters);
  probe<C, LOADB><<<sms, 128 * W>>>(out, cyc, iters);
  if (cudaDeviceSynchronize() != cudaSuccess) { printf("launch failed\n"); return; }
  long long h[1024];
  cudaMemcpy(h, cyc, sms * sizeof(long long), cudaMemcpyDeviceToHost);
  double mean = 0;
  for (int i = 0; i < sms; ++i) mean += (double)h[i] / sms;
  const double per_sm = mean / (4.0 * W * iters * C);  // SM cycles per DMMA
  printf("%-5s W=%d warps/scheduler C=%2d chains: %6.2f SM cycles per DMMA (%5.1f%% of the 16-cycle peak), %7.1f cycles per DMMA per warp\n",
         LOADB ? "smemB" : "regs", W, C, per_sm, 100.0 * 16.0 / per_sm, mean / (iters * C));
}

template <int C>
static void run884(int W, double* out, long long* cyc, int sms) {
  const int iters = 8192 / C;
  probe884<C><<<sms, 128 * W>>>(out, cyc, iters);
  probe884<C><<<sms, 128 * W>>>(out, cyc, iters);
  if (cudaDeviceSynchronize() != cudaSuccess) { printf("launch failed\n"); return; }
  long long h[1024];
  cudaMemcpy(h, cyc, sms * sizeof(long long), cudaMemcpyDeviceToHost);
  double mean = 0;
  for (int i = 0; i < sms; ++i) mean += (double)h[i] / sms;
  const double per_sm = mean / (4.0 * W * iters * C);  // SM cycles per m8n8k4 (1/8 of an m16n8k16)
  printf("m8n8k4 W=%d warps/scheduler C=%2d chains: %6.2f SM cycles per DMMA.884 (%5.1f%% of the float64 peak, 2 cycles)\n",
         W, C, per_sm, 100.0 * 2.0 / per_sm);
}

int main() {
  int sms = 0;
  cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0);
  cudaDeviceProp prop;
  cudaGetDeviceProperties(&prop, 0);
  printf("device: %s, %d SMs\n", prop.name, sms);
  double* out;
  long long* cyc;
  cudaMalloc(&out, sizeof(double) * sms * 512);
  cudaMalloc(&cyc, sizeof(long long) * sms);
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
