// recurrent: the causal-dot-product recurrence (Katharopoulos et al. 2020), one token at
// a time: S <- gamma S + k_i^T v_i, o_i = scale q_i S. The state stays in L1; the value
// columns are split into blocks of up to 4 vectors (32 floats / 16 doubles), each an
// independent work item, so a single (sequence, head) still uses several cores.
// Per state element and token: one multiply (decay), two FMAs, no positive power of
// gamma ever formed. The initial state seeds S and the final S is the final state.
#include "kernels.h"

namespace leet::cpu {
namespace {
using namespace kern;

constexpr int64_t kTokens = 64;  // tokens staged at a time

template <class T, int NV, bool kDecay>
void recur_block(const T* q, const T* k, const T* v, int64_t ldv, T* o, int64_t ldo, int64_t len,
                 int64_t r, T* St, int64_t lds, T gamma, T scale) {
  using S = Simd<T>;
  constexpr int W = S::W;
  const typename S::R g = S::set1(gamma), sc = S::set1(scale);
  for (int64_t i = 0; i < len; ++i) {
    typename S::R vv[NV], acc[NV];
    for (int c = 0; c < NV; ++c) {
      vv[c] = S::load(v + i * ldv + c * W);
      acc[c] = S::zero();
    }
    const T* qi = q + i * r;
    const T* ki = k + i * r;
    for (int64_t kk = 0; kk < r; ++kk) {
      const typename S::R a = S::set1(ki[kk]), b = S::set1(qi[kk]);
      T* srow = St + kk * lds;
      for (int c = 0; c < NV; ++c) {
        typename S::R s = S::load(srow + c * W);
        if constexpr (kDecay) s = S::mul(s, g);
        s = S::fma(a, vv[c], s);
        S::store(srow + c * W, s);
        acc[c] = S::fma(b, s, acc[c]);
      }
    }
    for (int c = 0; c < NV; ++c) S::store(o + i * ldo + c * W, S::mul(acc[c], sc));
  }
}

template <class T, bool kDecay>
void recur_block_nv(int nv, const T* q, const T* k, const T* v, int64_t ldv, T* o, int64_t ldo, int64_t len,
                    int64_t r, T* St, int64_t lds, T gamma, T scale) {
  switch (nv) {
    case 1: recur_block<T, 1, kDecay>(q, k, v, ldv, o, ldo, len, r, St, lds, gamma, scale); break;
    case 2: recur_block<T, 2, kDecay>(q, k, v, ldv, o, ldo, len, r, St, lds, gamma, scale); break;
    case 3: recur_block<T, 3, kDecay>(q, k, v, ldv, o, ldo, len, r, St, lds, gamma, scale); break;
    default: recur_block<T, 4, kDecay>(q, k, v, ldv, o, ldo, len, r, St, lds, gamma, scale); break;
  }
}

template <DType D>
void recurrent_task(const AttnParams& p, const SeqHead& sh, int64_t c0, int64_t dc) {
  using T = Acc<D>;
  constexpr int W = Simd<T>::W;
  const Ptrs<D> P(p);
  const int64_t r = p.r, d = p.d, n = sh.n;
  const int64_t dp = round_up(dc, W);
  const int nv = (int)(dp / W);
  const int64_t tb = std::max<int64_t>(1, std::min(kTokens, n));  // short sequences: small buffers
  Buf<T> St((size_t)(r * dp)), Qb((size_t)(tb * r)), Kb((size_t)(tb * r)), Vb((size_t)(tb * dp)),
      Ob((size_t)(tb * dp));
  load_state(p, sh, St.data(), dp, c0, dc);
  // Decay 1 exactly (s = 0) skips the multiply; decay_pow never returns a value > 1.
  const T gamma = decay_pow<T>(sh.s, 1.0);
  const bool decay = gamma != (T)1;
  for (int64_t t0 = 0; t0 < n; t0 += kTokens) {
    const int64_t len = std::min(kTokens, n - t0);
    const T* q = as_acc<D>(P.q + sh.qk + t0 * r, len * r, Qb.data());
    const T* k = as_acc<D>(P.k + sh.qk + t0 * r, len * r, Kb.data());
    stage_rows<D>(P.v + sh.vo + t0 * d, d, c0, len, dc, Vb.data(), dp);
    if (decay)
      recur_block_nv<T, true>(nv, q, k, Vb.data(), dp, Ob.data(), dp, len, r, St.data(), dp, gamma, (T)p.scale);
    else
      recur_block_nv<T, false>(nv, q, k, Vb.data(), dp, Ob.data(), dp, len, r, St.data(), dp, gamma, (T)p.scale);
    store_rows<D>(P.o + sh.vo + t0 * d, d, c0, len, dc, Ob.data(), dp);
  }
  store_state(p, sh, St.data(), dp, c0, dc);
}

template <DType D>
void run_recurrent(const AttnParams& p) {
  // Columns per work item: up to 4 vectors.
  for_seq_head_columns(p, Simd<Acc<D>>::W, 4,
                       [&](const SeqHead& sh, int64_t c0, int64_t dc) { recurrent_task<D>(p, sh, c0, dc); });
}

}  // namespace

void recurrent(const AttnParams& p) {
  kern::validate(p);
  LEET_DISPATCH_DTYPE(p.dtype, D, run_recurrent<D>(p));
}

}  // namespace leet::cpu
