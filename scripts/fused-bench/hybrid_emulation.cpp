// Would an exact float32 kernel that keeps the state S in float64 (on the float64 tensor cores)
// but computes some of its products on the float32 CUDA cores (FFMA, float32 accumulation) still
// meet the accuracy bar: a relative error (L2 norm of the difference over the L2 norm of the
// reference, whole output) within 2x of a float32 recurrence's on the same inputs?
//
// Emulates on the CPU, with the float32 roundings a CUDA kernel doing the same sequence of FFMA
// would get (std::fma on float, which rounds once; everything else float32 is one rounded float
// operation per C++ operator: no -ffast-math, and ISO C++ mode keeps g++ from contracting), the
// operator o_i = sum_{j<=i} g^(i-j) (q_i . k_j) v_j for one head, r = d = 128, scale 1, on the
// inputs of scripts/fused-bench/ozaki_emulation.py: q ~ N(0,1), k ~ N(0,1)/sqrt(128),
// v ~ N(0,1), each rounded to float32 (std::mt19937_64 seeded 1 and 2 + normal_distribution;
// one seed's inputs serve every decay). The reference is the float64 recurrence
// S = g S + k v^T, o = q S (independent of the chunked forms below). Variants:
//   (a)  the float32 recurrence as the library's CUDA `recurrent` method (cuda/recurrent.cu)
//        does it, without its per-tile correction of the rounded decay: per token and state
//        element S = fmaf(gf, S, k_r * v_c) (gf = float(g), the product k_r v_c rounded first);
//        q.S per column from 8 row groups of 16 rows, each group with 4 accumulators (rows
//        r mod 4, sequential FFMA chains) summed (p0 + p1) + (p2 + p3), then the 8 group
//        partials added in order in float32;
//   (a') the brief's wording of (a): S = fmaf(k_r, v_c, gf * S) (gf S rounded first) and one
//        sequential FFMA chain per 16-row group (information only; ratios are to (a));
//   (a+) (a) with the library's per-tile correction (tiles of 32 tokens, the one-column-per-
//        thread plan a single head gets): S = fmaf(S, cm1, S), cm1 = float(expm1(n log1p(
//        (g - gf) / gf))) from double (information only);
//   (b)  version 4's arithmetic: chunks of C = 32, every product in float64, output rounded once:
//        o_i = g^(i+1) (q_i S) + sum_{j<=i} g^(i-j) (q_i.k_j) v_j, then
//        S = g^n S + sum_j g^(n-1-j) k_j v_j^T;
//   (c)  H1: as (b), q_i S in float32 from S rounded to float32 once per chunk (Sf), one
//        sequential FFMA chain over the 128 rows per output column; that float times g^(i+1)
//        in float64, added to the float64 intra-chunk part, rounded once;
//   (d)  H2: as (c) with 4 float32 accumulators for q_i Sf (rows r mod 4, each a sequential FFMA
//        chain), summed (p0 + p1) + (p2 + p3) in float32;
//   (e)  H3: q_i Sf as (d) and the intra-chunk part in float32 too: P_ij = q_i.k_j with 4
//        accumulators as in (d), P_ij * float(g^(i-j)) rounded in float32, then sum_j P_ij v_j
//        as one FFMA chain over j = 0..i; the output is fmaf(q_i Sf, float(g^(i+1)), intra)
//        (one FFMA: what nvcc's default contraction makes of "x * gp + intra"); only S stays
//        float64 (updated as in (b));
//   (f)  all float32, chunked: as (e) with S float32: S = float(g^n) * S (rounded), then for
//        j = 0..n-1 S = fmaf(kd_j[r], v_j[c], S) with kd_j = k_j * float(g^(n-1-j)) (rounded);
//   (g)  as (f), each chunk's sum_j kd_j v_j^T in a fresh float32 accumulator (sequential in
//        j), then S = fmaf(float(g^n), S, acc).
// Decay powers g^m are std::pow in float64 (float(g^m) is that rounded once). The float64 sums
// are in plain double arithmetic in a fixed order (their order is immaterial at this accuracy).
// Prints one line per (decay, seed): each variant's relative error and its ratio to (a); then
// the worst ratio of each variant to (a), and to (a+), over all cases.
//   g++ -O2 -std=c++17 -o /tmp/hyb scripts/fused-bench/hybrid_emulation.cpp
//   /tmp/hyb [N]            (N tokens, default 2048: about 10 s on one core; N = 8192 about 40 s)
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

namespace {

constexpr int R = 128, D = 128, C = 32, TT = 32;  // state rows, columns; chunk; recurrent tile

// One FFMA: a * b + c rounded once to float32 (glibc's fmaf; the hardware FMA where there is one).
inline float ffma(float a, float b, float c) { return std::fma(a, b, c); }

struct Inputs {
  int N;
  std::vector<float> q, k, v;  // [N][R], [N][R], [N][D]
};

Inputs make_inputs(int N, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> nd(0.0, 1.0);
  Inputs in{N, std::vector<float>((size_t)N * R), std::vector<float>((size_t)N * R),
            std::vector<float>((size_t)N * D)};
  for (auto& x : in.q) x = (float)nd(rng);
  for (auto& x : in.k) x = (float)(nd(rng) / std::sqrt((double)R));
  for (auto& x : in.v) x = (float)nd(rng);
  return in;
}

// The reference: the float64 recurrence S = g S + k v^T, o = q S.
std::vector<double> reference(const Inputs& in, double g) {
  std::vector<double> S((size_t)R * D, 0.0), o((size_t)in.N * D, 0.0);
  for (int t = 0; t < in.N; ++t) {
    const float *q = &in.q[(size_t)t * R], *k = &in.k[(size_t)t * R], *v = &in.v[(size_t)t * D];
    double* ot = &o[(size_t)t * D];
    for (int r = 0; r < R; ++r) {
      double* s = &S[(size_t)r * D];
      for (int c = 0; c < D; ++c) {
        s[c] = g * s[c] + (double)k[r] * v[c];
        ot[c] += (double)q[r] * s[c];
      }
    }
  }
  return o;
}

// (a), (a+), (a'): the float32 recurrence. lib: the library's update and 4 accumulators per row
// group; otherwise the brief's update and one chain per group. correct: the per-tile correction.
std::vector<float> recurrent32(const Inputs& in, double g, bool lib, bool correct) {
  const float gf = (float)g;
  const double rel = std::log1p((g - (double)gf) / (double)gf);
  std::vector<float> S((size_t)R * D, 0.f), o((size_t)in.N * D);
  std::vector<float> acc(4 * D), part((size_t)(R / 16) * D);
  for (int t = 0; t < in.N; ++t) {
    const float *q = &in.q[(size_t)t * R], *k = &in.k[(size_t)t * R], *v = &in.v[(size_t)t * D];
    for (int w = 0; w < R / 16; ++w) {  // row group w: rows 16w .. 16w + 15 (one warp)
      std::fill(acc.begin(), acc.end(), 0.f);
      for (int kk = 0; kk < 16; ++kk) {
        const int r = 16 * w + kk;
        float* s = &S[(size_t)r * D];
        float* a = &acc[(size_t)(lib ? (kk & 3) : 0) * D];
        for (int c = 0; c < D; ++c) {
          s[c] = lib ? ffma(gf, s[c], k[r] * v[c]) : ffma(k[r], v[c], gf * s[c]);
          a[c] = ffma(q[r], s[c], a[c]);
        }
      }
      for (int c = 0; c < D; ++c)
        part[(size_t)w * D + c] = (acc[c] + acc[D + c]) + (acc[2 * D + c] + acc[3 * D + c]);
    }
    for (int c = 0; c < D; ++c) {  // the row groups' partials, in order (shared memory)
      float sum = 0.f;
      for (int w = 0; w < R / 16; ++w) sum += part[(size_t)w * D + c];
      o[(size_t)t * D + c] = sum;
    }
    const int tl = (t + 1) % TT == 0 ? TT : (t + 1 == in.N ? (t + 1) % TT : 0);
    if (correct && tl > 0) {  // end of a tile
      const float cm1 = (float)std::expm1(rel * tl);
      if (cm1 != 0.f)
        for (auto& s : S) s = ffma(s, cm1, s);
    }
  }
  return o;
}

enum Mode { V4, H1, H2, H3, F32, F32ACC };

// x . y over R with 4 float32 accumulators (index mod 4), summed (p0 + p1) + (p2 + p3).
float dot4(const float* x, const float* y) {
  float p[4] = {0.f, 0.f, 0.f, 0.f};
  for (int r = 0; r < R; ++r) p[r & 3] = ffma(x[r], y[r], p[r & 3]);
  return (p[0] + p[1]) + (p[2] + p[3]);
}

// (b) .. (g): the chunked form, chunks of C.
std::vector<float> chunked(const Inputs& in, double g, Mode m) {
  std::vector<double> pw(C + 1);
  std::vector<float> pwf(C + 1);
  for (int e = 0; e <= C; ++e) pwf[e] = (float)(pw[e] = std::pow(g, e));
  std::vector<double> S((size_t)R * D, 0.0);  // the float64 state (V4 .. H3)
  std::vector<float> Sf((size_t)R * D, 0.f);  // its float32 rounding, or the float32 state
  std::vector<float> o((size_t)in.N * D), acc(4 * D), kd((size_t)C * R), Sacc((size_t)R * D);
  std::vector<double> P64(C), intra64(D), inter64(D);
  std::vector<float> P32(C), intra32(D);
  for (int c0 = 0; c0 < in.N; c0 += C) {
    const int n = std::min(C, in.N - c0);
    const float *Q = &in.q[(size_t)c0 * R], *K = &in.k[(size_t)c0 * R], *V = &in.v[(size_t)c0 * D];
    if (m == H1 || m == H2 || m == H3)  // S rounded to float32 once per chunk
      for (size_t e = 0; e < S.size(); ++e) Sf[e] = (float)S[e];
    for (int i = 0; i < n; ++i) {
      const float* q = Q + (size_t)i * R;
      // intra-chunk part
      if (m == V4 || m == H1 || m == H2) {
        for (int j = 0; j <= i; ++j) {
          double p = 0.0;
          for (int r = 0; r < R; ++r) p += (double)q[r] * K[(size_t)j * R + r];
          P64[j] = p * pw[i - j];
        }
        std::fill(intra64.begin(), intra64.end(), 0.0);
        for (int j = 0; j <= i; ++j)
          for (int c = 0; c < D; ++c) intra64[c] += P64[j] * V[(size_t)j * D + c];
      } else {
        for (int j = 0; j <= i; ++j) P32[j] = dot4(q, K + (size_t)j * R) * pwf[i - j];
        std::fill(intra32.begin(), intra32.end(), 0.f);
        for (int j = 0; j <= i; ++j)
          for (int c = 0; c < D; ++c) intra32[c] = ffma(P32[j], V[(size_t)j * D + c], intra32[c]);
      }
      // inter-chunk part q_i S and the output
      float* oi = &o[(size_t)(c0 + i) * D];
      if (m == V4) {
        std::fill(inter64.begin(), inter64.end(), 0.0);
        for (int r = 0; r < R; ++r)
          for (int c = 0; c < D; ++c) inter64[c] += (double)q[r] * S[(size_t)r * D + c];
        for (int c = 0; c < D; ++c) oi[c] = (float)(pw[i + 1] * inter64[c] + intra64[c]);
        continue;
      }
      const int nacc = m == H1 ? 1 : 4;  // H1: one chain over the rows; else rows r mod 4
      std::fill(acc.begin(), acc.end(), 0.f);
      for (int r = 0; r < R; ++r) {
        float* a = &acc[(size_t)(r % nacc) * D];
        for (int c = 0; c < D; ++c) a[c] = ffma(q[r], Sf[(size_t)r * D + c], a[c]);
      }
      for (int c = 0; c < D; ++c) {
        const float x = m == H1 ? acc[c] : (acc[c] + acc[D + c]) + (acc[2 * D + c] + acc[3 * D + c]);
        if (m == H1 || m == H2) oi[c] = (float)(pw[i + 1] * (double)x + intra64[c]);
        else oi[c] = ffma(x, pwf[i + 1], intra32[c]);
      }
    }
    // state update
    if (m == F32 || m == F32ACC) {
      for (int j = 0; j < n; ++j)
        for (int r = 0; r < R; ++r) kd[(size_t)j * R + r] = K[(size_t)j * R + r] * pwf[n - 1 - j];
      const float gn = pwf[n];
      if (m == F32) {
        for (auto& s : Sf) s = gn * s;
      } else {
        std::fill(Sacc.begin(), Sacc.end(), 0.f);
      }
      float* T = m == F32 ? Sf.data() : Sacc.data();
      for (int j = 0; j < n; ++j)
        for (int r = 0; r < R; ++r)
          for (int c = 0; c < D; ++c)
            T[(size_t)r * D + c] = ffma(kd[(size_t)j * R + r], V[(size_t)j * D + c], T[(size_t)r * D + c]);
      if (m == F32ACC)
        for (size_t e = 0; e < Sf.size(); ++e) Sf[e] = ffma(gn, Sf[e], Sacc[e]);
    } else {
      for (auto& s : S) s *= pw[n];
      for (int j = 0; j < n; ++j)
        for (int r = 0; r < R; ++r) {
          const double kj = (double)K[(size_t)j * R + r] * pw[n - 1 - j];
          for (int c = 0; c < D; ++c) S[(size_t)r * D + c] += kj * V[(size_t)j * D + c];
        }
    }
  }
  return o;
}

double rel_err(const std::vector<float>& o, const std::vector<double>& ref) {
  double num = 0.0, den = 0.0;
  for (size_t e = 0; e < ref.size(); ++e) {
    const double d = (double)o[e] - ref[e];
    num += d * d;
    den += ref[e] * ref[e];
  }
  return std::sqrt(num / den);
}

}  // namespace

int main(int argc, char** argv) {
  const int N = argc > 1 ? std::atoi(argv[1]) : 2048;
  const double decays[] = {0.43, 0.96875, 0.996, 0.999, 0.99998};
  const unsigned seeds[] = {1, 2};
  const char* names[] = {"(a)", "(a')", "(a+)", "(b) v4", "(c) H1", "(d) H2", "(e) H3", "(f) f32", "(g) f32acc"};
  constexpr int NV = 9;
  double worst[NV] = {}, worst_plus[NV] = {};
  std::printf("N=%d r=d=%d, chunks of %d; relative error against the float64 recurrence (ratio to (a))\n", N, R, C);
  for (unsigned seed : seeds) {
    const Inputs in = make_inputs(N, seed);
    for (double g : decays) {
      const std::vector<double> ref = reference(in, g);
      double e[NV];
      e[0] = rel_err(recurrent32(in, g, true, false), ref);
      e[1] = rel_err(recurrent32(in, g, false, false), ref);
      e[2] = rel_err(recurrent32(in, g, true, true), ref);
      const Mode modes[] = {V4, H1, H2, H3, F32, F32ACC};
      for (int v = 0; v < 6; ++v) e[3 + v] = rel_err(chunked(in, g, modes[v]), ref);
      std::printf("decay=%g seed=%u:", g, seed);
      for (int v = 0; v < NV; ++v) {
        worst[v] = std::max(worst[v], e[v] / e[0]);
        worst_plus[v] = std::max(worst_plus[v], e[v] / e[2]);
        if (v == 0) std::printf(" %s %.3e", names[v], e[v]);
        else std::printf(", %s %.3e (%.2fx)", names[v], e[v], e[v] / e[0]);
      }
      std::printf("\n");
      std::fflush(stdout);
    }
  }
  std::printf("worst ratio to (a): ");
  for (int v = 1; v < NV; ++v) std::printf("%s%s %.2fx", v > 1 ? ", " : "", names[v], worst[v]);
  std::printf("\nworst ratio to (a+):");
  for (int v = 0; v < NV; ++v) std::printf("%s %s %.2fx", v > 0 ? "," : "", names[v], worst_plus[v]);
  std::printf("\n");
  return 0;
}
