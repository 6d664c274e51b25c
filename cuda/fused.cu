// Method `fused` on CUDA. The kernels live in fused_kernels.cuh (design in
// docs/fused-design.md); this file is only the entry point the runtime calls.
#include "fused_kernels.cuh"

namespace leet::cuda {

void launch_fused(const AttnParams& p, const LaunchContext& ctx) { fused_detail::run_fused(p, ctx); }

}  // namespace leet::cuda
