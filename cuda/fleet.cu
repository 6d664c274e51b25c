// FleetAttention (LeetDecoding): O = sum_{k<r} diag(q_{:,k}) L_gamma diag(k_{:,k}) V,
// i.e. r discounted prefix sums Y_k = L_gamma (k_{:,k} . V) along N, each weighted by
// q_{:,k} and summed. No matrix product: every term is an FMA of a scan, exact in
// float32 (float32 FMA; fp16/bf16 inputs accumulate in float32).
//
// The prefix sums are computed as a segment-parallel scan (parallel over N segments as
// well as over r x d):
//   1. each segment's own decayed totals  T_c[k][j] = sum_{i in c} gamma^(c_end-1-i) k_ik v_ij
//   2. scan of the totals over segments   Y_k(start of c) (carries, float32)
//   3. each segment re-scanned from its carry, emitting o_i = scale sum_k q_ik Y_k[i]
// The sum over k is reduced deterministically (registers, then shared memory): no
// atomics and no output races, unlike the published Triton kernel. Packed sequences are
// supported (segments never cross a sequence boundary).
#include "common.cuh"

namespace leet::cuda {

void launch_fleet(const AttnParams& p, const LaunchContext& ctx) {
  const int64_t seg = p.chunk > 0 ? p.chunk : 1024;
  const int64_t S = num_sequences(p);
  const SegmentPlan plan = plan_segments(p, ctx, seg);
  const SegSpec& segs = plan.segs;
  float* carries = plan.states;
  const int64_t* first_dev = plan.first;
  scan_tokens(p, ctx, segs, /*emit=*/false, nullptr, carries);                      // 1
  scan_states(p, ctx, segs, first_dev, S, carries, p.initial_state, p.final_state);  // 2
  scan_tokens(p, ctx, segs, /*emit=*/true, carries, nullptr);                        // 3
}

}  // namespace leet::cuda
