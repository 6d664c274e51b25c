// The CUDA backend as the addon sees it. Implemented in cuda/*.cu when the addon is
// built with nvcc, and by native/cuda_stub.cpp (every call reports "not compiled")
// when it is not. Every function throws leet::CudaError (a std::runtime_error whose
// message names the CUDA error) instead of aborting.
#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "params.h"

namespace leet {

struct CudaError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

namespace cuda {

struct DeviceInfo {
  int index = 0;
  std::string name;
  int major = 0, minor = 0;
  size_t total_bytes = 0, free_bytes = 0;
  int multiprocessors = 0;
  size_t l2_bytes = 0;
};

bool compiled();
// True when a device is usable; otherwise *reason says why (driver error name, no device).
bool available(std::string* reason);
std::vector<DeviceInfo> devices();

// Device memory. alloc throws CudaError "out of GPU memory: asked for X bytes, Y bytes
// free of Z" when the allocation fails, leaving the library usable.
void* alloc(size_t bytes);
void release(void* ptr);
void copy_to_device(void* dst, const void* src, size_t bytes);
void copy_to_host(void* dst, const void* src, size_t bytes);
void fill_bytes(void* ptr, int byte, size_t bytes);  // e.g. 0xFF poisons with NaN
void mem_info(size_t* free_bytes, size_t* total_bytes);

// Enqueues method m on the default stream (p holds device pointers; p.decay_rate,
// p.cu_seqlens are host pointers), checks the launch and, when `synchronize`, waits for
// completion; throws CudaError naming the error if anything failed. Without the wait,
// the results are ready for any later work or copy (all of it runs on that stream), and
// an execution error surfaces at the next synchronising call.
void run(const AttnParams& p, Method m, bool synchronize = true);

// Waits for everything enqueued on the library's stream; throws on an execution error.
void synchronize();

// Times method m: `warmup` untimed runs, then `reps` runs each bracketed by CUDA events
// around the kernel launches only, each after an L2 flush that keeps the GPU busy while
// the host enqueues (no launch gap in the time, no inputs left in L2). Milliseconds per rep.
std::vector<double> time(const AttnParams& p, Method m, int warmup, int reps);

// Device-to-device copy bandwidth in bytes/s (bytes read + bytes written), measured with
// CUDA events over a buffer of `bytes`.
double copy_bandwidth(size_t bytes);

}  // namespace cuda
}  // namespace leet
