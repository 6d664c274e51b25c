// The CUDA backend of an addon built without nvcc: every call reports that CUDA was
// not compiled in. CMakeLists.txt drops this file when the real cuda/*.cu are built.
#include "cuda_api.h"

namespace leet::cuda {
namespace {
[[noreturn]] void not_compiled() {
  throw CudaError("CUDA is not available: the addon was built without CUDA (nvcc was not found at build time)");
}
}  // namespace

bool compiled() { return false; }
bool available(std::string* reason) {
  if (reason) *reason = "the addon was built without CUDA (nvcc was not found at build time)";
  return false;
}
std::vector<DeviceInfo> devices() { return {}; }
void* alloc(size_t) { not_compiled(); }
void release(void*) {}
void copy_to_device(void*, const void*, size_t) { not_compiled(); }
void copy_to_host(void*, const void*, size_t) { not_compiled(); }
void fill_bytes(void*, int, size_t) { not_compiled(); }
void mem_info(size_t*, size_t*) { not_compiled(); }
void run(const AttnParams&, Method, bool) { not_compiled(); }
void synchronize() { not_compiled(); }
std::vector<double> time(const AttnParams&, Method, int, int) { not_compiled(); }
double copy_bandwidth(size_t) { not_compiled(); }

}  // namespace leet::cuda
