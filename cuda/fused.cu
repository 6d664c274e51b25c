// Method `fused` on CUDA. The kernels live in fused_kernels.cuh (design in
// docs/fused-design.md); this file is only the entry points: the runtime calls
// launch_fused, and blocked / lightning call launch_wgmma_schedule on Hopper.
#include "fused_kernels.cuh"

namespace leet::cuda {

void launch_fused(const AttnParams& p, const LaunchContext& ctx) {
  const ShortDone shorts = launch_short_sequences(p, ctx, true);
  if (shorts == ShortDone::All) return;
  LaunchContext rest = ctx;
  if (shorts == ShortDone::Some) rest.skip_upto = kShortMax;
  fused_detail::run_fused(p, rest);
}

bool launch_wgmma_schedule(const AttnParams& p, const LaunchContext& ctx, int64_t seg_len) {
  return fused_detail::run_schedule(p, ctx, seg_len);
}

}  // namespace leet::cuda
