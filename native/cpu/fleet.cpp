// fleet: FleetAttention (LeetDecoding). The output is a sum over key features,
//   O = sum_{k<r} diag(q[:,k]) L_gamma diag(k[:,k]) V,
// where L_gamma is the lower-triangular discount matrix: for each feature k a
// discounted prefix sum over positions z_k[i,:] = gamma z_k[i-1,:] + k[i,k] v[i,:]
// (no matmul), weighted by q[i,k] and accumulated into O. Exact: products are formed
// directly (the published PyTorch version takes logs of signed values), and each output
// element is owned by one work item (the published Triton kernel races on O).
// Work items are (sequence, head, block of value columns); features are swept in groups
// of 4 whose running prefix sums z (2 value vectors wide) live in registers; positions
// are tiled by 32 so the q, k and partial O tiles stay in L1 between sweeps. The prefix sums start from
// the initial state's rows and end as the final state's rows.
#include "kernels.h"

namespace leet::cpu {
namespace {
using namespace kern;

constexpr int64_t kTokens = 32;
constexpr int kGroup = 4;  // features per sweep
constexpr int kVecs = 2;   // value vectors per work item

template <class T, int KB, int NV, bool kFirst, bool kDecay>
void fleet_sweep(const T* q, const T* k, int64_t r, int64_t f0, const T* V, int64_t ldv, T* O, int64_t ldo,
                 int64_t len, T* Z, int64_t ldz, T gamma) {
  using S = Simd<T>;
  constexpr int W = S::W;
  typename S::R z[KB][NV];
  for (int f = 0; f < KB; ++f)
    for (int c = 0; c < NV; ++c) z[f][c] = S::load(Z + (f0 + f) * ldz + c * W);
  const typename S::R g = S::set1(gamma);
  for (int64_t i = 0; i < len; ++i) {
    typename S::R vv[NV], acc[NV];
    for (int c = 0; c < NV; ++c) {
      vv[c] = S::load(V + i * ldv + c * W);
      acc[c] = kFirst ? S::zero() : S::load(O + i * ldo + c * W);
    }
    for (int f = 0; f < KB; ++f) {
      const typename S::R a = S::set1(k[i * r + f0 + f]), b = S::set1(q[i * r + f0 + f]);
      for (int c = 0; c < NV; ++c) {
        if constexpr (kDecay)
          z[f][c] = S::fma(z[f][c], g, S::mul(a, vv[c]));  // short loop-carried chain
        else
          z[f][c] = S::fma(a, vv[c], z[f][c]);
        acc[c] = S::fma(b, z[f][c], acc[c]);
      }
    }
    for (int c = 0; c < NV; ++c) S::store(O + i * ldo + c * W, acc[c]);
  }
  for (int f = 0; f < KB; ++f)
    for (int c = 0; c < NV; ++c) S::store(Z + (f0 + f) * ldz + c * W, z[f][c]);
}

template <class T, int NV, bool kDecay>
void fleet_tile(const T* q, const T* k, int64_t r, const T* V, int64_t ldv, T* O, int64_t ldo, int64_t len,
                T* Z, int64_t ldz, T gamma) {
  int64_t f0 = 0;
  for (; f0 + kGroup <= r; f0 += kGroup) {
    if (f0 == 0)
      fleet_sweep<T, kGroup, NV, true, kDecay>(q, k, r, f0, V, ldv, O, ldo, len, Z, ldz, gamma);
    else
      fleet_sweep<T, kGroup, NV, false, kDecay>(q, k, r, f0, V, ldv, O, ldo, len, Z, ldz, gamma);
  }
  const bool first = f0 == 0;
  switch (r - f0) {
    case 1:
      first ? fleet_sweep<T, 1, NV, true, kDecay>(q, k, r, f0, V, ldv, O, ldo, len, Z, ldz, gamma)
            : fleet_sweep<T, 1, NV, false, kDecay>(q, k, r, f0, V, ldv, O, ldo, len, Z, ldz, gamma);
      break;
    case 2:
      first ? fleet_sweep<T, 2, NV, true, kDecay>(q, k, r, f0, V, ldv, O, ldo, len, Z, ldz, gamma)
            : fleet_sweep<T, 2, NV, false, kDecay>(q, k, r, f0, V, ldv, O, ldo, len, Z, ldz, gamma);
      break;
    case 3:
      first ? fleet_sweep<T, 3, NV, true, kDecay>(q, k, r, f0, V, ldv, O, ldo, len, Z, ldz, gamma)
            : fleet_sweep<T, 3, NV, false, kDecay>(q, k, r, f0, V, ldv, O, ldo, len, Z, ldz, gamma);
      break;
    default: break;
  }
}

template <DType D>
void fleet_task(const AttnParams& p, const SeqHead& sh, int64_t c0, int64_t dc) {
  using T = Acc<D>;
  constexpr int W = Simd<T>::W;
  const Ptrs<D> P(p);
  const int64_t r = p.r, d = p.d, n = sh.n;
  const int64_t dp = round_up(dc, W);
  const int64_t tb = std::max<int64_t>(1, std::min(kTokens, n));  // short sequences: small buffers
  Buf<T> Z((size_t)(r * dp)), Qb((size_t)(tb * r)), Kb((size_t)(tb * r)), Vb((size_t)(tb * dp)),
      Ob((size_t)(tb * dp));
  load_state(p, sh, Z.data(), dp, c0, dc);
  const T gamma = decay_pow<T>(sh.s, 1.0);
  const bool decay = gamma != (T)1;
  const T scale = (T)p.scale;
  for (int64_t t0 = 0; t0 < n; t0 += kTokens) {
    const int64_t len = std::min(kTokens, n - t0);
    const T* q = as_acc<D>(P.q + sh.qk + t0 * r, len * r, Qb.data());
    const T* k = as_acc<D>(P.k + sh.qk + t0 * r, len * r, Kb.data());
    stage_rows<D>(P.v + sh.vo + t0 * d, d, c0, len, dc, Vb.data(), dp);
    // Column tiles of kVecs vectors (the q, k tile stays in L1 across them).
    for (int64_t j0 = 0; j0 < dp; j0 += kVecs * W) {
      const T* V = Vb.data() + j0;
      T* O = Ob.data() + j0;
      T* Zj = Z.data() + j0;
      if (dp - j0 >= kVecs * W) {
        decay ? fleet_tile<T, kVecs, true>(q, k, r, V, dp, O, dp, len, Zj, dp, gamma)
              : fleet_tile<T, kVecs, false>(q, k, r, V, dp, O, dp, len, Zj, dp, gamma);
      } else {
        decay ? fleet_tile<T, 1, true>(q, k, r, V, dp, O, dp, len, Zj, dp, gamma)
              : fleet_tile<T, 1, false>(q, k, r, V, dp, O, dp, len, Zj, dp, gamma);
      }
    }
    for (int64_t x = 0; x < len * dp; ++x) Ob[(size_t)x] *= scale;
    store_rows<D>(P.o + sh.vo + t0 * d, d, c0, len, dc, Ob.data(), dp);
  }
  store_state(p, sh, Z.data(), dp, c0, dc);
}

template <DType D>
void run_fleet(const AttnParams& p) {
  // Columns per work item: up to 4 tiles of kVecs vectors.
  for_seq_head_columns(p, kVecs * Simd<Acc<D>>::W, 4,
                       [&](const SeqHead& sh, int64_t c0, int64_t dc) { fleet_task<D>(p, sh, c0, dc); });
}

}  // namespace

void fleet(const AttnParams& p) {
  kern::validate(p);
  LEET_DISPATCH_DTYPE(p.dtype, D, run_fleet<D>(p));
}

}  // namespace leet::cpu
