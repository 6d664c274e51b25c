// Blocked / chunkwise method (Transformer-VQ, fla "chunk"): three passes.
//   1. per-chunk state:  U_c = sum_{j in c} gamma^(c_end-1-j) k_j^T v_j      (tensor cores)
//   2. scan over chunks: S_c = gamma^len(c-1) S_(c-1) + U_(c-1), S_0 = S_init  (float32)
//   3. output per chunk: o_i = [(Q K^T) . D] V + gamma^(i-c0+1) q_i S_c        (tensor cores)
// Chunks (the state granularity, p.chunk, default 256 tokens) are independent CTAs in
// passes 1 and 3; inside a chunk the masked products run on tiles of 64 rows (32 for
// float32) with the tile-to-tile carry kept in registers (shared chunk body: lightning.cu).
// Per-chunk states live in scratch as float32 [chunks, H, r, d]. Supports packed
// sequences (cu_seqlens): chunks never cross a sequence boundary.
// Precision: fp16/bf16 operands with float32 accumulation; float32 inputs use TF32.
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
  const float s = decay[h];
  float S = init ? init[(sq * H + h) * rd + e] : 0.f;
  constexpr int U = 8;
  for (int64_t c = first; c < last; c += U) {
    float u[U];
    float gl[U];
#pragma unroll
    for (int k = 0; k < U; ++k) {
      u[k] = 0.f;
      gl[k] = 1.f;
      if (c + k < last) {
        int64_t b, t0, len;
        seg_get(segs, c + k, N, b, t0, len);
        gl[k] = expf(-s * (float)(len > 0 ? len : 0));
        u[k] = states[((c + k) * H + h) * rd + e];
      }
    }
#pragma unroll
    for (int k = 0; k < U; ++k) {
      if (c + k < last) {
        states[((c + k) * H + h) * rd + e] = S;
        S = gl[k] * S + u[k];
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

void launch_blocked(const AttnParams& p, const LaunchContext& ctx) {
  const int64_t seg = p.chunk > 0 ? round_up(p.chunk, 64) : 256;
  const int64_t S = num_sequences(p);
  const size_t state_bytes = (size_t)p.H * p.r * p.d * sizeof(float);
  SegSpec segs;
  std::vector<SegInfo> tab;
  std::vector<int64_t> first;
  if (p.cu_seqlens) {
    tab = varlen_segments(p, seg, &first);
    segs.count = (int64_t)tab.size();
  } else {
    segs = analytic_segments(p, seg, seg, 0, ceil_div(p.N, seg));
  }
  Carver cv;
  const size_t o_states = cv.add(segs.count * state_bytes);
  const size_t o_tab = cv.add(tab.size() * sizeof(SegInfo));
  const size_t o_first = cv.add(first.size() * sizeof(int64_t));
  char* base = static_cast<char*>(ctx.scratch(cv.off));
  float* states = reinterpret_cast<float*>(base + o_states);
  const int64_t* first_dev = nullptr;
  if (p.cu_seqlens) {
    upload(base + o_tab, tab.data(), tab.size() * sizeof(SegInfo), ctx.stream);
    upload(base + o_first, first.data(), first.size() * sizeof(int64_t), ctx.stream);
    segs.table = reinterpret_cast<const SegInfo*>(base + o_tab);
    first_dev = reinterpret_cast<const int64_t*>(base + o_first);
  }
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
