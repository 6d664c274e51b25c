// Blocked / chunkwise method (Transformer-VQ, fla "chunk"): three passes.
//   1. per-chunk state:  U_c = sum_{j in c} gamma^(c_end-1-j) k_j^T v_j      (tensor cores)
//   2. scan over chunks: S_c = gamma^len(c-1) S_(c-1) + U_(c-1), S_0 = S_init  (float32)
//   3. output per chunk: o_i = [(Q K^T) . D] V + gamma^(i-c0+1) q_i S_c        (tensor cores)
// Chunks (the state granularity: p.chunk, or by default 256 to 4096 tokens, the longest
// that still fills the GPU) are independent CTAs in passes 1 and 3; inside a chunk the
// masked products run on tiles of 64 rows (32 for float32) with the tile-to-tile carry
// kept in registers (shared chunk body: lightning.cu).
// Per-chunk states live in scratch as float32 [chunks, H, r, d]. Supports packed
// sequences (cu_seqlens): chunks never cross a sequence boundary.
// On Hopper (sm_90a code, r = 128, d a multiple of 128, fixed-length batches; 16-bit
// inputs, float32 at TF32, or float32 at Exact on the 3xTF32 body) the three passes run
// on the warpgroup-MMA chunk body that `fused` uses (launch_wgmma_schedule): the same
// schedule, with chunk states in [dv][r] order and the scan kernel of fused_kernels.cuh.
// Precision: fp16/bf16 operands with float32 accumulation (limits of the 16-bit operand
// copies: lightning.cu); float32 inputs follow p.precision (Exact = 3xTF32, TF32 = one
// TF32 product). The scan applies gamma^len as a compensated pair (hi + lo, from a
// double exp) so its float rounding does not compound over many chunks.
#include "common.cuh"

namespace leet::cuda {
namespace {

__global__ void scan_states_kernel(SegSpec segs, const int64_t* __restrict__ seq_first, int64_t nblk,
                                   int64_t N, int64_t H, int64_t rd, const float* __restrict__ decay,
                                   float* __restrict__ states, const float* __restrict__ init,
                                   float* __restrict__ fin) {
  const int64_t sq = blockIdx.x / nblk;
  const int64_t e = (blockIdx.x % nblk) * blockDim.x + threadIdx.x;
  const int64_t h = blockIdx.y;
  if (e >= rd) return;
  int64_t first, last;
  if (seq_first) {
    first = seq_first[sq];
    last = seq_first[sq + 1];
  } else {
    first = sq * segs.per_seq;
    last = first + segs.per_seq;
  }
  const double s = decay[h];
  float S = init ? init[(sq * H + h) * rd + e] : 0.f;
  // gamma^len of a full segment as hi + lo (every segment but a sequence's last has it)
  const int64_t full = segs.seg_len;
  const double gfull = exp(-s * (double)full);
  const float gf_hi = (float)gfull, gf_lo = (float)(gfull - (double)gf_hi);
  constexpr int U = 8;
  for (int64_t c = first; c < last; c += U) {
    float u[U], ghi[U], glo[U];
#pragma unroll
    for (int k = 0; k < U; ++k) {
      u[k] = 0.f;
      ghi[k] = 1.f;
      glo[k] = 0.f;
      if (c + k < last) {
        int64_t b, t0, len;
        seg_get(segs, c + k, N, b, t0, len);
        if (len < 0) len = 0;
        if (len == full && full > 0) {
          ghi[k] = gf_hi;
          glo[k] = gf_lo;
        } else {
          const double gl = exp(-s * (double)len);
          ghi[k] = (float)gl;
          glo[k] = (float)(gl - (double)ghi[k]);
        }
        u[k] = states[((c + k) * H + h) * rd + e];
      }
    }
#pragma unroll
    for (int k = 0; k < U; ++k) {
      if (c + k < last) {
        states[((c + k) * H + h) * rd + e] = S;
        S = fmaf(ghi[k], S, fmaf(glo[k], S, u[k]));
      }
    }
  }
  if (fin) fin[(sq * H + h) * rd + e] = S;
}

}  // namespace

void scan_states(const AttnParams& p, const LaunchContext& ctx, const SegSpec& segs,
                 const int64_t* seq_first_dev, int64_t num_seqs, float* states, const float* initial,
                 float* final_state) {
  const int64_t rd = p.r * p.d;
  const int64_t nblk = ceil_div(rd, 256);
  if (num_seqs <= 0) return;
  dim3 grid((unsigned)(num_seqs * nblk), (unsigned)p.H);
  scan_states_kernel<<<grid, 256, 0, ctx.stream>>>(segs, seq_first_dev, nblk, p.N, p.H, rd, ctx.decay_rate,
                                                   states, initial, final_state);
}

// State granularity for the Hopper chunk body (launch_wgmma_schedule): p.chunk, or the
// longest power of two from 256 to 4096 that still gives the output pass (one CTA per
// chunk and 128 value columns) at least two CTAs per SM.
int64_t wgmma_chunk(const AttnParams& p, const LaunchContext& ctx) {
  if (p.chunk > 0) return round_up(p.chunk, 64);
  const int64_t work = p.B * p.N * p.H * ceil_div(p.d, 128);
  const int64_t want = 2 * (int64_t)std::max(ctx.multiprocessors, 1);
  int64_t seg = 256;
  while (seg < 4096 && work / (2 * seg) >= want) seg *= 2;
  return seg;
}

void launch_blocked(const AttnParams& p, const LaunchContext& ctx) {
  // (with long sequences too, blocked keeps its own kernels: its scan runs per sequence)
  if (launch_short_sequences(p, ctx, false) == ShortDone::All) return;
  // Hopper: the same three passes on the wgmma chunk body (cuda/fused_v2.cuh, v3)
  if (launch_wgmma_schedule(p, ctx, wgmma_chunk(p, ctx))) return;
  int64_t seg = p.chunk > 0 ? round_up(p.chunk, 64) : 256;
  if (p.chunk <= 0) {
    // Default chunk: the longest (power of two, <= 4096) that still gives the output pass
    // about 8 CTAs of 32 columns per SM. Longer chunks amortise each CTA's pipeline fill
    // and state load (H200 fp16 1x65536: 256 / 1024 / 2048 / 4096 tokens: 3.42 / 2.75 /
    // 2.64 / 2.60 ms).
    const int64_t tokens = p.cu_seqlens ? p.N : p.B * p.N;
    const int64_t work = tokens * p.H * ceil_div(p.d, 32);
    const int64_t want = 8 * (int64_t)std::max(ctx.multiprocessors, 1);
    while (seg < 4096 && work / (2 * seg) >= want) seg *= 2;
  }
  const int64_t S = num_sequences(p);
  const SegmentPlan plan = plan_segments(p, ctx, seg);
  const SegSpec& segs = plan.segs;
  float* states = plan.states;
  const int64_t* first_dev = plan.first;
  WalkArgs a;
  a.segs = segs;
  // pass 1: each chunk's own decayed K^T V
  a.mode = W_UPDATE;
  a.state_out = states;
  walk_chunks(p, ctx, a);
  // pass 2: states at chunk starts (+ final state)
  scan_states(p, ctx, segs, first_dev, S, states, p.initial_state, p.final_state);
  // pass 3: outputs
  a.mode = W_INTRA | W_INTER | W_UPDATE;
  a.state_in = states;
  a.state_out = nullptr;
  walk_chunks(p, ctx, a);
}

}  // namespace leet::cuda
