// The practical floor of a decode step at large B: a plain kernel that reads a float32
// buffer and writes it back scaled (in place, or to a second buffer), over the same
// bytes as the state, timed like cuda::time (L2 flush before each rep, events around the
// kernel). Tells whether the decode kernels' distance to the cudaMemcpy floor is theirs
// or any SM-issued read+write's.
#include <cuda_runtime.h>

#include <algorithm>
#include <vector>

#include "../../cuda/common.cuh"

namespace {
// Block-contiguous: CTA i copies bytes [64 KB i, 64 KB (i+1)), 16 float4 per thread in
// flight, no cache hints.
__global__ void rmw_block_kernel(const float4* src, float4* dst, size_t n4, float a) {
  const size_t base = (size_t)blockIdx.x * 16 * blockDim.x + threadIdx.x;
  float4 x[16];
#pragma unroll
  for (int u = 0; u < 16; ++u) x[u] = base + u * blockDim.x < n4 ? src[base + u * blockDim.x] : make_float4(0, 0, 0, 0);
#pragma unroll
  for (int u = 0; u < 16; ++u)
    if (base + u * blockDim.x < n4) dst[base + u * blockDim.x] = make_float4(a * x[u].x, a * x[u].y, a * x[u].z, a * x[u].w);
}

// Bulk copies: persistent CTAs stream 16 KB chunks through a 4-buffer ring in shared
// memory (bulk load on an mbarrier, bulk store back), as decode_bulk_kernel does.
__global__ void bulk_copy_kernel(const float* src, float* dst, size_t chunks) {
#ifdef LEET_BULK_COPY
  constexpr int CH = 16384, ST = 4;
  extern __shared__ __align__(128) unsigned char sm[];
  uint64_t* bars = reinterpret_cast<uint64_t*>(sm + ST * CH);
  const size_t mine = blockIdx.x < chunks ? (chunks - 1 - blockIdx.x) / gridDim.x + 1 : 0;
  if (threadIdx.x == 0) {
    for (int i = 0; i < ST; ++i) leet::cuda::mbar_init(&bars[i], 1);
    leet::cuda::mbar_init_fence();
  }
  __syncthreads();
  if (threadIdx.x != 0) return;
  auto issue = [&](size_t j) {
    const int b = (int)(j % ST);
    leet::cuda::mbar_expect_tx(&bars[b], CH);
    leet::cuda::bulk_load(sm + b * CH, src + (blockIdx.x + j * gridDim.x) * (CH / 4), CH, &bars[b]);
  };
  for (size_t j = 0; j < ST - 1 && j < mine; ++j) issue(j);
  for (size_t j = 0; j < mine; ++j) {
    const int b = (int)(j % ST);
    leet::cuda::mbar_wait(&bars[b], (uint32_t)((j / ST) & 1));
    leet::cuda::bulk_store(dst + (blockIdx.x + j * gridDim.x) * (CH / 4), sm + b * CH, CH);
    leet::cuda::bulk_commit();
    if (j + ST - 1 < mine) {
      leet::cuda::bulk_wait_read<1>();
      issue(j + ST - 1);
    }
  }
  leet::cuda::bulk_wait<0>();
#endif
}

__global__ void rmw_kernel(const float4* __restrict__ src, float4* dst, size_t n4, float a) {
  const size_t stride = (size_t)gridDim.x * blockDim.x;
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n4; i += 4 * stride) {
    float4 x[4];
#pragma unroll
    for (int u = 0; u < 4; ++u) x[u] = i + u * stride < n4 ? __ldcs(src + i + u * stride) : make_float4(0, 0, 0, 0);
#pragma unroll
    for (int u = 0; u < 4; ++u)
      if (i + u * stride < n4) __stcs(dst + i + u * stride, make_float4(a * x[u].x, a * x[u].y, a * x[u].z, a * x[u].w));
  }
}
__global__ void read_flush_kernel(const float4* buf, size_t n, float* sink) {
  float acc = 0.f;
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x) {
    const float4 x = buf[i];
    acc += (x.x + x.y) + (x.z + x.w);
  }
  if (acc != acc) *sink = acc;
}
}  // namespace

// Median microseconds of `reps` launches over `bytes` (in place when inplace); kind 0:
// grid-stride with streaming hints, 1: block-contiguous, 2: bulk copies (Hopper). The L2
// flush before each rep writes (memset, as Triton's do_bench) or reads (as cuda::time).
double harness_rmw_us(size_t bytes, bool inplace, int reps, int kind, bool memset_flush) {
  int dev = 0, sms = 0, l2 = 0;
  cudaGetDevice(&dev);
  cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, dev);
  cudaDeviceGetAttribute(&l2, cudaDevAttrL2CacheSize, dev);
  const size_t fb = 2 * (size_t)l2;
  void *a = nullptr, *b = nullptr, *f = nullptr;
  cudaMalloc(&a, bytes);
  cudaMalloc(&b, bytes);
  cudaMalloc(&f, fb + 16);
  cudaMemset(f, 1, fb);
  cudaMemset(a, 0x3c, bytes);
  cudaEvent_t e0, e1;
  cudaEventCreate(&e0);
  cudaEventCreate(&e1);
  std::vector<double> t;
  const size_t n4 = bytes / 16;
  for (int i = 0; i < reps + 5; ++i) {
    if (memset_flush) cudaMemsetAsync(f, i & 0xff, fb);
    else read_flush_kernel<<<sms * 4, 512>>>((const float4*)f, fb / 16, (float*)((char*)f + fb));
    cudaEventRecord(e0);
    if (kind == 0) {
      rmw_kernel<<<sms * 8, 256>>>((const float4*)a, (float4*)(inplace ? a : b), n4, 0.999f);
    } else if (kind == 1) {
      rmw_block_kernel<<<(unsigned)((n4 + 16 * 256 - 1) / (16 * 256)), 256>>>((const float4*)a, (float4*)(inplace ? a : b), n4, 0.999f);
    } else {
      const int smem = 4 * 16384 + 64;
      cudaFuncSetAttribute(bulk_copy_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, smem);
      int occ = 1;
      cudaOccupancyMaxActiveBlocksPerMultiprocessor(&occ, bulk_copy_kernel, 32, smem);
      bulk_copy_kernel<<<sms * occ, 32, smem>>>((const float*)a, (float*)(inplace ? a : b), bytes / 16384);
    }
    cudaEventRecord(e1);
    cudaEventSynchronize(e1);
    float ms = 0;
    cudaEventElapsedTime(&ms, e0, e1);
    if (i >= 5) t.push_back(ms * 1e3);
  }
  cudaEventDestroy(e0);
  cudaEventDestroy(e1);
  cudaFree(a);
  cudaFree(b);
  cudaFree(f);
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}
