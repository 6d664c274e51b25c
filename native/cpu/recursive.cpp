// recursive: divide and conquer. The chunks (leaves of C positions) of a sequence form
// a binary tree: the node at level l covering chunks [t 2^l, (t+1) 2^l) is split into a
// left and a right half. Leaves compute their own masked matmul; each node adds the
// cross term of its right half on its left half:
//   o_i += scale * gamma^(i-m+1) q_i KV_left,  KV_left = sum_{j<m} gamma^(m-1-j) k_j^T v_j
// (m = first position of the right half), with both decay exponents >= 0. Every level
// recomputes its KV_left from K and V (O(N r d) per level, O(N r d log(N/C)) in all):
// this is the textbook recursion, kept to show that it is not optimal.
// The output is accumulated in an Acc-typed N x d buffer (written to o at the end).
// Leaves add the initial-state term scale * gamma^(i+1) q_i S_init; the final state
// comes from the shared direct sum. Leaves, and the nodes of each level, are independent
// work items; a level with fewer nodes than workers splits each node's KV sum and its
// rows across workers.
#include "kernels.h"

namespace leet::cpu {
namespace {
using namespace kern;

template <DType D>
void recursive_seq_head(const AttnParams& p, const SeqHead& sh, int64_t C, int threads) {
  using T = Acc<D>;
  const Ptrs<D> P(p);
  const int64_t r = p.r, d = p.d, n = sh.n;
  if (n > 0) {
    const int64_t nch = ceil_div(n, C);
    const int workers = (int)std::max<int64_t>(1, std::min<int64_t>(threads, nch));
    std::vector<ChunkScratch<T>> X((size_t)workers);
    for (auto& x : X) x.init(C, r, d);
    const int64_t dp = X[0].dp, rd = r * dp;
    // Output accumulator: o itself when it is Acc-typed with whole vectors per row.
    const bool direct = direct_io<D>(d);
    Buf<T> Obuf, Sinit;
    if (!direct) Obuf.resize((size_t)(n * dp));
    T* const O = direct ? reinterpret_cast<T*>(P.o + sh.vo) : Obuf.data();
    const int64_t ldo = direct ? d : dp;
    if (p.initial_state) {
      Sinit.resize((size_t)rd);
      load_state(p, sh, Sinit.data(), dp, 0, d);
    }
    DecayTable<T> tab;
    tab.build(sh.s, p.scale, C, 2 * C + 32);
    Powers<T> G;
    G.build(sh.s, C);

    // Leaves.
    parallel_for_ids(nch, workers, [&](int64_t c, int wid) {
      ChunkScratch<T>& Y = X[(size_t)wid];
      const int64_t b0 = c * C, len = std::min(C, n - b0);
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
      GemmSeg intra{Y.Sc.data(), Y.cp, V, ldv, len, 0};
      GemmSeg init;
      if (p.initial_state) {
        const double base = p.scale * (double)decay_pow<T>(sh.s, (double)b0);
        for (int64_t i = 0; i < len; ++i) {
          const T f = flush_tiny<T>((T)(base * (double)G[i + 1]));
          for (int64_t kk = 0; kk < r; ++kk) Y.Q[(size_t)(i * r + kk)] *= f;
        }
        init = GemmSeg{Y.Q.data(), r, Sinit.data(), dp, r, -1};
      }
      gemm<T>(len, dp, intra, init, O + b0 * ldo, ldo, (T)0);
    });

    // Cross terms, level by level. KV over left chunks [ca, cb) decayed to position m-1,
    // into kv (beta 0 on its first chunk).
    auto left_kv = [&](int64_t ca, int64_t cb, int64_t m, T* kv, ChunkScratch<T>& Y) {
      for (int64_t c = ca; c < cb; ++c) {
        const int64_t b0 = c * C, len = std::min(C, n - b0);
        accumulate_kv<D>(p, P.k + sh.qk + b0 * r, P.v + sh.vo + b0 * d, len, sh.s, m - 1 - b0, 0, d, Y, kv,
                         c == ca ? (T)0 : (T)1, G);
      }
    };
    // O rows of chunks [ca, cb) += scale * gamma^(i-m+1) q_i kv.
    auto apply = [&](int64_t ca, int64_t cb, int64_t m, const T* kv, ChunkScratch<T>& Y) {
      for (int64_t c = ca; c < cb; ++c) {
        const int64_t b0 = c * C, len = std::min(C, n - b0);
        cvt_in<D>(P.q + sh.qk + b0 * r, Y.Q.data(), len * r);
        const double base = p.scale * (double)decay_pow<T>(sh.s, (double)(b0 - m));
        for (int64_t i = 0; i < len; ++i) {
          const T f = flush_tiny<T>((T)(base * (double)G[i + 1]));
          for (int64_t kk = 0; kk < r; ++kk) Y.Q[(size_t)(i * r + kk)] *= f;
        }
        GemmSeg g{Y.Q.data(), r, kv, dp, r, -1};
        gemm<T>(len, dp, g, O + b0 * ldo, ldo, (T)1);
      }
    };
    for (int64_t half = 1; half < nch; half *= 2) {
      const int64_t span = 2 * half;
      const int64_t nodes = ceil_div(nch - half, span);  // nodes whose right half is non-empty
      const int64_t parts = nodes >= workers ? 1 : ceil_div(workers, nodes);
      if (parts == 1) {
        std::vector<Buf<T>> kv((size_t)workers);
        for (auto& b : kv) b.resize((size_t)rd);
        parallel_for_ids(nodes, workers, [&](int64_t t, int wid) {
          const int64_t la = t * span, mc = la + half, rb = std::min(la + span, nch);
          left_kv(la, mc, mc * C, kv[(size_t)wid].data(), X[(size_t)wid]);
          apply(mc, rb, mc * C, kv[(size_t)wid].data(), X[(size_t)wid]);
        });
      } else {
        // Split each node: part j sums KV over a slice of the left half, then (after all
        // parts are done) each part adds the total to a slice of the right half's rows.
        Buf<T> kv((size_t)(nodes * parts * rd));
        parallel_for_ids(nodes * parts, workers, [&](int64_t it, int wid) {
          const int64_t t = it / parts, j = it % parts;
          const int64_t la = t * span, mc = la + half;
          const int64_t a = la + half * j / parts, b = la + half * (j + 1) / parts;
          if (a < b) left_kv(a, b, mc * C, kv.data() + it * rd, X[(size_t)wid]);
        });
        parallel_for_ids(nodes * parts, workers, [&](int64_t it, int wid) {
          const int64_t t = it / parts, j = it % parts;
          const int64_t la = t * span, mc = la + half, rb = std::min(la + span, nch);
          const int64_t a = mc + (rb - mc) * j / parts, b = mc + (rb - mc) * (j + 1) / parts;
          if (a >= b) return;
          ChunkScratch<T>& Y = X[(size_t)wid];
          T* tot = Y.O.data();  // the summed KV, in the chunk output scratch when it fits
          Buf<T> local;
          if ((int64_t)Y.O.size() < rd) {
            local.resize((size_t)rd);
            tot = local.data();
          }
          for (int64_t x = 0; x < rd; ++x) {
            T s = 0;
            for (int64_t jj = 0; jj < parts; ++jj) {
              const int64_t pa = la + half * jj / parts, pb = la + half * (jj + 1) / parts;
              if (pa < pb) s += kv[(size_t)((t * parts + jj) * rd + x)];
            }
            tot[x] = s;
          }
          apply(a, b, mc * C, tot, Y);
        });
      }
    }
    if (!direct) store_rows<D>(P.o + sh.vo, d, 0, n, d, O, dp);
  }
  final_state_direct<D>(p, sh, threads);
}

template <DType D>
void run_recursive(const AttnParams& p) {
  const int64_t C = default_chunk(p);
  for_seq_heads(p, [&](const SeqHead& sh, int inner) { recursive_seq_head<D>(p, sh, C, inner); });
}

}  // namespace

void recursive(const AttnParams& p) {
  kern::validate(p);
  LEET_DISPATCH_DTYPE(p.dtype, D, run_recursive<D>(p));
}

}  // namespace leet::cpu
