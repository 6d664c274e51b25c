// Private building blocks of the CPU backend (not part of its interface):
//  - SIMD traits for float (8 lanes) and double (4 lanes) on AVX2 + FMA (generic
//    vectors elsewhere),
//  - vectorised dtype conversions for staging tiles into accumulator-typed buffers,
//  - the (sequence, head) enumeration with initial/final state and packed sequences
//    handled once, and the argument invariant check,
//  - decay powers gamma^n = exp(-s n), n >= 0 only,
//  - a register-blocked GEMM micro-kernel (6 rows x 2 vectors) and the masked-score
//    kernel used by every matmul-based method.
#pragma once
#if defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
#define LEET_CPU_AVX2 1
#include <immintrin.h>
#else
// Portable fallback (another architecture, or built without -mavx2 -mfma -mf16c): the
// same kernels on GCC/Clang generic 16-byte vectors, scalar conversions.
#define LEET_CPU_AVX2 0
#endif

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "../common.h"
#include "cpu.h"

namespace leet::cpu::kern {

// ----------------------------------------------------------------------------- SIMD

template <class T> struct Simd;
#if LEET_CPU_AVX2
template <> struct Simd<float> {
  using R = __m256;
  static constexpr int W = 8;
  static inline R load(const float* p) { return _mm256_loadu_ps(p); }
  static inline void store(float* p, R x) { _mm256_storeu_ps(p, x); }
  static inline R set1(float x) { return _mm256_set1_ps(x); }
  static inline R zero() { return _mm256_setzero_ps(); }
  static inline R fma(R a, R b, R c) { return _mm256_fmadd_ps(a, b, c); }
  static inline R mul(R a, R b) { return _mm256_mul_ps(a, b); }
  static inline R add(R a, R b) { return _mm256_add_ps(a, b); }
};
template <> struct Simd<double> {
  using R = __m256d;
  static constexpr int W = 4;
  static inline R load(const double* p) { return _mm256_loadu_pd(p); }
  static inline void store(double* p, R x) { _mm256_storeu_pd(p, x); }
  static inline R set1(double x) { return _mm256_set1_pd(x); }
  static inline R zero() { return _mm256_setzero_pd(); }
  static inline R fma(R a, R b, R c) { return _mm256_fmadd_pd(a, b, c); }
  static inline R mul(R a, R b) { return _mm256_mul_pd(a, b); }
  static inline R add(R a, R b) { return _mm256_add_pd(a, b); }
};
#else
template <class E, int N> struct GenericSimd {  // 16-byte vectors: SSE2 / NEON width
  typedef E R __attribute__((vector_size(16)));
  static constexpr int W = N;
  static inline R load(const E* p) { R x; std::memcpy(&x, p, sizeof x); return x; }
  static inline void store(E* p, R x) { std::memcpy(p, &x, sizeof x); }
  static inline R set1(E x) { return R{} + x; }
  static inline R zero() { return R{}; }
  static inline R fma(R a, R b, R c) { return a * b + c; }
  static inline R mul(R a, R b) { return a * b; }
  static inline R add(R a, R b) { return a + b; }
};
template <> struct Simd<float> : GenericSimd<float, 4> {};
template <> struct Simd<double> : GenericSimd<double, 2> {};
#endif

inline int64_t round_up(int64_t x, int64_t m) { return (x + m - 1) / m * m; }
inline int64_t ceil_div(int64_t x, int64_t m) { return (x + m - 1) / m; }

// ----------------------------------------------------------------------- scratch

// 64-byte aligned buffer, zero-filled by resize (padding lanes stay zero as long as
// only the valid region is written afterwards).
template <class T> class Buf {
 public:
  Buf() = default;
  explicit Buf(size_t n) { resize(n); }
  ~Buf() { std::free(p_); }
  Buf(const Buf&) = delete;
  Buf& operator=(const Buf&) = delete;
  Buf(Buf&& o) noexcept : p_(o.p_), n_(o.n_) { o.p_ = nullptr; o.n_ = 0; }
  void resize(size_t n) {
    if (n > cap_) {
      std::free(p_);
      p_ = nullptr;
      cap_ = 0;
      const size_t bytes = (size_t)round_up((int64_t)std::max<size_t>(n, 1) * sizeof(T), 64);
      p_ = static_cast<T*>(std::aligned_alloc(64, bytes));
      if (!p_) throw std::runtime_error("leet-decoding cpu: out of memory allocating a " +
                                        std::to_string(bytes) + "-byte scratch buffer");
      cap_ = n;
    }
    n_ = n;
    if (n) std::memset(p_, 0, n * sizeof(T));
  }
  T* data() { return p_; }
  const T* data() const { return p_; }
  size_t size() const { return n_; }
  T& operator[](size_t i) { return p_[i]; }
  const T& operator[](size_t i) const { return p_[i]; }

 private:
  T* p_ = nullptr;
  size_t n_ = 0, cap_ = 0;
};

// -------------------------------------------------------------------- conversions

template <DType D> using Src = typename Elem<D>::T;
template <DType D> using Acc = typename Elem<D>::Acc;

// dst[i] = float(src[i]) for n elements, vectorised for the 16-bit formats.
template <DType D>
inline void cvt_in(const Src<D>* src, Acc<D>* dst, int64_t n) {
  if constexpr (D == DType::F32 || D == DType::F64) {
    std::memcpy(dst, src, (size_t)n * sizeof(Acc<D>));
  } else {
    int64_t i = 0;
#if LEET_CPU_AVX2
    for (; i + 8 <= n; i += 8) {
      const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
      __m256 f;
      if constexpr (D == DType::F16) {
        f = _mm256_cvtph_ps(h);
      } else {
        f = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
      }
      _mm256_storeu_ps(dst + i, f);
    }
#endif
    for (; i < n; ++i) dst[i] = Elem<D>::load(src, i);
  }
}

// dst[i] = round_to_nearest_even(src[i]) for n elements.
template <DType D>
inline void cvt_out(Src<D>* dst, const Acc<D>* src, int64_t n) {
  if constexpr (D == DType::F32 || D == DType::F64) {
    std::memcpy(dst, src, (size_t)n * sizeof(Acc<D>));
  } else {
    int64_t i = 0;
#if LEET_CPU_AVX2
    for (; i + 8 <= n; i += 8) {
      const __m256 f = _mm256_loadu_ps(src + i);
      __m128i h;
      if constexpr (D == DType::F16) {
        h = _mm256_cvtps_ph(f, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
      } else {
        const __m256i x = _mm256_castps_si256(f);
        const __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(x, 16), _mm256_set1_epi32(1));
        const __m256i rounded = _mm256_add_epi32(x, _mm256_add_epi32(_mm256_set1_epi32(0x7fff), lsb));
        const __m256i isnan = _mm256_cmpgt_epi32(_mm256_and_si256(x, _mm256_set1_epi32(0x7fffffff)),
                                                 _mm256_set1_epi32(0x7f800000));
        const __m256i quiet = _mm256_or_si256(x, _mm256_set1_epi32(0x00400000));
        const __m256i y = _mm256_srli_epi32(_mm256_blendv_epi8(rounded, quiet, isnan), 16);
        h = _mm_packus_epi32(_mm256_castsi256_si128(y), _mm256_extracti128_si256(y, 1));
      }
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), h);
    }
#endif
    for (; i < n; ++i) Elem<D>::store(dst, i, src[i]);
  }
}

// A contiguous block of `count` source elements as Acc: the source itself when no
// conversion is needed, otherwise converted into `scratch` (sized >= count by caller).
template <DType D>
inline const Acc<D>* as_acc(const Src<D>* src, int64_t count, Acc<D>* scratch) {
  if constexpr (std::is_same<Src<D>, Acc<D>>::value) {
    (void)count;
    (void)scratch;
    return src;
  } else {
    cvt_in<D>(src, scratch, count);
    return scratch;
  }
}

// dst[i*ldd + c] = src[i*lds + col0 + c], c < cols, i < rows (converted).
template <DType D>
inline void stage_rows(const Src<D>* src, int64_t lds, int64_t col0, int64_t rows, int64_t cols,
                       Acc<D>* dst, int64_t ldd) {
  for (int64_t i = 0; i < rows; ++i) cvt_in<D>(src + i * lds + col0, dst + i * ldd, cols);
}

// o[i*ldo + col0 + c] = Ob[i*ldb + c] (rounded to the storage type).
template <DType D>
inline void store_rows(Src<D>* o, int64_t ldo, int64_t col0, int64_t rows, int64_t cols,
                       const Acc<D>* ob, int64_t ldb) {
  for (int64_t i = 0; i < rows; ++i) cvt_out<D>(o + i * ldo + col0, ob + i * ldb, cols);
}

#if LEET_CPU_AVX2
// 8 x 8 float transpose of src rows (stride lds) into dst rows (stride ldd), dst rows
// multiplied elementwise by sc (the source rows' scales).
inline void transpose8(const float* src, int64_t lds, float* dst, int64_t ldd, __m256 sc) {
  __m256 r0 = _mm256_loadu_ps(src + 0 * lds), r1 = _mm256_loadu_ps(src + 1 * lds);
  __m256 r2 = _mm256_loadu_ps(src + 2 * lds), r3 = _mm256_loadu_ps(src + 3 * lds);
  __m256 r4 = _mm256_loadu_ps(src + 4 * lds), r5 = _mm256_loadu_ps(src + 5 * lds);
  __m256 r6 = _mm256_loadu_ps(src + 6 * lds), r7 = _mm256_loadu_ps(src + 7 * lds);
  __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
  __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
  __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
  __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
  __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
  __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
  __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
  __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  _mm256_storeu_ps(dst + 0 * ldd, _mm256_mul_ps(sc, _mm256_permute2f128_ps(u0, u4, 0x20)));
  _mm256_storeu_ps(dst + 1 * ldd, _mm256_mul_ps(sc, _mm256_permute2f128_ps(u1, u5, 0x20)));
  _mm256_storeu_ps(dst + 2 * ldd, _mm256_mul_ps(sc, _mm256_permute2f128_ps(u2, u6, 0x20)));
  _mm256_storeu_ps(dst + 3 * ldd, _mm256_mul_ps(sc, _mm256_permute2f128_ps(u3, u7, 0x20)));
  _mm256_storeu_ps(dst + 4 * ldd, _mm256_mul_ps(sc, _mm256_permute2f128_ps(u0, u4, 0x31)));
  _mm256_storeu_ps(dst + 5 * ldd, _mm256_mul_ps(sc, _mm256_permute2f128_ps(u1, u5, 0x31)));
  _mm256_storeu_ps(dst + 6 * ldd, _mm256_mul_ps(sc, _mm256_permute2f128_ps(u2, u6, 0x31)));
  _mm256_storeu_ps(dst + 7 * ldd, _mm256_mul_ps(sc, _mm256_permute2f128_ps(u3, u7, 0x31)));
}
#endif

// True when a V tile / O tile of `dc` columns can be used in place (no conversion, and
// whole vectors): the GEMMs then read V and write O directly, skipping two copies.
template <DType D>
inline bool direct_io(int64_t dc) {
  return std::is_same<Src<D>, Acc<D>>::value && dc % Simd<Acc<D>>::W == 0;
}

// dst[kk*ldd + j] = src[j*r + kk] * scale[j]  (transpose of a rows x r block; scale may
// be null). 8 x 8 register transposes for float, blocked scalar otherwise.
template <class T>
inline void transpose_scaled(const T* src, int64_t rows, int64_t r, T* dst, int64_t ldd,
                             const T* scale) {
  int64_t jv = 0;
#if LEET_CPU_AVX2
  if constexpr (std::is_same<T, float>::value) {
    jv = rows / 8 * 8;
    const int64_t kv = r / 8 * 8;
    for (int64_t j0 = 0; j0 < jv; j0 += 8) {
      const __m256 sc = scale ? _mm256_loadu_ps(scale + j0) : _mm256_set1_ps(1.0f);
      for (int64_t k0 = 0; k0 < kv; k0 += 8) transpose8(src + j0 * r + k0, r, dst + k0 * ldd + j0, ldd, sc);
      for (int64_t kk = kv; kk < r; ++kk)
        for (int64_t j = j0; j < j0 + 8; ++j) dst[kk * ldd + j] = src[j * r + kk] * (scale ? scale[j] : 1.0f);
    }
  }
#endif
  for (int64_t j0 = jv; j0 < rows; j0 += 8) {
    const int64_t j1 = std::min(rows, j0 + 8);
    for (int64_t kk = 0; kk < r; ++kk) {
      T* d = dst + kk * ldd;
      if (scale) {
        for (int64_t j = j0; j < j1; ++j) d[j] = src[j * r + kk] * scale[j];
      } else {
        for (int64_t j = j0; j < j1; ++j) d[j] = src[j * r + kk];
      }
    }
  }
}

// Asks for [p, p + bytes) to be brought into L2 ahead of use (the next chunk's inputs
// while the current one computes), so chunk loads do not stall on memory.
inline void prefetch_l2(const void* p, int64_t bytes) {
  const char* c = static_cast<const char*>(p);
  for (int64_t x = 0; x < bytes; x += 64) __builtin_prefetch(c + x, 0, 2);
}

// ------------------------------------------------------------------- invariants

inline void fail(const std::string& what) {
  throw std::runtime_error("leet-decoding cpu backend: " + what);
}

inline void validate(const AttnParams& p) {
  if (p.B < 1 || p.H < 1 || p.N < 0 || p.r < 1 || p.d < 1)
    fail("shape must have B >= 1, H >= 1, N >= 0, r >= 1, d >= 1; got B=" + std::to_string(p.B) +
         " H=" + std::to_string(p.H) + " N=" + std::to_string(p.N) + " r=" + std::to_string(p.r) +
         " d=" + std::to_string(p.d) + ".");
  const int dt = (int)p.dtype;
  if (dt < 0 || dt > 3) fail("dtype code " + std::to_string(dt) + " is not one of F32, F64, F16, BF16.");
  if (p.N > 0 && (!p.q || !p.k || !p.v || !p.o)) fail("q, k, v and o must be non-null pointers.");
  if (!p.decay_rate) fail("decay_rate must point to H per-head decay rates.");
  for (int64_t h = 0; h < p.H; ++h) {
    const double s = p.decay_rate[h];
    if (!(s >= 0.0) || !std::isfinite(s))
      fail("decay_rate[" + std::to_string(h) + "] = " + std::to_string(s) +
           " must be finite and >= 0 (gamma = exp(-s) in (0, 1]).");
  }
  if (!std::isfinite(p.scale)) fail("scale must be finite.");
  if (p.chunk < 0) fail("chunk must be >= 0 (0 selects the default); got " + std::to_string(p.chunk) + ".");
  if (p.threads < 1) fail("threads must be >= 1; got " + std::to_string(p.threads) + ".");
  if (p.cu_seqlens) {
    if (p.B != 1) fail("packed sequences (cu_seqlens) require B == 1; got B=" + std::to_string(p.B) + ".");
    if (p.num_seqs < 1) fail("num_seqs must be >= 1 when cu_seqlens is given.");
    if (p.cu_seqlens[0] != 0) fail("cu_seqlens[0] must be 0.");
    for (int64_t s = 0; s < p.num_seqs; ++s)
      if (p.cu_seqlens[s + 1] < p.cu_seqlens[s])
        fail("cu_seqlens must be non-decreasing; entry " + std::to_string(s + 1) + " decreases.");
    if (p.cu_seqlens[p.num_seqs] != p.N)
      fail("cu_seqlens[num_seqs] must equal N=" + std::to_string(p.N) + "; got " +
           std::to_string(p.cu_seqlens[p.num_seqs]) + ".");
  }
}

// ------------------------------------------------------- (sequence, head) iteration

struct SeqHead {
  int64_t seq = 0;  // index into the state tensors
  int64_t h = 0;
  int64_t n = 0;    // length of this sequence
  int64_t qk = 0;   // element offset of its first row in q / k
  int64_t vo = 0;   // element offset of its first row in v / o
  int64_t st = 0;   // element offset of its state in initial_state / final_state
  double s = 0.0;   // decay rate
};

inline std::vector<SeqHead> seq_heads(const AttnParams& p) {
  const int64_t S = num_sequences(p);
  std::vector<SeqHead> out;
  out.reserve((size_t)(S * p.H));
  for (int64_t s = 0; s < S; ++s) {
    const int64_t b = p.cu_seqlens ? 0 : s;
    const int64_t start = p.cu_seqlens ? p.cu_seqlens[s] : 0;
    const int64_t n = p.cu_seqlens ? p.cu_seqlens[s + 1] - start : p.N;
    for (int64_t h = 0; h < p.H; ++h) {
      SeqHead x;
      x.seq = s;
      x.h = h;
      x.n = n;
      const int64_t row = (b * p.H + h) * p.N + start;
      x.qk = row * p.r;
      x.vo = row * p.d;
      x.st = (s * p.H + h) * p.r * p.d;
      x.s = p.decay_rate[h];
      out.push_back(x);
    }
  }
  return out;
}

inline int64_t max_len(const AttnParams& p) {
  if (!p.cu_seqlens) return p.N;
  int64_t m = 0;
  for (int64_t s = 0; s < p.num_seqs; ++s) m = std::max(m, p.cu_seqlens[s + 1] - p.cu_seqlens[s]);
  return m;
}

// Calls fn(sh, inner_threads) for every (sequence, head): across them in parallel when
// there are enough to balance the workers, else one after the other with every worker
// available inside each.
template <class F>
inline void for_seq_heads(const AttnParams& p, F&& fn) {
  const std::vector<SeqHead> shs = seq_heads(p);
  const int64_t n = (int64_t)shs.size();
  const int t = p.threads;
  if (t <= 1 || n % t == 0 || n >= 4 * (int64_t)t) {
    parallel_for(n, t, [&](int64_t i) { fn(shs[(size_t)i], 1); });
  } else {
    for (const SeqHead& sh : shs) fn(sh, t);
  }
}

// Typed base pointers.
// Runs fn(sh, c0, dc) for every (sequence, head) and block of value columns [c0, c0+dc):
// blocks of `unit` columns, up to `max_units` of them, fewer when that leaves workers
// idle (methods whose state columns are independent split d across threads this way).
template <class F>
inline void for_seq_head_columns(const AttnParams& p, int64_t unit, int64_t max_units, F&& fn) {
  const std::vector<SeqHead> shs = seq_heads(p);
  const int64_t nsh = (int64_t)shs.size();
  int64_t width = max_units * unit;
  if (nsh * ceil_div(p.d, width) < p.threads)
    width = std::max<int64_t>(unit, round_up(ceil_div(p.d, ceil_div(p.threads, nsh)), unit));
  const int64_t ncb = ceil_div(p.d, width);
  parallel_for(nsh * ncb, p.threads, [&](int64_t it) {
    const SeqHead& sh = shs[(size_t)(it / ncb)];
    const int64_t c0 = (it % ncb) * width;
    fn(sh, c0, std::min(width, p.d - c0));
  });
}

template <DType D> struct Ptrs {
  const Src<D>* q;
  const Src<D>* k;
  const Src<D>* v;
  Src<D>* o;
  explicit Ptrs(const AttnParams& p)
      : q(static_cast<const Src<D>*>(p.q)), k(static_cast<const Src<D>*>(p.k)),
        v(static_cast<const Src<D>*>(p.v)), o(static_cast<Src<D>*>(p.o)) {}
};

// State columns [c0, c0+dc) of this (sequence, head) into St (r rows, ld), zero if none.
template <class T>
inline void load_state(const AttnParams& p, const SeqHead& sh, T* St, int64_t ld, int64_t c0, int64_t dc) {
  for (int64_t kk = 0; kk < p.r; ++kk) {
    T* dst = St + kk * ld;
    if (p.initial_state) {
      const float* src = p.initial_state + sh.st + kk * p.d + c0;
      for (int64_t c = 0; c < dc; ++c) dst[c] = (T)src[c];
    } else {
      for (int64_t c = 0; c < dc; ++c) dst[c] = (T)0;
    }
  }
}
template <class T>
inline void store_state(const AttnParams& p, const SeqHead& sh, const T* St, int64_t ld, int64_t c0, int64_t dc) {
  if (!p.final_state) return;
  for (int64_t kk = 0; kk < p.r; ++kk) {
    float* dst = p.final_state + sh.st + kk * p.d + c0;
    const T* src = St + kk * ld;
    for (int64_t c = 0; c < dc; ++c) dst[c] = (float)src[c];
  }
}

// -------------------------------------------------------------------------- decay

// gamma^n = exp(-s n) for n >= 0 (never a positive power of gamma), in T; values below
// T's smallest normal number are flushed to 0 so no kernel runs on subnormals.
template <class T>
inline T decay_pow(double s, double n) {
  const double x = std::exp(-s * n);
  const T t = (T)x;
  return t < std::numeric_limits<T>::min() ? (T)0 : t;
}

template <class T>
inline T flush_tiny(T x) { return x < std::numeric_limits<T>::min() ? (T)0 : x; }

// Powers gamma^t for t in [0, n], so per-row and per-column decays inside a chunk are a
// table lookup (times one exp(-s * base) for a block offset: both factors <= 1).
template <class T> struct Powers {
  Buf<T> g;
  void build(double s, int64_t n) {
    g.resize((size_t)(n + 1));
    for (int64_t t = 0; t <= n; ++t) g[(size_t)t] = decay_pow<T>(s, (double)t);
  }
  T operator[](int64_t t) const { return g[(size_t)t]; }
};

// Mask-and-decay table for scores: tab0()[j - i] = scale * gamma^(i - j) for j <= i and 0
// for j > i, valid for j - i in [-max_back, max_fwd].
template <class T> struct DecayTable {
  Buf<T> buf;
  int64_t back = 0;
  void build(double s, double scale, int64_t max_back, int64_t max_fwd) {
    back = max_back;
    buf.resize((size_t)(max_back + max_fwd + 1));
    for (int64_t u = 0; u <= max_back; ++u) {
      const T g = decay_pow<T>(s, (double)(max_back - u));
      buf[(size_t)u] = g == (T)0 ? (T)0 : (T)(scale * (double)g);
    }
  }
  const T* tab0() const { return buf.data() + back; }
};

// The decay factors of a chunked walk (blocked, lightning) with C-token chunks: the
// masked score table, gamma^t for t <= C, and the inter-chunk row scales
// qdec[i] = scale * gamma^(i + 1) of the q S term.
template <class T> struct ChunkDecay {
  DecayTable<T> tab;
  Powers<T> G;
  Buf<T> qdec;
  ChunkDecay(double s, double scale, int64_t C) {
    tab.build(s, scale, C, 2 * C + 32);
    G.build(s, C);
    qdec.resize((size_t)C);
    for (int64_t i = 0; i < C; ++i) qdec[(size_t)i] = (T)(scale * (double)G[i + 1]);
  }
};

// --------------------------------------------------------------------------- GEMM

// acc[m][v] += sum_k A[m*lda + k] * B[k*ldb + v*W ...]
template <class T, int MR, int NV>
inline void mk_acc(typename Simd<T>::R (&acc)[MR][NV], const T* __restrict A, int64_t lda,
                   const T* __restrict B, int64_t ldb, int64_t K) {
  using S = Simd<T>;
  constexpr int W = S::W;
  for (int64_t k = 0; k < K; ++k) {
    typename S::R b[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) b[v] = S::load(B + k * ldb + v * W);
#pragma GCC unroll 8
    for (int m = 0; m < MR; ++m) {
      const typename S::R a = S::set1(A[m * lda + k]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[m][v] = S::fma(a, b[v], acc[m][v]);
    }
  }
}

struct GemmSeg {  // one term A[M x K] * B[K x N] of a sum of products
  const void* A = nullptr;
  int64_t lda = 0;
  const void* B = nullptr;
  int64_t ldb = 0;
  int64_t K = 0;
  int64_t causal = -1;  // >= 0: rows [i, i+mr) only use k < causal + i + mr (A is zero beyond)
};

template <class T, int MR, int NV>
inline void gemm_tile(int64_t i0, int64_t j0, const GemmSeg& s1, const GemmSeg& s2, T* C, int64_t ldc, T beta) {
  using S = Simd<T>;
  constexpr int W = S::W;
  typename S::R acc[MR][NV];
  for (int m = 0; m < MR; ++m)
    for (int v = 0; v < NV; ++v) acc[m][v] = S::zero();
  for (const GemmSeg* s : {&s1, &s2}) {
    int64_t K = s->K;
    if (K <= 0) continue;
    if (s->causal >= 0) K = std::min(K, s->causal + i0 + MR);
    mk_acc<T, MR, NV>(acc, static_cast<const T*>(s->A) + i0 * s->lda, s->lda,
                      static_cast<const T*>(s->B) + j0, s->ldb, K);
  }
  if (beta != (T)0) {
    const typename S::R bv = S::set1(beta);
    for (int m = 0; m < MR; ++m)
      for (int v = 0; v < NV; ++v) {
        T* c = C + (i0 + m) * ldc + j0 + v * W;
        acc[m][v] = S::fma(bv, S::load(c), acc[m][v]);
      }
  }
  for (int m = 0; m < MR; ++m)
    for (int v = 0; v < NV; ++v) S::store(C + (i0 + m) * ldc + j0 + v * W, acc[m][v]);
}

template <class T, int NV>
inline void gemm_rowtiles(int64_t M, int64_t j0, const GemmSeg& s1, const GemmSeg& s2, T* C, int64_t ldc, T beta) {
  int64_t i0 = 0;
  for (; i0 + 6 <= M; i0 += 6) gemm_tile<T, 6, NV>(i0, j0, s1, s2, C, ldc, beta);
  switch (M - i0) {
    case 1: gemm_tile<T, 1, NV>(i0, j0, s1, s2, C, ldc, beta); break;
    case 2: gemm_tile<T, 2, NV>(i0, j0, s1, s2, C, ldc, beta); break;
    case 3: gemm_tile<T, 3, NV>(i0, j0, s1, s2, C, ldc, beta); break;
    case 4: gemm_tile<T, 4, NV>(i0, j0, s1, s2, C, ldc, beta); break;
    case 5: gemm_tile<T, 5, NV>(i0, j0, s1, s2, C, ldc, beta); break;
    default: break;
  }
}

// C[M x N] = beta * C + A1 B1 + A2 B2 (row-major; N a multiple of the vector width; when
// beta == 0, C is not read). Segment K limits and causal limits as in GemmSeg.
template <class T>
inline void gemm(int64_t M, int64_t N, const GemmSeg& s1, const GemmSeg& s2, T* C, int64_t ldc, T beta) {
  constexpr int W = Simd<T>::W;
  int64_t j0 = 0;
  for (; j0 + 2 * W <= N; j0 += 2 * W) gemm_rowtiles<T, 2>(M, j0, s1, s2, C, ldc, beta);
  if (j0 < N) gemm_rowtiles<T, 1>(M, j0, s1, s2, C, ldc, beta);
}
template <class T>
inline void gemm(int64_t M, int64_t N, const GemmSeg& s1, T* C, int64_t ldc, T beta) {
  gemm<T>(M, N, s1, GemmSeg{}, C, ldc, beta);
}

// Masked decayed scores: Sc[i*lds + j] = (sum_k A[i*lda + k] Bt(k, j)) * tab0[j - (row0 + i)]
// for every column j < round_up(i_tile_end, 2W) of each 6-row tile (columns past the
// causal limit are written as zeros through the table; column tiles entirely above the
// diagonal are skipped). Bt(k, j) = Bt[(j / NR) * tile_stride + k * ldb + j % NR],
// NR = 2W: row-major K^T has tile_stride = NR, ldb = its width; a panel-packed K^T has
// ldb = NR, tile_stride = K * NR. Columns are global when row0 != 0 (vanilla).
template <class T, int MR>
inline void scores_tile(int64_t i0, int64_t row0, const T* A, int64_t lda, const T* Bt, int64_t ldb,
                        int64_t tile_stride, int64_t K, const T* tab0, T* Sc, int64_t lds) {
  using S = Simd<T>;
  constexpr int W = S::W;
  constexpr int NR = 2 * W;
  const int64_t jend = row0 + i0 + MR;  // columns < jend are needed
  for (int64_t j0 = 0; j0 < jend; j0 += NR) {
    typename S::R acc[MR][2];
    for (int m = 0; m < MR; ++m) acc[m][0] = acc[m][1] = S::zero();
    mk_acc<T, MR, 2>(acc, A + i0 * lda, lda, Bt + (j0 / NR) * tile_stride, ldb, K);
    for (int m = 0; m < MR; ++m) {
      const T* t = tab0 + j0 - (row0 + i0 + m);
      T* c = Sc + (i0 + m) * lds + j0;
      S::store(c, S::mul(acc[m][0], S::load(t)));
      S::store(c + W, S::mul(acc[m][1], S::load(t + W)));
    }
  }
}

template <class T>
inline void scores(int64_t M, int64_t row0, const T* A, int64_t lda, const T* Bt, int64_t ldb,
                   int64_t tile_stride, int64_t K, const T* tab0, T* Sc, int64_t lds) {
  int64_t i0 = 0;
  for (; i0 + 6 <= M; i0 += 6) scores_tile<T, 6>(i0, row0, A, lda, Bt, ldb, tile_stride, K, tab0, Sc, lds);
  switch (M - i0) {
    case 1: scores_tile<T, 1>(i0, row0, A, lda, Bt, ldb, tile_stride, K, tab0, Sc, lds); break;
    case 2: scores_tile<T, 2>(i0, row0, A, lda, Bt, ldb, tile_stride, K, tab0, Sc, lds); break;
    case 3: scores_tile<T, 3>(i0, row0, A, lda, Bt, ldb, tile_stride, K, tab0, Sc, lds); break;
    case 4: scores_tile<T, 4>(i0, row0, A, lda, Bt, ldb, tile_stride, K, tab0, Sc, lds); break;
    case 5: scores_tile<T, 5>(i0, row0, A, lda, Bt, ldb, tile_stride, K, tab0, Sc, lds); break;
    default: break;
  }
}

// ------------------------------------------------------------ chunk-level helpers

inline int64_t default_chunk(const AttnParams& p) {
  int64_t c = p.chunk > 0 ? p.chunk : 64;
  return std::max<int64_t>(1, std::min(c, std::max<int64_t>(1, max_len(p))));
}

// Per-worker scratch for one chunk of C rows: staged Q (C x r), K^T (r x cp), V (C x dp),
// scores (C x cp), output (C x dp), K rows converted (C x r) and a row-scale vector.
template <class T> struct ChunkScratch {
  Buf<T> Q, Kt, V, Sc, O, Kc, scl;
  int64_t cp = 0, dp = 0;
  void init(int64_t C, int64_t r, int64_t dc) {
    constexpr int W = Simd<T>::W;
    cp = round_up(C, 2 * W);
    dp = round_up(dc, W);
    Q.resize((size_t)(C * r));
    Kt.resize((size_t)(r * cp));
    V.resize((size_t)(C * dp));
    Sc.resize((size_t)(C * cp));
    O.resize((size_t)(C * dp));
    Kc.resize((size_t)(C * r));
    scl.resize((size_t)C);
  }
};

// Stage K rows [0, len) of a chunk transposed into X.Kt (r x cp), column j scaled by
// scale[j] (null: unscaled).
template <DType D>
inline void stage_kt(const Src<D>* k, int64_t len, int64_t r, ChunkScratch<Acc<D>>& X, const Acc<D>* scale) {
  const Acc<D>* kr = as_acc<D>(k, len * r, X.Kc.data());
  transpose_scaled(kr, len, r, X.Kt.data(), X.cp, scale);
}

// St = beta St + sum_{j<len} gamma^(end - j) k_j^T v_j over one chunk (St: r x dp), where
// `end` >= len - 1 is the position (relative to the chunk start) the state is decayed
// to; G holds gamma^t for t <= len. V columns [c0, c0+dc).
template <DType D>
inline void accumulate_kv(const AttnParams& p, const Src<D>* k, const Src<D>* v, int64_t len, double s,
                          int64_t end, int64_t c0, int64_t dc, ChunkScratch<Acc<D>>& X, Acc<D>* St,
                          Acc<D> beta, const Powers<Acc<D>>& G) {
  using T = Acc<D>;
  const T f = end == len - 1 ? (T)1 : decay_pow<T>(s, (double)(end - (len - 1)));
  for (int64_t j = 0; j < len; ++j) X.scl[(size_t)j] = flush_tiny<T>(f * G[len - 1 - j]);
  stage_kt<D>(k, len, p.r, X, X.scl.data());
  GemmSeg g;
  g.A = X.Kt.data();
  g.lda = X.cp;
  if (direct_io<D>(dc)) {
    g.B = reinterpret_cast<const T*>(v) + c0;
    g.ldb = p.d;
  } else {
    stage_rows<D>(v, p.d, c0, len, dc, X.V.data(), X.dp);
    g.B = X.V.data();
    g.ldb = X.dp;
  }
  g.K = len;
  gemm<T>(p.r, X.dp, g, St, X.dp, beta);
}

// Final state for methods that do not carry one (vanilla, recursive):
//   S = gamma^n S_init + sum_j gamma^(n-1-j) k_j^T v_j,
// summed in up to `threads` position ranges in parallel, then combined.
template <DType D>
inline void final_state_direct(const AttnParams& p, const SeqHead& sh, int threads) {
  using T = Acc<D>;
  if (!p.final_state) return;
  const Ptrs<D> P(p);
  const int64_t r = p.r, d = p.d, n = sh.n, C = std::max<int64_t>(1, std::min<int64_t>(64, n));
  const int64_t nch = ceil_div(n, C);
  const int64_t parts = std::max<int64_t>(1, std::min<int64_t>(threads, nch));
  std::vector<ChunkScratch<T>> X((size_t)parts);
  for (auto& x : X) x.init(C, r, d);
  const int64_t dp = X[0].dp, rd = r * dp;
  Buf<T> acc((size_t)(parts * rd));
  Powers<T> G;
  G.build(sh.s, C);
  parallel_for_ids(parts, (int)parts, [&](int64_t part, int wid) {
    const int64_t ca = nch * part / parts, cb = nch * (part + 1) / parts;
    for (int64_t c = ca; c < cb; ++c) {
      const int64_t b0 = c * C, len = std::min(C, n - b0);
      accumulate_kv<D>(p, P.k + sh.qk + b0 * r, P.v + sh.vo + b0 * d, len, sh.s, n - 1 - b0, 0, d,
                       X[(size_t)wid], acc.data() + part * rd, c == ca ? (T)0 : (T)1, G);
    }
  });
  Buf<T> St((size_t)rd);
  load_state(p, sh, St.data(), dp, 0, d);
  const T gn = decay_pow<T>(sh.s, (double)n);
  T* st = St.data();
  for (int64_t x = 0; x < rd; ++x) st[x] *= gn;
  for (int64_t part = 0; part < parts; ++part) {
    const T* a = acc.data() + part * rd;
    for (int64_t x = 0; x < rd; ++x) st[x] += a[x];
  }
  store_state(p, sh, St.data(), dp, 0, d);
}

}  // namespace leet::cpu::kern
