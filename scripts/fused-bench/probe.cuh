// What the standalone probes of scripts/fused-bench share (dmma_probe.cu, imma_probe.cu,
// ffma_probe.cu): the float64 MMA, the device line and the mean of a kernel's per-CTA cycles. Each probe builds alone with nvcc; the
// library's own wrappers (cuda/fused_v4.cuh) are built only inside fused.cu's namespaces.
#pragma once
#include <cstdio>
#include <cuda_runtime.h>

// mma.sync m16n8k16 .f64 (DMMA.16x8x16): A fragment 8 doubles, B 4, D 4, accumulated in place
__device__ __forceinline__ void dmma(double (&d)[4], const double (&a)[8], const double (&b)[4]) {
  asm volatile("mma.sync.aligned.m16n8k16.row.col.f64.f64.f64.f64 {%0,%1,%2,%3}, {%4,%5,%6,%7,%8,%9,%10,%11}, "
               "{%12,%13,%14,%15}, {%0,%1,%2,%3};\n"
               : "+d"(d[0]), "+d"(d[1]), "+d"(d[2]), "+d"(d[3])
               : "d"(a[0]), "d"(a[1]), "d"(a[2]), "d"(a[3]), "d"(a[4]), "d"(a[5]), "d"(a[6]), "d"(a[7]),
                 "d"(b[0]), "d"(b[1]), "d"(b[2]), "d"(b[3]));
}

// Prints "device: NAME, N SMs" and what follows (note), returns the SM count
inline int probe_device(const char* note = "") {
  int sms = 0;
  cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0);
  cudaDeviceProp prop;
  cudaGetDeviceProperties(&prop, 0);
  printf("device: %s, %d SMs%s\n", prop.name, sms, note);
  return sms;
}

// Launches kernel(out, cyc, iters) twice (the first warms up) on `sms` CTAs of `threads`,
// and returns the mean over the CTAs of the second launch's cycle counts in cyc (-1 where
// the launch failed)
template <typename Kernel, typename Out>
double mean_cycles(Kernel kernel, int threads, Out* out, long long* cyc, int sms, int iters) {
  kernel<<<sms, threads>>>(out, cyc, iters);
  kernel<<<sms, threads>>>(out, cyc, iters);
  const cudaError_t e = cudaDeviceSynchronize();
  if (e != cudaSuccess) {
    printf("launch failed: %s\n", cudaGetErrorString(e));
    return -1.0;
  }
  long long h[1024];
  cudaMemcpy(h, cyc, sms * sizeof(long long), cudaMemcpyDeviceToHost);
  double mean = 0;
  for (int i = 0; i < sms; ++i) mean += (double)h[i] / sms;
  return mean;
}
