// lightning: Lightning Attention-2 (Qin et al. 2024). One sequential pass per
// (sequence, head) walks the blocks in order carrying the running KV state; each block
// computes its intra-block part (masked decayed Q K^T, times V) and its inter-block part
// (Q scaled by gamma^(i - c0 + 1), times KV) in the same loop, then folds its own
// K^T V into KV. When there are fewer (sequence, head) pairs than workers, the value
// columns are split across workers (each recomputes the block scores for its columns).
#include "kernels.h"

namespace leet::cpu {
namespace {
using namespace kern;

template <DType D>
void lightning_task(const AttnParams& p, const SeqHead& sh, int64_t C, int64_t c0, int64_t dc) {
  using T = Acc<D>;
  const Ptrs<D> P(p);
  const int64_t r = p.r, d = p.d, n = sh.n;
  ChunkScratch<T> X;
  X.init(C, r, dc);
  Buf<T> St((size_t)(r * X.dp));
  load_state(p, sh, St.data(), X.dp, c0, dc);
  const ChunkDecay<T> dec(sh.s, p.scale, C);
  const DecayTable<T>& tab = dec.tab;
  const Powers<T>& G = dec.G;
  const Buf<T>& qdec = dec.qdec;

  const bool direct = direct_io<D>(dc);
  for (int64_t b0 = 0; b0 < n; b0 += C) {
    const int64_t len = std::min(C, n - b0);
    const Src<D>* q = P.q + sh.qk + b0 * r;
    const Src<D>* k = P.k + sh.qk + b0 * r;
    const Src<D>* v = P.v + sh.vo + b0 * d;
    if (b0 + C < n) {  // next block's inputs into L2 while this one computes
      const int64_t nl = std::min(C, n - b0 - C);
      prefetch_l2(q + C * r, nl * r * (int64_t)sizeof(Src<D>));
      prefetch_l2(k + C * r, nl * r * (int64_t)sizeof(Src<D>));
      prefetch_l2(v + C * d, nl * d * (int64_t)sizeof(Src<D>));
    }
    // Stage the block.
    cvt_in<D>(q, X.Q.data(), len * r);
    stage_kt<D>(k, len, r, X, nullptr);
    const T* V = reinterpret_cast<const T*>(v) + c0;
    int64_t ldv = d;
    if (!direct) {
      stage_rows<D>(v, d, c0, len, dc, X.V.data(), X.dp);
      V = X.V.data();
      ldv = X.dp;
    }
    // Intra: scores with mask, decay and scale.
    scores<T>(len, 0, X.Q.data(), r, X.Kt.data(), X.cp, 2 * Simd<T>::W, r, tab.tab0(), X.Sc.data(), X.cp);
    // Inter: Q rows scaled by scale * gamma^(i+1).
    for (int64_t i = 0; i < len; ++i) {
      T* row = X.Q.data() + i * r;
      const T f = qdec[(size_t)i];
      for (int64_t kk = 0; kk < r; ++kk) row[kk] *= f;
    }
    GemmSeg intra{X.Sc.data(), X.cp, V, ldv, len, 0};
    GemmSeg inter{X.Q.data(), r, St.data(), X.dp, r, -1};
    if (direct) {
      gemm<T>(len, X.dp, intra, inter, reinterpret_cast<T*>(P.o + sh.vo + b0 * d) + c0, d, (T)0);
    } else {
      gemm<T>(len, X.dp, intra, inter, X.O.data(), X.dp, (T)0);
      store_rows<D>(P.o + sh.vo + b0 * d, d, c0, len, dc, X.O.data(), X.dp);
    }
    // KV <- gamma^len KV + sum_j gamma^(len-1-j) k_j^T v_j.
    for (int64_t j = 0; j < len; ++j) X.scl[(size_t)j] = G[len - 1 - j];
    for (int64_t kk = 0; kk < r; ++kk) {
      T* row = X.Kt.data() + kk * X.cp;
      for (int64_t j = 0; j < len; ++j) row[j] *= X.scl[(size_t)j];
    }
    GemmSeg upd{X.Kt.data(), X.cp, V, ldv, len, -1};
    gemm<T>(r, X.dp, upd, St.data(), X.dp, G[len]);
  }
  store_state(p, sh, St.data(), X.dp, c0, dc);
}

template <DType D>
void run_lightning(const AttnParams& p) {
  constexpr int64_t NR = 2 * Simd<Acc<D>>::W;
  const std::vector<SeqHead> shs = seq_heads(p);
  const int64_t nsh = (int64_t)shs.size();
  const int64_t C = default_chunk(p);
  const int t = p.threads;
  // Column blocks per (sequence, head): 1 when there are plenty of pairs, otherwise
  // enough that the work items divide evenly among the workers.
  int64_t ncb = 1;
  if (t > 1 && nsh < 4 * t && nsh % t != 0) {
    ncb = ceil_div(t, nsh);
    if ((nsh * ncb) % t != 0) ncb = ceil_div(2 * t, nsh);
  }
  const int64_t maxcb = std::max<int64_t>(1, ceil_div(p.d, NR));
  ncb = std::min(ncb, maxcb);
  const int64_t width = round_up(ceil_div(p.d, ncb), NR);
  ncb = ceil_div(p.d, width);
  parallel_for(nsh * ncb, t, [&](int64_t it) {
    const SeqHead& sh = shs[(size_t)(it / ncb)];
    const int64_t c0 = (it % ncb) * width;
    lightning_task<D>(p, sh, C, c0, std::min(width, p.d - c0));
  });
}

}  // namespace

void lightning(const AttnParams& p) {
  kern::validate(p);
  LEET_DISPATCH_DTYPE(p.dtype, D, run_lightning<D>(p));
}

}  // namespace leet::cpu
