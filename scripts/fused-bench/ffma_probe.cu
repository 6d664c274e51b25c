// Does float32 FMA on the CUDA cores run beside the float64 tensor cores? The question behind a
// hybrid float32 "exact" kernel (docs/fused-design.md, "Thirty-fourth session"): the state
// update and the intra-chunk products on DMMA (mma.sync m16n8k16 .f64), the inter-chunk
// product Q S on FFMA, each at its own peak of 128 multiply-adds per SM and clock, would give
// an SM up to twice the float64 tensor cores' rate, if the two pipes overlap. (They do not:
// run 2026-11-27-zh.)
//
// One CTA per SM, WD warps per scheduler of DMMA (four accumulator chains per warp, each B
// operand from shared memory by two 16-byte loads, as version 4 loads them) and WF warps per
// scheduler of FFMA: a register-tiled product from shared memory, as a Q S warp would run it.
// Each thread holds TM x TN float32 accumulators (TM tokens by TN value columns) and per k
// loads TM / 4 + TN / 4 16-byte vectors (Q^T's column k, S's row k) for TM TN FFMA. TM = TN = 8
// is also the shape of a state update on FFMA (64 state elements per thread, k = the tokens
// of a chunk). LOADS = false: the same FFMA on register operands only (the upper bound). Each
// role times itself (clock64 from a common start to its own last instruction), alone and with
// the other role running.
//   nvcc -gencode=arch=compute_90a,code=sm_90a -O3 -o ffma_probe scripts/fused-bench/ffma_probe.cu
//   ./ffma_probe     (prints SM cycles per DMMA, 16 at the peak, and FFMA per SM and clock, 128)
#include "probe.cuh"

constexpr int kK = 128;  // the contraction of Q S (r)

// Shared memory: the DMMA warps' B fragments [16][2][32] double2 (16 KB), Q^T [128 k][8 TM
// tokens] and S [128 k][4 TN x FFMA warps columns], float32.
struct Smem {
  int b_off, q_off, s_off, bytes;
};
__host__ __device__ constexpr Smem smem_for(int TM, int TN, int nf) {
  return Smem{0, 16384, 16384 + kK * 8 * TM * 4, 16384 + kK * 8 * TM * 4 + kK * 4 * TN * nf * 4};
}

// out: per-thread sinks; cyc[2 * block]: the DMMA warps' and the FFMA warps' cycles (the
// slowest warp of each role, from the common start)
template <int WD, int WF, int TM, int TN, bool LOADS>
__global__ void __launch_bounds__(128 * (WD + WF), 1) probe_ws(double* out, long long* cyc, int iters_d, int iters_f) {
  extern __shared__ __align__(16) unsigned char smem[];
  constexpr int NF = 4 * WF;  // FFMA warps
  constexpr Smem L = smem_for(TM, TN, NF > 0 ? NF : 1);
  __shared__ unsigned long long done[2];
  double2* sB = reinterpret_cast<double2*>(smem + L.b_off);
  float* sQ = reinterpret_cast<float*>(smem + L.q_off);
  float* sS = reinterpret_cast<float*>(smem + L.s_off);
  const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
  for (int i = tid; i < 16 * 2 * 32; i += blockDim.x) sB[i] = make_double2(1e-3 * (i & 63), -1e-3 * (i & 31));
  for (int i = tid; i < kK * 8 * TM; i += blockDim.x) sQ[i] = 1e-3f * (float)(i & 127);
  for (int i = tid; i < kK * 4 * TN * NF; i += blockDim.x) sS[i] = -1e-3f * (float)(i & 63);
  if (tid < 2) done[tid] = 0;
  __syncthreads();
  const long long t0 = clock64();
  double s = 0.0;
  if (warp < 4 * WD) {
    double acc[4][4], a[8];
#pragma unroll
    for (int i = 0; i < 8; ++i) a[i] = 1e-3 * (tid + i);
#pragma unroll
    for (int c = 0; c < 4; ++c)
#pragma unroll
      for (int e = 0; e < 4; ++e) acc[c][e] = 0.0;
    for (int it = 0; it < iters_d; ++it) {
#pragma unroll
      for (int c = 0; c < 4; ++c) {
        const double2 y0 = sB[((it + c) & 15) * 64 + lane], y1 = sB[((it + c) & 15) * 64 + 32 + lane];
        const double bb[4] = {y0.x, y0.y, y1.x, y1.y};
        dmma(acc[c], a, bb);
      }
    }
#pragma unroll
    for (int c = 0; c < 4; ++c)
#pragma unroll
      for (int e = 0; e < 4; ++e) s += acc[c][e];
    const long long t1 = clock64();
    atomicMax(&done[0], (unsigned long long)(t1 - t0));
  } else {
    // thread (tr = lane & 7, tc = lane >> 3) of FFMA warp f: tokens 4 tr + i + 32 u (u < TM / 4),
    // columns 4 TN f + 4 tc + j + 16 w (w < TN / 4): every 16-byte load is conflict-free
    const int f = warp - 4 * WD, tr = lane & 7, tc = lane >> 3;
    float acc[TM][TN];
#pragma unroll
    for (int i = 0; i < TM; ++i)
#pragma unroll
      for (int j = 0; j < TN; ++j) acc[i][j] = 0.f;
    const float4* q4 = reinterpret_cast<const float4*>(sQ) + tr;
    const float4* s4 = reinterpret_cast<const float4*>(sS) + TN * f + tc;
    float4 rq[TM / 4], rs[TN / 4];
#pragma unroll
    for (int u = 0; u < TM / 4; ++u) rq[u] = make_float4(1e-3f * lane, 2e-3f, 3e-3f, 4e-3f * u);
#pragma unroll
    for (int w = 0; w < TN / 4; ++w) rs[w] = make_float4(-1e-3f, 1e-3f * lane, 2e-3f, 5e-4f * w);
    for (int it = 0; it < iters_f; ++it) {
#pragma unroll 8
      for (int k = 0; k < kK; ++k) {
        if constexpr (LOADS) {
#pragma unroll
          for (int u = 0; u < TM / 4; ++u) rq[u] = q4[k * (2 * TM) + 8 * u];
#pragma unroll
          for (int w = 0; w < TN / 4; ++w) rs[w] = s4[k * (TN * NF) + 4 * w];
        }
#pragma unroll
        for (int u = 0; u < TM / 4; ++u)
#pragma unroll
          for (int w = 0; w < TN / 4; ++w) {
            const float qv[4] = {rq[u].x, rq[u].y, rq[u].z, rq[u].w}, sv[4] = {rs[w].x, rs[w].y, rs[w].z, rs[w].w};
#pragma unroll
            for (int i = 0; i < 4; ++i)
#pragma unroll
              for (int j = 0; j < 4; ++j) acc[4 * u + i][4 * w + j] = fmaf(qv[i], sv[j], acc[4 * u + i][4 * w + j]);
          }
        if constexpr (!LOADS) rs[0].x += 1e-7f;  // (no loop-invariant products)
      }
    }
#pragma unroll
    for (int i = 0; i < TM; ++i)
#pragma unroll
      for (int j = 0; j < TN; ++j) s += acc[i][j];
    const long long t1 = clock64();
    atomicMax(&done[1], (unsigned long long)(t1 - t0));
  }
  out[blockIdx.x * blockDim.x + tid] = s;
  __syncthreads();
  if (tid == 0) {
    cyc[2 * blockIdx.x] = (long long)done[0];
    cyc[2 * blockIdx.x + 1] = (long long)done[1];
  }
}

struct Times {
  double d, f;  // mean over SMs of the DMMA and FFMA roles' cycles
};

template <int WD, int WF, int TM, int TN, bool LOADS>
static Times run_ws(double* out, long long* cyc, int sms, int iters_d, int iters_f) {
  auto kernel = probe_ws<WD, WF, TM, TN, LOADS>;
  constexpr Smem L = smem_for(TM, TN, WF > 0 ? 4 * WF : 1);
  cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, L.bytes);
  const int threads = 128 * (WD + WF);
  kernel<<<sms, threads, L.bytes>>>(out, cyc, iters_d, iters_f);  // (warm-up)
  kernel<<<sms, threads, L.bytes>>>(out, cyc, iters_d, iters_f);
  if (cudaDeviceSynchronize() != cudaSuccess) {
    printf("launch failed: %s\n", cudaGetErrorString(cudaGetLastError()));
    return Times{-1, -1};
  }
  static long long h[2048];
  cudaMemcpy(h, cyc, 2 * sms * sizeof(long long), cudaMemcpyDeviceToHost);
  Times t{0, 0};
  for (int i = 0; i < sms; ++i) t.d += (double)h[2 * i] / sms, t.f += (double)h[2 * i + 1] / sms;
  return t;
}

// DMMA alone, FFMA alone (iterations chosen to take about as long), then both in one CTA
template <int WD, int WF, int TM, int TN, bool LOADS>
static void run_case(double* out, long long* cyc, int sms) {
  const int iters_d = 2048;
  const double dmmas = 4.0 * WD * 4 * iters_d;  // per SM
  const Times dal = run_ws<WD, 0, TM, TN, LOADS>(out, cyc, sms, iters_d, 0);
  const Times fprobe = run_ws<0, WF, TM, TN, LOADS>(out, cyc, sms, 0, 64);
  if (dal.d < 0 || fprobe.f < 0) return;
  const int iters_f = (int)(64 * dal.d / fprobe.f + 0.5);
  const double ffmas = 4.0 * WF * 32 * (double)iters_f * kK * TM * TN;  // per SM (lanes)
  const Times fal = run_ws<0, WF, TM, TN, LOADS>(out, cyc, sms, 0, iters_f);
  const Times both = run_ws<WD, WF, TM, TN, LOADS>(out, cyc, sms, iters_d, iters_f);
  if (fal.f < 0 || both.d < 0) return;
  const double end = both.d > both.f ? both.d : both.f;
  printf("WD=%d WF=%d TM=%d TN=%d %-5s | alone: %6.2f cyc/DMMA, %6.1f FFMA/clk | together: %6.2f cyc/DMMA, %6.1f FFMA/clk,"
         " end %8.0f vs alone %8.0f + %8.0f (overlap %4.2f)\n",
         WD, WF, TM, TN, LOADS ? "smem" : "regs", dal.d / dmmas, ffmas / fal.f, both.d / dmmas, ffmas / both.f, end,
         dal.d, fal.f, (dal.d + fal.f) / end);
}

int main() {
  const int sms = probe_device("; peaks: 16 SM cycles per DMMA, 128 FFMA per SM and clock");
  double* out;
  long long* cyc;
  cudaMalloc(&out, sizeof(double) * sms * 1024);
  cudaMalloc(&cyc, sizeof(long long) * 2 * sms);
  run_case<2, 1, 4, 4, false>(out, cyc, sms);
  run_case<2, 1, 8, 8, false>(out, cyc, sms);
  run_case<2, 1, 4, 4, true>(out, cyc, sms);
  run_case<2, 1, 8, 4, true>(out, cyc, sms);
  run_case<2, 1, 8, 8, true>(out, cyc, sms);
  run_case<2, 2, 4, 4, true>(out, cyc, sms);
  run_case<2, 2, 8, 4, true>(out, cyc, sms);
  run_case<1, 1, 8, 8, true>(out, cyc, sms);
  run_case<1, 2, 8, 8, true>(out, cyc, sms);
  return 0;
}
