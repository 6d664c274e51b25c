// blocked: the chunkwise-parallel form (Transformer-VQ, fla "chunk"). Per (sequence,
// head) the sequence is cut into chunks of C and processed in three passes over a
// window of G chunks at a time (G bounds the memory held for per-chunk states):
//   1. every chunk's own state contribution U_c = sum_j gamma^(c1 - j) k_j^T v_j
//      (independent, in parallel),
//   2. a short sequential scan S_c = gamma^len(c) S_{c-1} + U_c giving each chunk the
//      state it starts from (one r x d state per chunk is materialised),
//   3. every chunk's output O_c = ((Q K^T) .* mask .* decay) V + diag(gamma^(i-c0+1)) Q S
//      (independent, in parallel).
// The state entering the next window is the last scanned state. Unlike lightning, the
// chunks of one sequence are independent work items, so B*H = 1 still fills every core.
#include "kernels.h"

namespace leet::cpu {
namespace {
using namespace kern;

constexpr int64_t kWindow = 64;  // chunks per window (states held at once: kWindow + 1)

template <DType D>
void blocked_seq_head(const AttnParams& p, const SeqHead& sh, int64_t C, int threads) {
  using T = Acc<D>;
  const Ptrs<D> P(p);
  const int64_t r = p.r, d = p.d, n = sh.n;
  const int64_t nch = ceil_div(n, C);
  const int workers = (int)std::max<int64_t>(1, std::min<int64_t>(threads, std::min(nch, kWindow)));
  std::vector<ChunkScratch<T>> X((size_t)workers);
  for (auto& x : X) x.init(C, r, d);
  const int64_t dp = X[0].dp, rd = r * dp;
  // slot[0] = state entering the window, slot[c + 1] = U_c then S_c after the scan.
  Buf<T> slots((size_t)((std::min(kWindow, nch) + 1) * rd));
  load_state(p, sh, slots.data(), dp, 0, d);
  const ChunkDecay<T> dec(sh.s, p.scale, C);
  const DecayTable<T>& tab = dec.tab;
  const Powers<T>& G = dec.G;
  const Buf<T>& qdec = dec.qdec;

  const bool direct = direct_io<D>(d);
  for (int64_t w0 = 0; w0 < nch; w0 += kWindow) {
    const int64_t wn = std::min(kWindow, nch - w0);
    const bool last_window = w0 + wn == nch;
    // Pass 1: U_c for each chunk (the last chunk's is needed only for the final state).
    const int64_t n1 = (last_window && !p.final_state) ? wn - 1 : wn;
    parallel_for_ids(n1, workers, [&](int64_t c, int wid) {
      const int64_t b0 = (w0 + c) * C, len = std::min(C, n - b0);
      accumulate_kv<D>(p, P.k + sh.qk + b0 * r, P.v + sh.vo + b0 * d, len, sh.s, len - 1, 0, d,
                       X[(size_t)wid], slots.data() + (c + 1) * rd, (T)0, G);
    });
    // Pass 2: scan.
    for (int64_t c = 0; c < n1; ++c) {
      const int64_t len = std::min(C, n - (w0 + c) * C);
      const T g = G[len];
      const T* prev = slots.data() + c * rd;
      T* cur = slots.data() + (c + 1) * rd;
      for (int64_t x = 0; x < rd; ++x) cur[x] += g * prev[x];
    }
    // Pass 3: outputs.
    parallel_for_ids(wn, workers, [&](int64_t c, int wid) {
      ChunkScratch<T>& Y = X[(size_t)wid];
      const int64_t b0 = (w0 + c) * C, len = std::min(C, n - b0);
      cvt_in<D>(P.q + sh.qk + b0 * r, Y.Q.data(), len * r);
      stage_kt<D>(P.k + sh.qk + b0 * r, len, r, Y, nullptr);
      const T* V = reinterpret_cast<const T*>(P.v + sh.vo + b0 * d);
      int64_t ldv = d;
      if (!direct) {
        stage_rows<D>(P.v + sh.vo + b0 * d, d, 0, len, d, Y.V.data(), dp);
        V = Y.V.data();
        ldv = dp;
      }
      scores<T>(len, 0, Y.Q.data(), r, Y.Kt.data(), Y.cp, 2 * Simd<T>::W, r, tab.tab0(), Y.Sc.data(), Y.cp);
      for (int64_t i = 0; i < len; ++i) {
        T* row = Y.Q.data() + i * r;
        const T f = qdec[(size_t)i];
        for (int64_t kk = 0; kk < r; ++kk) row[kk] *= f;
      }
      GemmSeg intra{Y.Sc.data(), Y.cp, V, ldv, len, 0};
      GemmSeg inter{Y.Q.data(), r, slots.data() + c * rd, dp, r, -1};
      if (direct) {
        gemm<T>(len, dp, intra, inter, reinterpret_cast<T*>(P.o + sh.vo + b0 * d), d, (T)0);
      } else {
        gemm<T>(len, dp, intra, inter, Y.O.data(), dp, (T)0);
        store_rows<D>(P.o + sh.vo + b0 * d, d, 0, len, d, Y.O.data(), dp);
      }
    });
    if (n1 > 0) std::memcpy(slots.data(), slots.data() + n1 * rd, (size_t)rd * sizeof(T));
  }
  store_state(p, sh, slots.data(), dp, 0, d);
}

template <DType D>
void run_blocked(const AttnParams& p) {
  const int64_t C = default_chunk(p);
  for_seq_heads(p, [&](const SeqHead& sh, int inner) { blocked_seq_head<D>(p, sh, C, inner); });
}

}  // namespace

void blocked(const AttnParams& p) {
  kern::validate(p);
  LEET_DISPATCH_DTYPE(p.dtype, D, run_blocked<D>(p));
}

}  // namespace leet::cpu
