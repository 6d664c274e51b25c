// Developer use, no GPU needed: the segments and plans that `fused` picks for fixed-length
// sequences with r = 128, d a multiple of 128 (versions 2 and 3), by the library's own host
// code (cuda/fused_kernels.cuh: out_narrow, family_segment, lead_wanted, lead_plan), for a
// card of 132 SMs at an H100's or an H200's peak DRAM bandwidth. The environment the
// library reads (LEET_FUSED_SEGMODEL, LEET_FUSED_LEAD, ...) applies here too. What this
// file adds is only run_wgmma's order of those calls (the plan only where the inline
// prefix takes the segments: lead_segments, lead_segments_fit), kept in step by hand.
//   nvcc -std=c++17 -arch=sm_90a -Icuda -Inative -o /tmp/fused-plan scripts/fused-bench/plan.cu
//   /tmp/fused-plan float16|bfloat16|tf32|exact B H N d ...   (groups of four after the dtype)
// Prints, per shape and card: the output kernels' width, the segment length and count, and
// the lead plan (segments of L' after a first one of L0 tokens, and the small pieces).
// "exact" is float32 on version 4 (run_v4: v4_wide's choice of 64- or 128-column output
// CTAs), whose choice does not depend on the card's bandwidth.
// test/fused-plan.test.ts builds it (PTX only) and holds the issue's rows to their plans.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fused_kernels.cuh"

using namespace leet;
using namespace leet::cuda::fused_detail;

template <class Wide, class Narrow> void show(const AttnParams& p, const char* card, double mem_tbs) {
  const int sms = 132;
  const bool narrow = out_narrow<Wide, Narrow>(p, sms, mem_tbs);
  const int64_t L = narrow ? family_segment<Narrow>(p, sms, mem_tbs) : family_segment<Wide>(p, sms, mem_tbs);
  const int64_t nseg = ceil_div(p.N, L);
  std::printf("%s B=%lld H=%lld N=%lld d=%lld: %s, segments of %lld tokens, %lld a sequence", card, (long long)p.B,
              (long long)p.H, (long long)p.N, (long long)p.d, narrow ? Narrow::name : Wide::name, (long long)L,
              (long long)nseg);
  // run_wgmma: the plan where the inline prefix takes the segments and the plan is wanted
  if (!narrow && nseg > 1 && nseg <= kInlineSegs && lead_wanted<Wide>(p, sms, L, mem_tbs)) {
    const LeadPlan lp = lead_plan(p, sms, L, p.H * ceil_div(p.d, kDV), Wide::lead_frac, Wide::lead_small);
    const int64_t n = lead_segments(p, lp);
    if (lead_segments_fit(n)) {
      std::printf("; lead plan: %lld + %lld small, then %lld of %lld", (long long)lp.L0, (long long)lp.small,
                  (long long)(n - 1), (long long)lp.L);
    } else {
      std::printf("; lead plan wanted, does not fit");
    }
  }
  std::printf("\n");
}
void show_exact(const AttnParams& p, const char* card, double mem_tbs) {
  const int sms = 132;
  const bool wide = v4_wide(p, sms);
  const int64_t L = wide ? family_segment<V4WFamily>(p, sms, mem_tbs) : family_segment<V4Family>(p, sms, mem_tbs);
  std::printf("%s B=%lld H=%lld N=%lld d=%lld: %s, segments of %lld tokens, %lld a sequence\n", card, (long long)p.B,
              (long long)p.H, (long long)p.N, (long long)p.d, wide ? V4WFamily::name : V4Family::name, (long long)L,
              (long long)ceil_div(p.N, L));
}

int main(int argc, char** argv) {
  if (argc < 6 || (argc - 2) % 4 != 0) {
    std::fprintf(stderr, "usage: %s float16|bfloat16|tf32 B H N d [B H N d ...]\n", argv[0]);
    return 2;
  }
  const char* dt = argv[1];
  for (int i = 2; i + 3 < argc; i += 4) {
    AttnParams p{};
    p.B = std::atoll(argv[i]);
    p.H = std::atoll(argv[i + 1]);
    p.N = std::atoll(argv[i + 2]);
    p.r = 128;
    p.dtype = std::strcmp(dt, "tf32") == 0 || std::strcmp(dt, "exact") == 0 ? DType::F32
              : std::strcmp(dt, "bfloat16") == 0 ? DType::BF16 : DType::F16;
    p.d = std::atoll(argv[i + 3]);
    if (p.d % 128 != 0) {
      std::fprintf(stderr, "d must be a multiple of 128 (versions 2 and 3), got %lld\n", (long long)p.d);
      return 2;
    }
    for (const auto& [card, tbs] : {std::pair<const char*, double>{"H100", 3.35}, {"H200", 4.8}}) {
      if (std::strcmp(dt, "tf32") == 0) show<V3Family, V3NFamily>(p, card, tbs);
      else if (std::strcmp(dt, "exact") == 0) show_exact(p, card, tbs);
      else if (std::strcmp(dt, "bfloat16") == 0) show<V2Family<true>, V2NFamily<true>>(p, card, tbs);
      else if (std::strcmp(dt, "float16") == 0) show<V2Family<false>, V2NFamily<false>>(p, card, tbs);
      else {
        std::fprintf(stderr, "dtype: expected float16, bfloat16, tf32 or exact, got %s\n", dt);
        return 2;
      }
    }
  }
  return 0;
}
