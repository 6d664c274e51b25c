// Small shared helpers for the CPU backend: 16-bit float conversions (round to nearest
// even), element load/store per dtype, and a fork-join parallel loop.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <thread>
#include <vector>

#include "params.h"

namespace leet {

struct f16_t { uint16_t bits; };
struct bf16_t { uint16_t bits; };

inline float f16_to_float(uint16_t h) {
  const uint32_t sign = (uint32_t)(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f;
  uint32_t man = h & 0x3ff;
  uint32_t bits;
  if (exp == 0) {
    if (man == 0) {
      bits = sign;
    } else {  // subnormal: normalise
      int e = -1;
      do { man <<= 1; ++e; } while ((man & 0x400) == 0);
      bits = sign | (uint32_t)(127 - 15 - e) << 23 | (man & 0x3ff) << 13;
    }
  } else if (exp == 0x1f) {
    bits = sign | 0x7f800000u | man << 13;
  } else {
    bits = sign | (exp + 127 - 15) << 23 | man << 13;
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

inline uint16_t float_to_f16(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint16_t sign = (uint16_t)((x >> 16) & 0x8000);
  const uint32_t ax = x & 0x7fffffffu;
  if (ax >= 0x7f800000u) return sign | 0x7c00 | (ax > 0x7f800000u ? 0x200 : 0);  // inf/nan
  if (ax >= 0x477ff000u) return sign | 0x7c00;  // rounds to >= 65520: overflow to inf
  if (ax < 0x38800000u) {                        // result is subnormal or zero
    if (ax < 0x33000000u) return sign;           // below half the smallest subnormal
    const uint32_t e = ax >> 23;
    const uint32_t m = (ax & 0x7fffff) | 0x800000;
    const int shift = 126 - (int)e;              // value / 2^-24 = m * 2^(e - 126)
    const uint32_t q = m >> (shift);
    const uint32_t rem = m & ((1u << shift) - 1);
    const uint32_t half = 1u << (shift - 1);
    uint32_t r = q;
    if (rem > half || (rem == half && (q & 1))) ++r;
    return sign | (uint16_t)r;
  }
  // normal: rebias exponent and round mantissa from 23 to 10 bits, nearest even
  uint32_t v = ax - 0x38000000u;  // (127 - 15) << 23
  const uint32_t rem = v & 0x1fff;
  v >>= 13;
  if (rem > 0x1000 || (rem == 0x1000 && (v & 1))) ++v;
  return sign | (uint16_t)v;
}

inline float bf16_to_float(uint16_t h) {
  const uint32_t bits = (uint32_t)h << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

inline uint16_t float_to_bf16(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  if ((x & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((x >> 16) | 0x40);  // quiet NaN
  x += 0x7fff + ((x >> 16) & 1);
  return (uint16_t)(x >> 16);
}

// Element traits: storage type, accumulator type, conversions.
template <DType D> struct Elem;
template <> struct Elem<DType::F32> {
  using T = float; using Acc = float;
  static inline float load(const T* p, int64_t i) { return p[i]; }
  static inline void store(T* p, int64_t i, float x) { p[i] = x; }
};
template <> struct Elem<DType::F64> {
  using T = double; using Acc = double;
  static inline double load(const T* p, int64_t i) { return p[i]; }
  static inline void store(T* p, int64_t i, double x) { p[i] = x; }
};
template <> struct Elem<DType::F16> {
  using T = uint16_t; using Acc = float;
  static inline float load(const T* p, int64_t i) { return f16_to_float(p[i]); }
  static inline void store(T* p, int64_t i, float x) { p[i] = float_to_f16(x); }
};
template <> struct Elem<DType::BF16> {
  using T = uint16_t; using Acc = float;
  static inline float load(const T* p, int64_t i) { return bf16_to_float(p[i]); }
  static inline void store(T* p, int64_t i, float x) { p[i] = float_to_bf16(x); }
};

// Converts n elements of a tensor to the accumulator type (used to stage half-precision
// tiles into float buffers so the inner loops vectorise).
template <DType D>
inline void load_row(const typename Elem<D>::T* src, typename Elem<D>::Acc* dst, int64_t n) {
  for (int64_t i = 0; i < n; ++i) dst[i] = Elem<D>::load(src, i);
}
template <DType D>
inline void store_row(typename Elem<D>::T* dst, const typename Elem<D>::Acc* src, int64_t n) {
  for (int64_t i = 0; i < n; ++i) Elem<D>::store(dst, i, src[i]);
}

// Runs body(i) for i in [0, n) on up to `threads` threads (the caller's thread is one of
// them). Work is handed out dynamically so uneven items balance.
void parallel_for(int64_t n, int threads, const std::function<void(int64_t)>& body);

// As parallel_for, but body(i, worker) also receives the worker index in [0, workers)
// where workers = min(threads, n), so callers can keep one scratch buffer per worker.
void parallel_for_ids(int64_t n, int threads, const std::function<void(int64_t, int)>& body);

// Dispatches a runtime dtype to a template on DType.
#define LEET_DISPATCH_DTYPE(dtype, D, ...)                         \
  switch (dtype) {                                                 \
    case ::leet::DType::F32: { constexpr auto D = ::leet::DType::F32; __VA_ARGS__; break; } \
    case ::leet::DType::F64: { constexpr auto D = ::leet::DType::F64; __VA_ARGS__; break; } \
    case ::leet::DType::F16: { constexpr auto D = ::leet::DType::F16; __VA_ARGS__; break; } \
    case ::leet::DType::BF16: { constexpr auto D = ::leet::DType::BF16; __VA_ARGS__; break; } \
  }

}  // namespace leet
