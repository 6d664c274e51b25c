// Recursive (divide and conquer) method. The sequence is split in halves recursively
// down to leaves of C tokens (64 for fp16/bf16, 32 for float32); the output is
//   leaves:  o_i = [(Q K^T) . D] V inside each leaf               (tensor cores)
//   level l (blocks of size Bl = C 2^l, pairs [a, a+Bl) | [a+Bl, a+2Bl)):
//            KV_left = sum_{j in left} gamma^(a+Bl-1-j) k_j^T v_j   (tensor cores)
//            o_i += gamma^(i-(a+Bl)+1) q_i KV_left   for i in the right half
// processed bottom-up, level by level (each level one pass over every pair), so the
// work is ~2 N r d log2(N/C) + leaves: O(N log N), kept to show it is not optimal.
// O accumulates in a float32 scratch buffer and is rounded once at the end. The initial
// state enters as one more cross term (a left sibling of the whole sequence); the final
// state comes from the chunk walker's state pass. Precision: fp16/bf16 operands with
// float32 accumulation (limits of the 16-bit operand copies: lightning.cu); float32
// inputs follow p.precision (Exact = 3xTF32, TF32 = one TF32 product). Packed sequences
// are not supported by this method on CUDA.
#include "common.cuh"

namespace leet::cuda {
namespace {

template <class T>
void run_recursive(const AttnParams& p, const LaunchContext& ctx) {
  constexpr int64_t C = chunk_rows<T>();
  const int64_t N = p.N, BH = p.B * p.H;
  const int64_t max_pairs = ceil_div(N, 2 * C);
  Carver cv;
  const size_t o_f = cv.add((size_t)BH * N * p.d * sizeof(float));
  const size_t o_kv = cv.add((size_t)p.B * max_pairs * p.H * p.r * p.d * sizeof(float));
  char* base = static_cast<char*>(ctx.scratch(cv.off));
  float* of = reinterpret_cast<float*>(base + o_f);
  float* kv = reinterpret_cast<float*>(base + o_kv);

  WalkArgs a;
  a.out_f32 = of;
  // leaves
  a.mode = W_INTRA | W_OUT_F32;
  a.segs = analytic_segments(p, C, C, 0, ceil_div(N, C));
  walk_chunks(p, ctx, a);
  // levels, bottom-up
  for (int64_t bl = C; bl < N; bl *= 2) {
    const int64_t pairs = ceil_div(N, 2 * bl);
    WalkArgs l;
    l.mode = W_UPDATE;
    l.segs = analytic_segments(p, bl, 2 * bl, 0, pairs);
    l.state_out = kv;
    walk_chunks(p, ctx, l);
    WalkArgs c;
    c.mode = W_INTER | W_ACC_F32;
    c.segs = analytic_segments(p, bl, 2 * bl, bl, pairs);
    c.state_in = kv;
    c.out_f32 = of;
    walk_chunks(p, ctx, c);
  }
  WalkArgs w;
  w.segs = analytic_segments(p, N, N, 0, 1);
  w.state_in = p.initial_state;
  if (p.initial_state) {
    w.mode = W_INTER | W_ACC_F32;
    w.out_f32 = of;
    walk_chunks(p, ctx, w);
  }
  const int64_t n = BH * N * p.d;
  f32_to_out_kernel<T><<<(unsigned)std::min<int64_t>(ceil_div(n, 256), 65536), 256, 0, ctx.stream>>>(
      of, static_cast<T*>(p.o), n);
  if (p.final_state) {
    w.mode = W_UPDATE;
    w.out_f32 = nullptr;
    w.state_out = p.final_state;
    walk_chunks(p, ctx, w);
  }
}

}  // namespace

void launch_recursive(const AttnParams& p, const LaunchContext& ctx) {
  if (p.cu_seqlens) throw CudaError("method recursive does not support packed sequences on cuda");
  LEET_CUDA_DISPATCH(p.dtype, T, run_recursive<T>(p, ctx));
}

}  // namespace leet::cuda
