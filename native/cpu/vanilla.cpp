// vanilla: the definition. P = (Q K^T) .* M with M_ij = scale * gamma^(i-j) for j <= i
// (0 above the diagonal), then O = P V. P is materialised a block of 64 rows at a time
// (64 x N, bounding memory), over the causal columns only: O(N^2) work. K^T is packed
// once per (sequence, head) into 16-column panels so the score kernel streams it
// contiguously. The initial state adds scale * gamma^(i+1) q_i S_init to each row (a
// second term of the same product); the final state comes from the shared direct sum.
// Row blocks are independent work items.
#include "kernels.h"

namespace leet::cpu {
namespace {
using namespace kern;

constexpr int64_t kRows = 64;

template <DType D>
void vanilla_seq_head(const AttnParams& p, const SeqHead& sh, int threads) {
  using T = Acc<D>;
  constexpr int64_t W = Simd<T>::W, NR = 2 * W;
  const Ptrs<D> P(p);
  const int64_t r = p.r, d = p.d, n = sh.n;
  if (n > 0) {
    const int64_t np = round_up(n, NR), dp = round_up(d, W);
    // Packed K^T: element (kk, j) at Kt[(j / NR) * r * NR + kk * NR + j % NR].
    const bool direct = direct_io<D>(d);  // read V and write O in place
    Buf<T> Kt((size_t)(r * np)), Vbuf, Sinit;
    {
      Buf<T> krow((size_t)r);
      for (int64_t j = 0; j < n; ++j) {
        const T* kr = as_acc<D>(P.k + sh.qk + j * r, r, krow.data());
        T* dst = Kt.data() + (j / NR) * r * NR + j % NR;
        for (int64_t kk = 0; kk < r; ++kk) dst[kk * NR] = kr[kk];
      }
    }
    if (!direct) {
      Vbuf.resize((size_t)(n * dp));
      stage_rows<D>(P.v + sh.vo, d, 0, n, d, Vbuf.data(), dp);
    }
    const T* V = direct ? reinterpret_cast<const T*>(P.v + sh.vo) : Vbuf.data();
    const int64_t ldv = direct ? d : dp;
    if (p.initial_state) {
      Sinit.resize((size_t)(r * dp));
      load_state(p, sh, Sinit.data(), dp, 0, d);
    }
    DecayTable<T> tab;
    tab.build(sh.s, p.scale, n, kRows + 2 * NR + 8);
    Powers<T> G;
    G.build(sh.s, kRows);
    const int64_t nrb = ceil_div(n, kRows);
    const int workers = (int)std::max<int64_t>(1, std::min<int64_t>(threads, nrb));
    struct Scratch { Buf<T> Q, Sc, O; };
    std::vector<Scratch> X((size_t)workers);
    const int64_t rows = std::min(kRows, n);
    for (auto& x : X) {
      x.Q.resize((size_t)(rows * r));
      x.Sc.resize((size_t)(rows * np));
      if (!direct) x.O.resize((size_t)(rows * dp));
    }
    parallel_for_ids(nrb, workers, [&](int64_t rb, int wid) {
      Scratch& Y = X[(size_t)wid];
      const int64_t i0 = rb * kRows, m = std::min(kRows, n - i0);
      const int64_t lds = round_up(i0 + m, NR);
      cvt_in<D>(P.q + sh.qk + i0 * r, Y.Q.data(), m * r);
      scores<T>(m, i0, Y.Q.data(), r, Kt.data(), NR, r * NR, r, tab.tab0(), Y.Sc.data(), lds);
      GemmSeg pv{Y.Sc.data(), lds, V, ldv, i0 + m, i0};
      GemmSeg init;
      if (p.initial_state) {
        const double base = p.scale * (double)decay_pow<T>(sh.s, (double)i0);
        for (int64_t i = 0; i < m; ++i) {
          const T f = flush_tiny<T>((T)(base * (double)G[i + 1]));
          for (int64_t kk = 0; kk < r; ++kk) Y.Q[(size_t)(i * r + kk)] *= f;
        }
        init = GemmSeg{Y.Q.data(), r, Sinit.data(), dp, r, -1};
      }
      if (direct) {
        gemm<T>(m, dp, pv, init, reinterpret_cast<T*>(P.o + sh.vo + i0 * d), d, (T)0);
      } else {
        gemm<T>(m, dp, pv, init, Y.O.data(), dp, (T)0);
        store_rows<D>(P.o + sh.vo + i0 * d, d, 0, m, d, Y.O.data(), dp);
      }
    });
  }
  final_state_direct<D>(p, sh, threads);
}

template <DType D>
void run_vanilla(const AttnParams& p) {
  for_seq_heads(p, [&](const SeqHead& sh, int inner) { vanilla_seq_head<D>(p, sh, inner); });
}

}  // namespace

void vanilla(const AttnParams& p) {
  kern::validate(p);
  LEET_DISPATCH_DTYPE(p.dtype, D, run_vanilla<D>(p));
}

}  // namespace leet::cpu
