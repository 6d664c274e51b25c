// The CUDA backend behind native/cuda_api.h: device discovery, memory, the launch of
// each method (decay rates and cu_seqlens staged on the device and cached, one growing
// scratch arena), error checking after every launch, event timing and copy bandwidth.
// Every failure throws leet::CudaError naming the CUDA error; sticky errors are cleared
// where the runtime allows so the library stays usable.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "common.cuh"

namespace leet::cuda {
namespace {

std::string err_text(cudaError_t e) {
  return std::string(cudaGetErrorName(e)) + ": " + cudaGetErrorString(e);
}

void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) {
    cudaGetLastError();  // clear a non-sticky error
    throw CudaError(std::string("cuda: ") + what + " failed: " + err_text(e));
  }
}

std::string bytes_msg(size_t asked) {
  size_t fr = 0, tot = 0;
  cudaGetLastError();
  cudaMemGetInfo(&fr, &tot);
  cudaGetLastError();
  return "out of GPU memory: asked for " + std::to_string(asked) + " bytes, " + std::to_string(fr) +
         " bytes free of " + std::to_string(tot) + " total";
}

// All state below belongs to the current device at the time of use; one process
// normally uses one device.
std::mutex g_mu;
void* g_scratch = nullptr;
size_t g_scratch_bytes = 0;
float* g_decay = nullptr;
size_t g_decay_cap = 0;
std::vector<float> g_decay_host;
int64_t* g_cu = nullptr;
size_t g_cu_cap = 0;
std::vector<int64_t> g_cu_host;
int g_sms = 0;
double g_mem_tbs = 0;

void* scratch_fn(size_t bytes) {
  if (bytes == 0) bytes = 256;
  if (bytes <= g_scratch_bytes) return g_scratch;
  if (g_scratch) {
    cudaDeviceSynchronize();
    cudaFree(g_scratch);
    g_scratch = nullptr;
    g_scratch_bytes = 0;
  }
  size_t want = bytes + bytes / 8;
  void* p = nullptr;
  cudaError_t e = cudaMalloc(&p, want);
  if (e != cudaSuccess) {
    cudaGetLastError();
    want = bytes;
    e = cudaMalloc(&p, want);
  }
  if (e != cudaSuccess) {
    cudaGetLastError();
    throw CudaError("cuda: scratch for the method: " + bytes_msg(bytes));
  }
  g_scratch = p;
  g_scratch_bytes = want;
  return p;
}

LaunchContext make_context(const AttnParams& p) {
  if (p.dtype == DType::F64) throw CudaError("cuda: dtype float64 is not supported on the GPU");
  if (p.r < 1 || p.r > 256 || p.d < 1 || p.d > 256)
    throw CudaError("cuda: r and d must be in [1, 256], got r=" + std::to_string(p.r) + " d=" + std::to_string(p.d));
  if (p.N < 1 || p.B < 1 || p.H < 1) throw CudaError("cuda: B, H and N must be >= 1");
  if (!p.decay_rate) throw CudaError("cuda: decay_rate is null");
  if (p.cu_seqlens && p.B != 1) throw CudaError("cuda: packed sequences need B == 1");
  LaunchContext ctx;
  ctx.stream = static_cast<cudaStream_t>(p.stream);
  // Driver calls (cuTensorMapEncodeTiled, through the runtime's entry point) need the
  // device's primary context current on the calling thread, and the addon is called from
  // the worker threads of Node's pool. The runtime makes the context current on a thread
  // only at its first call that needs one (an allocation, a launch): before that, the TMA
  // maps failed with CUDA_ERROR_INVALID_CONTEXT (201) and fused ran without its TMA-fed
  // kernels and the lead plan (thirty-sixth session, bench/h200-2026-11-28-zj calls 2 and
  // 3). cudaSetDevice makes it current at once.
  thread_local bool bound = false;
  if (!bound) {
    int dev = 0;
    check(cudaGetDevice(&dev), "cudaGetDevice");
    check(cudaSetDevice(dev), "cudaSetDevice");
    bound = true;
  }
  if (g_sms == 0) {
    int dev = 0;
    check(cudaGetDevice(&dev), "cudaGetDevice");
    check(cudaDeviceGetAttribute(&g_sms, cudaDevAttrMultiProcessorCount, dev), "cudaDeviceGetAttribute");
    g_mem_tbs = peak_dram_tbs(dev);
  }
  ctx.multiprocessors = g_sms;
  ctx.mem_tbs = g_mem_tbs;
  // Decay rates as float on the device, and cu_seqlens, cached: compared in place with
  // the cached host copy (no per-call allocation; a decode step repeats both unchanged)
  // and uploaded only when they differ.
  const size_t nh = (size_t)p.H;
  bool same = g_decay_host.size() == nh && g_decay_cap >= nh;
  for (size_t h = 0; same && h < nh; ++h) same = g_decay_host[h] == (float)p.decay_rate[h];
  if (!same) {
    if (g_decay_cap < nh) {
      if (g_decay) cudaFree(g_decay);
      g_decay = nullptr;
      g_decay_cap = 0;
      g_decay_host.clear();
      check(cudaMalloc(&g_decay, nh * sizeof(float)), "cudaMalloc (decay)");
      g_decay_cap = nh;
    }
    std::vector<float> dec(nh);
    for (size_t h = 0; h < nh; ++h) dec[h] = (float)p.decay_rate[h];
    g_decay_host.clear();
    check(cudaMemcpy(g_decay, dec.data(), nh * sizeof(float), cudaMemcpyHostToDevice), "cudaMemcpy (decay)");
    g_decay_host.swap(dec);
  }
  ctx.decay_rate = g_decay;
  if (p.cu_seqlens) {
    const size_t nc = (size_t)p.num_seqs + 1;
    const bool cu_same = g_cu_host.size() == nc && g_cu_cap >= nc &&
                         std::memcmp(g_cu_host.data(), p.cu_seqlens, nc * sizeof(int64_t)) == 0;
    if (!cu_same) {
      if (g_cu_cap < nc) {
        if (g_cu) cudaFree(g_cu);
        g_cu = nullptr;
        g_cu_cap = 0;
        g_cu_host.clear();
        check(cudaMalloc(&g_cu, nc * sizeof(int64_t)), "cudaMalloc (cu_seqlens)");
        g_cu_cap = nc;
      }
      g_cu_host.clear();
      check(cudaMemcpy(g_cu, p.cu_seqlens, nc * sizeof(int64_t), cudaMemcpyHostToDevice), "cudaMemcpy (cu_seqlens)");
      g_cu_host.assign(p.cu_seqlens, p.cu_seqlens + nc);
    }
    ctx.cu_seqlens = g_cu;
  }
  ctx.scratch = &scratch_fn;
  return ctx;
}

void dispatch(const AttnParams& p, Method m, const LaunchContext& ctx) {
  switch (m) {
    case Method::Vanilla: launch_vanilla(p, ctx); break;
    case Method::Recurrent: launch_recurrent(p, ctx); break;
    case Method::Blocked: launch_blocked(p, ctx); break;
    case Method::Recursive: launch_recursive(p, ctx); break;
    case Method::Fleet: launch_fleet(p, ctx); break;
    case Method::Lightning: launch_lightning(p, ctx); break;
    case Method::Fused: launch_fused(p, ctx); break;
    default: throw CudaError("cuda: unknown method id " + std::to_string((int)m));
  }
  check(cudaGetLastError(), "kernel launch");
}

}  // namespace

bool compiled() { return true; }

bool available(std::string* reason) {
  int n = 0;
  const cudaError_t e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess) {
    cudaGetLastError();
    if (reason) *reason = "CUDA unavailable: " + err_text(e);
    return false;
  }
  if (n == 0) {
    if (reason) *reason = "CUDA unavailable: no CUDA device found";
    return false;
  }
  if (reason) reason->clear();
  return true;
}

std::vector<DeviceInfo> devices() {
  std::vector<DeviceInfo> out;
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();
    return out;
  }
  int cur = 0;
  check(cudaGetDevice(&cur), "cudaGetDevice");
  for (int i = 0; i < n; ++i) {
    cudaDeviceProp pr;
    check(cudaGetDeviceProperties(&pr, i), "cudaGetDeviceProperties");
    DeviceInfo di;
    di.index = i;
    di.name = pr.name;
    di.major = pr.major;
    di.minor = pr.minor;
    di.total_bytes = pr.totalGlobalMem;
    di.multiprocessors = pr.multiProcessorCount;
    di.l2_bytes = (size_t)pr.l2CacheSize;
    if (cudaSetDevice(i) == cudaSuccess) {
      size_t fr = 0, tot = 0;
      if (cudaMemGetInfo(&fr, &tot) == cudaSuccess) {
        di.free_bytes = fr;
        di.total_bytes = tot;
      }
    }
    cudaGetLastError();
    out.push_back(di);
  }
  cudaSetDevice(cur);
  return out;
}

// Tensors are allocated stream-ordered from the device's memory pool on the default
// stream (all work of this library runs there): a decode step allocates its output and
// state and frees the previous state every token, and cudaMalloc/cudaFree (which
// synchronises the device) would cost more than the step. The pool keeps up to
// kPoolKeepBytes of freed memory for reuse and is trimmed before reporting out-of-memory.
constexpr uint64_t kPoolKeepBytes = 64ull << 20;
int g_pool_state = -1;  // -1 unknown, 0 unsupported, 1 in use

bool use_pool() {
  if (g_pool_state < 0) {
    int dev = 0, ok = 0;
    g_pool_state = 0;
    if (cudaGetDevice(&dev) == cudaSuccess &&
        cudaDeviceGetAttribute(&ok, cudaDevAttrMemoryPoolsSupported, dev) == cudaSuccess && ok) {
      cudaMemPool_t pool;
      if (cudaDeviceGetDefaultMemPool(&pool, dev) == cudaSuccess) {
        uint64_t keep = kPoolKeepBytes;
        cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keep);
        g_pool_state = 1;
      }
    }
    cudaGetLastError();
  }
  return g_pool_state == 1;
}

void* alloc(size_t bytes) {
  void* p = nullptr;
  const size_t n = bytes ? bytes : 1;
  cudaError_t e = use_pool() ? cudaMallocAsync(&p, n, 0) : cudaMalloc(&p, n);
  if (e != cudaSuccess && use_pool()) {
    // Give the pool's cached blocks back and try once more.
    cudaGetLastError();
    int dev = 0;
    cudaMemPool_t pool;
    if (cudaGetDevice(&dev) == cudaSuccess && cudaDeviceGetDefaultMemPool(&pool, dev) == cudaSuccess) {
      cudaDeviceSynchronize();
      cudaMemPoolTrimTo(pool, 0);
    }
    e = cudaMallocAsync(&p, n, 0);
  }
  if (e != cudaSuccess) {
    cudaGetLastError();
    throw CudaError(bytes_msg(bytes));
  }
  return p;
}

void release(void* ptr) {
  if (ptr) check(use_pool() ? cudaFreeAsync(ptr, 0) : cudaFree(ptr), "cudaFree");
}

void copy_to_device(void* dst, const void* src, size_t bytes) {
  if (bytes) check(cudaMemcpy(dst, src, bytes, cudaMemcpyHostToDevice), "cudaMemcpy (to device)");
}

void copy_to_host(void* dst, const void* src, size_t bytes) {
  if (bytes) check(cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToHost), "cudaMemcpy (to host)");
}

void fill_bytes(void* ptr, int byte, size_t bytes) {
  if (bytes) {
    check(cudaMemset(ptr, byte, bytes), "cudaMemset");
    check(cudaDeviceSynchronize(), "cudaMemset");
  }
}

void mem_info(size_t* free_bytes, size_t* total_bytes) {
  size_t fr = 0, tot = 0;
  check(cudaMemGetInfo(&fr, &tot), "cudaMemGetInfo");
  if (free_bytes) *free_bytes = fr;
  if (total_bytes) *total_bytes = tot;
}

void run(const AttnParams& p, Method m, bool synchronize) {
  std::lock_guard<std::mutex> lk(g_mu);
  const LaunchContext ctx = make_context(p);
  dispatch(p, m, ctx);
  if (synchronize) check(cudaStreamSynchronize(ctx.stream), "kernel execution");
}

void synchronize() { check(cudaStreamSynchronize(0), "kernel execution"); }

// Reads n float4 and keeps the GPU busy; the sum is written only if it is NaN, which
// it is not (the buffer holds small integers' bit patterns), so nothing is written.
__global__ void l2_flush_kernel(const float4* __restrict__ buf, size_t n, float* sink) {
  float acc = 0.f;
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x) {
    const float4 x = buf[i];
    acc += (x.x + x.y) + (x.z + x.w);
  }
  if (acc != acc) *sink = acc;
}

// Before each timed repetition the L2 cache is flushed by reading a buffer twice its
// size: no repetition reads inputs that the previous one left in L2, and the GPU is
// busy while the host enqueues the method, so the start event, which follows the flush
// on the stream, does not include the host's launch gap. The flush reads (it does not
// write, unlike Triton's do_bench, which measured the peers in ANCHORS.md with a
// memset): the L2 is left holding clean lines, so the timed kernels do not also pay for
// writing the flush's dirty lines back (up to the L2's size of extra DRAM writes, about
// 14 us on an H200). LEET_CUDA_FLUSH=memset gives the do_bench way for comparison.
std::vector<double> time(const AttnParams& p, Method m, int warmup, int reps) {
  std::lock_guard<std::mutex> lk(g_mu);
  const LaunchContext ctx = make_context(p);
  for (int i = 0; i < warmup; ++i) dispatch(p, m, ctx);
  check(cudaStreamSynchronize(ctx.stream), "kernel execution (warm-up)");
  int dev = 0, l2 = 0;
  check(cudaGetDevice(&dev), "cudaGetDevice");
  check(cudaDeviceGetAttribute(&l2, cudaDevAttrL2CacheSize, dev), "cudaDeviceGetAttribute");
  const size_t flush_bytes = std::max<size_t>(2 * (size_t)l2, size_t(16) << 20);
  const char* fenv = getenv("LEET_CUDA_FLUSH");
  const bool memset_flush = fenv && std::strcmp(fenv, "memset") == 0;
  void* flush = nullptr;
  if (cudaMalloc(&flush, flush_bytes + 16) != cudaSuccess) {
    cudaGetLastError();
    throw CudaError("cuda: the L2 flush buffer for timing: " + bytes_msg(flush_bytes));
  }
  auto do_flush = [&](int i) {
    if (memset_flush) {
      check(cudaMemsetAsync(flush, i & 0xff, flush_bytes, ctx.stream), "cudaMemsetAsync (L2 flush)");
    } else {
      l2_flush_kernel<<<4 * ctx.multiprocessors, 512, 0, ctx.stream>>>(static_cast<const float4*>(flush), flush_bytes / 16,
                                                                        reinterpret_cast<float*>(static_cast<char*>(flush) + flush_bytes));
      check(cudaGetLastError(), "L2 flush");
    }
  };
  cudaEvent_t a = nullptr, b = nullptr;
  std::vector<double> out;
  try {
    check(cudaMemsetAsync(flush, 1, flush_bytes, ctx.stream), "cudaMemsetAsync (L2 flush buffer)");
    do_flush(0);  // the buffer's own dirty lines are written back here, untimed
    check(cudaEventCreate(&a), "cudaEventCreate");
    check(cudaEventCreate(&b), "cudaEventCreate");
    for (int i = 0; i < reps; ++i) {
      do_flush(i + 1);
      check(cudaEventRecord(a, ctx.stream), "cudaEventRecord");
      dispatch(p, m, ctx);
      check(cudaEventRecord(b, ctx.stream), "cudaEventRecord");
      check(cudaEventSynchronize(b), "kernel execution");
      float ms = 0.f;
      check(cudaEventElapsedTime(&ms, a, b), "cudaEventElapsedTime");
      out.push_back(ms);
    }
  } catch (...) {
    if (a) cudaEventDestroy(a);
    if (b) cudaEventDestroy(b);
    cudaFree(flush);
    throw;
  }
  cudaEventDestroy(a);
  cudaEventDestroy(b);
  cudaFree(flush);
  return out;
}

double copy_bandwidth(size_t bytes) {
  if (bytes < 1024) bytes = 1024;
  void* src = alloc(bytes);
  void* dst = nullptr;
  try {
    dst = alloc(bytes);
  } catch (...) {
    release(src);
    throw;
  }
  cudaEvent_t a, b;
  double result = 0.0;
  cudaError_t e = cudaMemset(src, 1, bytes);
  if (e == cudaSuccess) e = cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, 0);  // warm-up
  if (e == cudaSuccess) e = cudaEventCreate(&a);
  if (e == cudaSuccess) e = cudaEventCreate(&b);
  if (e == cudaSuccess) {
    const int reps = 10;
    cudaEventRecord(a, 0);
    for (int i = 0; i < reps; ++i) cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, 0);
    cudaEventRecord(b, 0);
    e = cudaEventSynchronize(b);
    float ms = 0.f;
    if (e == cudaSuccess) e = cudaEventElapsedTime(&ms, a, b);
    if (e == cudaSuccess && ms > 0.f) result = 2.0 * (double)bytes * reps / (ms * 1e-3);
    cudaEventDestroy(a);
    cudaEventDestroy(b);
  }
  cudaFree(src);
  cudaFree(dst);
  check(e, "copy bandwidth");
  return result;
}

}  // namespace leet::cuda
