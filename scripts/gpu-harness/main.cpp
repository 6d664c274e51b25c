// Developer harness for the CUDA backend (not part of the addon): checks every method x
// dtype x awkward shape against a float64 reference of its own (recurrent form) with
// NaN-poisoned outputs and states, then times the benchmark shapes with CUDA events.
// Build: scripts/gpu-harness/run.sh (nvcc, the repo's cuda/*.cu + this file).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "../../native/common.h"
#include "../../native/cuda_api.h"

using namespace leet;

static const char* kMethods[] = {"vanilla", "recurrent", "blocked", "recursive", "fleet", "lightning", "fused"};
static const char* kDt[] = {"f32", "f64", "f16", "bf16"};

struct Host {
  std::vector<uint16_t> h16;
  std::vector<float> f32;  // values after rounding to the dtype
};

static Host make(size_t n, DType dt, std::mt19937& rng) {
  uint64_t z = rng() | 1;  // xorshift: fast uniform values in [-1, 1)
  Host h;
  h.f32.resize(n);
  if (dt != DType::F32) h.h16.resize(n);
  for (size_t i = 0; i < n; ++i) {
    z ^= z << 13; z ^= z >> 7; z ^= z << 17;
    float x = (float)((z >> 40) * (1.0 / 8388608.0)) - 1.f;
    if (dt == DType::F16) { h.h16[i] = float_to_f16(x); x = f16_to_float(h.h16[i]); }
    if (dt == DType::BF16) { h.h16[i] = float_to_bf16(x); x = bf16_to_float(h.h16[i]); }
    h.f32[i] = x;
  }
  return h;
}
static const void* hp(const Host& h, DType dt) { return dt == DType::F32 ? (const void*)h.f32.data() : (const void*)h.h16.data(); }
static size_t esz(DType dt) { return dt == DType::F32 ? 4 : 2; }
static float to_f(const void* base, size_t i, DType dt) {
  if (dt == DType::F32) return ((const float*)base)[i];
  const uint16_t b = ((const uint16_t*)base)[i];
  return dt == DType::F16 ? f16_to_float(b) : bf16_to_float(b);
}

// float64 reference, recurrent form.
static void reference(int64_t B, int64_t H, int64_t N, int64_t r, int64_t d, const std::vector<double>& s,
                      double scale, const float* q, const float* k, const float* v, const float* init,
                      const std::vector<int64_t>& cu, std::vector<double>& o, std::vector<double>& fin) {
  const int64_t S = cu.empty() ? B : (int64_t)cu.size() - 1;
  o.assign(B * H * N * d, 0.0);
  fin.assign(S * H * r * d, 0.0);
  std::vector<double> st(r * d);
  for (int64_t sq = 0; sq < S; ++sq)
    for (int64_t h = 0; h < H; ++h) {
      const int64_t b = cu.empty() ? sq : 0, a = cu.empty() ? 0 : cu[sq], e = cu.empty() ? N : cu[sq + 1];
      const double g = std::exp(-s[h]);
      for (int64_t x = 0; x < r * d; ++x) st[x] = init ? init[(sq * H + h) * r * d + x] : 0.0;
      for (int64_t t = a; t < e; ++t) {
        const int64_t row = (b * H + h) * N + t;
        for (int64_t i = 0; i < r; ++i) {
          const double kk = k[row * r + i];
          for (int64_t j = 0; j < d; ++j) st[i * d + j] = g * st[i * d + j] + kk * v[row * d + j];
        }
        for (int64_t j = 0; j < d; ++j) {
          double acc = 0;
          for (int64_t i = 0; i < r; ++i) acc += (double)q[row * r + i] * st[i * d + j];
          o[row * d + j] = scale * acc;
        }
      }
      for (int64_t x = 0; x < r * d; ++x) fin[(sq * H + h) * r * d + x] = st[x];
    }
}

struct Case { int64_t B, H, N, r, d; bool states; std::vector<int64_t> cu; double s_override; };

// Column of the error table: float32 Exact, float32 TF32, float16, bfloat16.
static const char* kCol[] = {"f32", "f32tf32", "f16", "bf16"};
static double tol(int col) {
  if (col == 0) return 1e-5;  // Precision::Exact: the project's float32 bar, every method
  if (col == 1) return 2e-3;  // Precision::TF32 (recurrent/fleet are FMA, exact anyway)
  if (col == 2) return 3e-3;
  return 2e-2;
}

// Kernel-variant configurations checked for each method (developer env knobs of the
// launchers): "" = the launcher's own choice.
static std::vector<std::pair<const char*, const char*>> configs(int m) {
  if (m == 0 || m == 2 || m == 3 || m == 5)
    return {{"", ""}, {"LEET_CUDA_WALK", "lean16"}, {"LEET_CUDA_WALK", "lean32"}, {"LEET_CUDA_WALK", "wide32"},
            {"LEET_CUDA_WALK", "wide128"}, {"LEET_CUDA_WALK", "x16w32"},
            {"LEET_CUDA_WALK", "tf64w32"}, {"LEET_CUDA_WALK", "tf64w64"}};
  if (m == 1)
    return {{"", ""}, {"LEET_CUDA_SCAN_CPT", "1"}, {"LEET_CUDA_SCAN_CPT", "2"}, {"LEET_CUDA_DECODE", "0"},
            {"LEET_CUDA_DECODE", "1"}, {"LEET_CUDA_DECODE", "2"}, {"LEET_CUDA_DECODE", "3"}};
  if (m == 4) return {{"", ""}, {"LEET_CUDA_SCAN_CPT", "1"}, {"LEET_CUDA_SCAN_CPT", "2"}};
  return {{"", ""}};
}
static void set_config(const std::pair<const char*, const char*>& c) {
  unsetenv("LEET_CUDA_WALK");
  unsetenv("LEET_CUDA_SCAN_CPT");
  unsetenv("LEET_CUDA_DECODE");
  if (c.first[0]) setenv(c.first, c.second, 1);
}

static int run_checks(bool small) {
  std::vector<Case> cases = {
      {1, 2, 1, 17, 40, false, {}, -1}, {2, 2, 2, 128, 128, true, {}, -1}, {1, 3, 63, 17, 40, true, {}, -1},
      {2, 2, 65, 64, 64, false, {}, -1}, {1, 2, 257, 128, 128, true, {}, -1}, {1, 4, 1000, 17, 40, true, {}, -1},
      {1, 1, 1000, 256, 256, true, {}, -1}, {2, 3, 300, 33, 72, true, {}, -1}, {1, 2, 130, 1, 1, true, {}, -1},
      {1, 2, 4096, 64, 64, true, {}, 1e-4},
      {1, 2, 1000, 64, 64, true, {0, 1, 65, 300, 301, 1000}, -1}, {1, 2, 700, 17, 40, true, {0, 333, 700}, -1},
      // short inputs (recurrent: the decode path, N <= 4) with state in and out
      {3, 3, 1, 128, 128, true, {}, -1}, {2, 2, 1, 17, 40, true, {}, -1}, {1, 2, 2, 40, 17, true, {}, -1},
      {2, 3, 3, 33, 72, true, {}, -1}, {1, 2, 4, 256, 256, true, {}, -1}, {2, 2, 4, 1, 1, true, {}, -1},
      {1, 2, 3, 64, 64, true, {}, 1e-4}, {1, 2, 4, 17, 40, true, {0, 1, 3, 4}, -1}, {1, 3, 3, 128, 128, true, {0, 1, 2, 3}, -1},
      {1, 2, 2, 72, 36, false, {0, 2}, -1}};
  if (small) cases.resize(5);
  std::mt19937 rng(1234);
  int fails = 0;
  double worst[7][4] = {};
  bool ran[7][4] = {};
  int runs = 0;
  for (const Case& c : cases) {
    for (DType dt : {DType::F32, DType::F16, DType::BF16}) {
      const int64_t S = c.cu.empty() ? c.B : (int64_t)c.cu.size() - 1;
      Host q = make(c.B * c.H * c.N * c.r, dt, rng), k = make(c.B * c.H * c.N * c.r, dt, rng),
           v = make(c.B * c.H * c.N * c.d, dt, rng);
      std::vector<float> init(S * c.H * c.r * c.d);
      for (auto& x : init) x = std::uniform_real_distribution<float>(-1, 1)(rng);
      std::vector<double> s(c.H);
      const double choices[4] = {0.0, 0.01, 0.3, 3.0};
      for (int64_t h = 0; h < c.H; ++h) s[h] = c.s_override >= 0 ? c.s_override : choices[h % 4];
      const double scale = 0.5;
      std::vector<double> ro, rf;
      reference(c.B, c.H, c.N, c.r, c.d, s, scale, q.f32.data(), k.f32.data(), v.f32.data(),
                c.states ? init.data() : nullptr, c.cu, ro, rf);
      const size_t nq = q.f32.size() * esz(dt), nv = v.f32.size() * esz(dt), ns = init.size() * 4;
      void *dq = cuda::alloc(nq), *dk = cuda::alloc(nq), *dv = cuda::alloc(nv), *dO = cuda::alloc(nv);
      void *di = cuda::alloc(ns), *df = cuda::alloc(ns);
      cuda::copy_to_device(dq, hp(q, dt), nq);
      cuda::copy_to_device(dk, hp(k, dt), nq);
      cuda::copy_to_device(dv, hp(v, dt), nv);
      cuda::copy_to_device(di, init.data(), ns);
      for (int m = 0; m < 7; ++m)
      if (!getenv("HARNESS_METHOD") || atoi(getenv("HARNESS_METHOD")) == m)  // one method only (by index)
      if (!getenv("HARNESS_METHODS") || strchr(getenv("HARNESS_METHODS"), '0' + m))  // a set, e.g. "0235"
      for (int pr = 0; pr < (dt == DType::F32 ? 2 : 1); ++pr)
      for (const auto& cfg : configs(m)) {
        set_config(cfg);
        const int col = dt == DType::F32 ? pr : (dt == DType::F16 ? 2 : 3);
        AttnParams p;
        p.precision = pr == 1 ? Precision::TF32 : Precision::Exact;
        p.q = dq; p.k = dk; p.v = dv; p.o = dO; p.dtype = dt;
        p.B = c.B; p.H = c.H; p.N = c.N; p.r = c.r; p.d = c.d;
        p.decay_rate = s.data(); p.scale = scale;
        p.initial_state = c.states ? (const float*)di : nullptr;
        p.final_state = (float*)df;
        if (!c.cu.empty()) { p.cu_seqlens = c.cu.data(); p.num_seqs = S; }
        cuda::fill_bytes(dO, 0xFF, nv);
        cuda::fill_bytes(df, 0xFF, ns);
        char tag[160];
        snprintf(tag, sizeof tag, "%-9s %-7s %s=%s B%lld H%lld N%lld r%lld d%lld%s%s", kMethods[m], kCol[col],
                 cfg.first[0] ? cfg.first + 10 : "cfg", cfg.first[0] ? cfg.second : "auto",
                 (long long)c.B, (long long)c.H, (long long)c.N, (long long)c.r, (long long)c.d,
                 c.states ? " +state" : "", c.cu.empty() ? "" : " varlen");
        try {
          cuda::run(p, (Method)m);
        } catch (const CudaError& e) {
          if (!c.cu.empty() && (m == 0 || m == 3)) {
            if (pr == 0 && !cfg.first[0]) printf("  unsupported (expected): %s: %s\n", tag, e.what());
            continue;
          }
          printf("FAIL %s: threw %s\n", tag, e.what());
          ++fails;
          continue;
        }
        std::vector<unsigned char> ho(nv);
        std::vector<float> hf(init.size());
        cuda::copy_to_host(ho.data(), dO, nv);
        cuda::copy_to_host(hf.data(), df, ns);
        double num = 0, den = 0, fnum = 0, fden = 0;
        size_t nans = 0;
        for (size_t i = 0; i < ro.size(); ++i) {
          const double x = to_f(ho.data(), i, dt);
          if (!std::isfinite(x)) { ++nans; continue; }
          num += (x - ro[i]) * (x - ro[i]);
          den += ro[i] * ro[i];
        }
        for (size_t i = 0; i < rf.size(); ++i) {
          const double x = hf[i];
          if (!std::isfinite(x)) { ++nans; continue; }
          fnum += (x - rf[i]) * (x - rf[i]);
          fden += rf[i] * rf[i];
        }
        const double err = std::sqrt(num / std::max(den, 1e-300)), ferr = std::sqrt(fnum / std::max(fden, 1e-300));
        const double e = std::max(err, ferr);
        ran[m][col] = true;
        ++runs;
        worst[m][col] = std::max(worst[m][col], nans ? 1e9 : e);
        const bool bad = nans || !(e <= tol(col));
        if (bad) ++fails;
        if (bad || getenv("VERBOSE"))
          printf("%s %s: out err %.2e  state err %.2e  NaN/unwritten %zu\n", bad ? "FAIL" : "ok  ", tag, err, ferr, nans);
      }
      cuda::release(dq); cuda::release(dk); cuda::release(dv); cuda::release(dO); cuda::release(di); cuda::release(df);
    }
  }
  set_config({"", ""});
  printf("\nworst relative L2 error (output and final state) vs float64, over all shapes and kernel variants (%d runs):\n%-10s %10s %10s %10s %10s\n",
         runs, "method", "f32 exact", "f32 tf32", "f16", "bf16");
  for (int m = 0; m < 7; ++m) {
    printf("%-10s", kMethods[m]);
    for (int c = 0; c < 4; ++c) printf(" %10.2e", ran[m][c] ? worst[m][c] : -1.0);
    printf("\n");
  }
  printf("tolerances: f32 exact %.0e, f32 tf32 %.0e, f16 %.0e, bf16 %.0e\n", tol(0), tol(1), tol(2), tol(3));
  // out-of-memory path must leave the library usable
  try {
    cuda::alloc(size_t(1) << 50);
    printf("FAIL: 1 PiB allocation succeeded?\n");
    ++fails;
  } catch (const CudaError& e) {
    printf("alloc(1 PiB) -> CudaError: %s\n", e.what());
  }
  printf("checks: %d failure(s)\n", fails);
  return fails;
}

// The decode path (recurrent, N <= 4; variants LEET_CUDA_DECODE=1,2,3) against the scan
// it replaces (LEET_CUDA_DECODE=0): output and final state must be bitwise equal, out of
// place and in place
// (initial_state == final_state), for every dtype and awkward shape.
static int run_decode_checks() {
  struct DC { int64_t B, H, N, r, d; std::vector<int64_t> cu; bool state; };
  const std::vector<DC> cases = {
      {1, 32, 1, 128, 128, {}, true}, {5, 3, 1, 128, 128, {}, true}, {2, 2, 2, 17, 40, {}, true},
      {2, 2, 3, 40, 17, {}, true},    {1, 2, 4, 256, 256, {}, true}, {3, 2, 1, 1, 1, {}, true},
      {2, 3, 4, 33, 72, {}, true},    {1, 2, 4, 64, 64, {0, 1, 3, 4}, true}, {1, 3, 3, 17, 40, {0, 1, 2, 3}, true},
      {2, 2, 2, 64, 96, {}, false},   {1, 2, 1, 200, 130, {}, true}, {2, 2, 1, 17, 40, {}, true},
      {1, 3, 3, 33, 72, {}, true},    {1, 2, 1, 256, 256, {}, true}, {1, 2, 2, 128, 100, {0, 1, 2}, true},
      // N = 1 shapes for the bulk variant (5): partial last chunk, d > 128, packed, no
      // state, more items than CTAs (the persistent loop)
      {3, 2, 1, 40, 24, {}, true},    {2, 5, 1, 72, 200, {}, true}, {1, 2, 1, 64, 64, {0, 1}, true},
      {4, 3, 1, 96, 136, {}, false},  {40, 8, 1, 128, 128, {}, true}, {3, 4, 1, 256, 256, {}, true},
      // more heads than the bulk kernel's gamma table (gamma formed per item)
      {2, 300, 1, 64, 64, {}, true}};
  std::mt19937 rng(99);
  int fails = 0, n = 0;
  for (const DC& c : cases)
    for (DType dt : {DType::F32, DType::F16, DType::BF16}) {
      const int64_t S = c.cu.empty() ? c.B : (int64_t)c.cu.size() - 1;
      Host q = make(c.B * c.H * c.N * c.r, dt, rng), k = make(c.B * c.H * c.N * c.r, dt, rng),
           v = make(c.B * c.H * c.N * c.d, dt, rng);
      std::vector<float> init(S * c.H * c.r * c.d);
      for (auto& x : init) x = std::uniform_real_distribution<float>(-1, 1)(rng);
      std::vector<double> s(c.H);
      const double choices[5] = {0.0, 0.01, 0.3, 3.0, 1e-4};
      for (int64_t h = 0; h < c.H; ++h) s[h] = choices[h % 5];
      const size_t nq = q.f32.size() * esz(dt), nv = v.f32.size() * esz(dt), ns = init.size() * 4;
      void *dq = cuda::alloc(nq), *dk = cuda::alloc(nq), *dv = cuda::alloc(nv), *dO = cuda::alloc(nv);
      void *di = cuda::alloc(ns), *df = cuda::alloc(ns);
      cuda::copy_to_device(dq, hp(q, dt), nq);
      cuda::copy_to_device(dk, hp(k, dt), nq);
      cuda::copy_to_device(dv, hp(v, dt), nv);
      // 0: scan; 1 + 2(dv-1) + inplace: decode variant dv = 1..5, out of place / in place
      constexpr int NV = 11;
      std::vector<unsigned char> out[NV];
      std::vector<float> fin[NV];
      for (int variant = 0; variant < NV; ++variant) {
        const char dvs[2] = {(char)(variant == 0 ? '0' : '1' + (variant - 1) / 2), 0};
        setenv("LEET_CUDA_DECODE", dvs, 1);
        const bool inplace = variant > 0 && (variant - 1) % 2 == 1;
        AttnParams p;
        p.q = dq; p.k = dk; p.v = dv; p.o = dO; p.dtype = dt;
        p.B = c.B; p.H = c.H; p.N = c.N; p.r = c.r; p.d = c.d;
        p.decay_rate = s.data(); p.scale = 0.5;
        cuda::copy_to_device(di, init.data(), ns);
        cuda::fill_bytes(df, 0xFF, ns);
        if (inplace) cuda::copy_to_device(df, init.data(), ns);
        p.initial_state = c.state ? (const float*)(inplace ? df : di) : nullptr;
        p.final_state = (float*)df;
        if (!c.cu.empty()) { p.cu_seqlens = c.cu.data(); p.num_seqs = S; }
        cuda::fill_bytes(dO, 0xFF, nv);
        try {
          cuda::run(p, Method::Recurrent);
        } catch (const CudaError& e) {
          printf("FAIL decode check threw: %s\n", e.what());
          ++fails;
          continue;
        }
        out[variant].resize(nv);
        fin[variant].resize(init.size());
        cuda::copy_to_host(out[variant].data(), dO, nv);
        cuda::copy_to_host(fin[variant].data(), df, ns);
      }
      unsetenv("LEET_CUDA_DECODE");
      for (int variant = 1; variant < NV; ++variant) {
        if (out[variant].empty()) continue;
        ++n;
        const bool same_o = out[variant] == out[0];
        const bool same_s = fin[variant].size() == fin[0].size() &&
                            std::memcmp(fin[variant].data(), fin[0].data(), ns) == 0;
        size_t odiff = 0, sdiff = 0;
        if (!same_o) for (size_t i = 0; i < nv; ++i) odiff += out[variant][i] != out[0][i];
        if (!same_s) for (size_t i = 0; i < init.size(); ++i) sdiff += std::memcmp(&fin[variant][i], &fin[0][i], 4) != 0;
        const bool bad = !same_o || !same_s;
        if (bad) ++fails;
        if (bad || getenv("VERBOSE"))
          printf("%s decode-vs-scan v%d %s %s B%lld H%lld N%lld r%lld d%lld%s%s: output bytes differing %zu, state floats differing %zu\n",
                 bad ? "FAIL" : "ok  ", 1 + (variant - 1) / 2, (variant - 1) % 2 ? "in-place" : "        ", kDt[(int)dt], (long long)c.B, (long long)c.H,
                 (long long)c.N, (long long)c.r, (long long)c.d, c.state ? " +state" : "", c.cu.empty() ? "" : " varlen", odiff, sdiff);
      }
      cuda::release(dq); cuda::release(dk); cuda::release(dv); cuda::release(dO); cuda::release(di); cuda::release(df);
    }
  printf("decode path vs scan, bitwise (output and final state; out of place and in place): %d comparisons, %d failure(s)\n", n, fails);
  return fails;
}

// One decode step (N = 1, float32 state in and out) at H=32, r=d=128, B = 1 and 64:
// CUDA events around one dispatch (median of 300, after 30 warm-ups), and the host wall
// clock of cuda::run (make_context + launch + stream sync), for the scan
// (LEET_CUDA_DECODE=0) and the decode variants 1-3, out of place and in place.
double harness_rmw_us(size_t bytes, bool inplace, int reps, int kind, bool memset_flush);  // floor.cu

static void run_decode_bench() {
  const double bw = cuda::copy_bandwidth(size_t(1) << 30);
  {
    const size_t ns = size_t(64) * 32 * 128 * 128 * 4;
    const double fl = 2.0 * ns / bw * 1e6;
    static const char* kinds[3] = {"grid-stride, streaming hints", "block-contiguous, 16 float4/thread", "bulk copies (TMA), 4 x 16 KB ring"};
    for (int mf = 0; mf < 2; ++mf)
      for (int kind = 0; kind < 3; ++kind) {
        const double a = harness_rmw_us(ns, false, 100, kind, mf), b = harness_rmw_us(ns, true, 100, kind, mf);
        printf("# read+write of the B=64 state (%zu bytes each way), %s, %s flush: out of place %.2f us (%.2fx memcpy floor %.2f), in place %.2f us (%.2fx)\n",
               ns, kinds[kind], mf ? "memset" : "read", a, a / fl, fl, b, b / fl);
      }
  }
  auto devs = cuda::devices();
  printf("\n# decode step on %s: copy bandwidth %.0f GB/s; H=32 r=d=128 N=1, float32 state in+out; events median of 300, host = cuda::run wall median\n",
         devs.empty() ? "?" : devs[0].name.c_str(), bw / 1e9);
  printf("%-5s %3s %-16s %9s %9s %9s %9s %7s\n", "dtype", "B", "path", "ev_us", "ev_min", "host_us", "floor_us", "x_floor");
  const int64_t H = 32, r = 128, d = 128;
  std::vector<double> s(H);
  for (int64_t h = 0; h < H; ++h) s[h] = std::pow(2.0, -0.25 * (h + 1));
  std::mt19937 rng(11);
  for (DType dt : {DType::F32, DType::BF16})
    for (int64_t B : {1, 64}) {
      const size_t nq = B * H * r * esz(dt), ns = B * H * r * d * 4;
      Host hq = make(B * H * r, dt, rng);
      std::vector<float> init(B * H * r * d);
      for (auto& x : init) x = std::uniform_real_distribution<float>(-1, 1)(rng);
      void *dq = cuda::alloc(nq), *dk = cuda::alloc(nq), *dv = cuda::alloc(nq), *dO = cuda::alloc(nq);
      void *sa = cuda::alloc(ns), *sb = cuda::alloc(ns);
      for (void* x : {dq, dk, dv}) cuda::copy_to_device(x, hp(hq, dt), nq);
      cuda::copy_to_device(sa, init.data(), ns);
      cuda::copy_to_device(sb, init.data(), ns);
      const double floor_us = 2.0 * ns / bw * 1e6;
      // 0: scan; 1..5: decode variants out of place; 6..10: in place
      for (int variant = 0; variant < 11; ++variant) {
        const char dvs[2] = {(char)(variant == 0 ? '0' : '1' + (variant - 1) % 5), 0};
        setenv("LEET_CUDA_DECODE", dvs, 1);
        AttnParams p;
        p.q = dq; p.k = dk; p.v = dv; p.o = dO; p.dtype = dt;
        p.B = B; p.H = H; p.N = 1; p.r = r; p.d = d; p.decay_rate = s.data(); p.scale = 0.1;
        p.initial_state = (const float*)sa;
        p.final_state = (float*)(variant >= 6 ? sa : sb);
        std::vector<double> ev = cuda::time(p, Method::Recurrent, 30, 300);
        std::vector<double> host;
        for (int i = 0; i < 330; ++i) {
          const auto t0 = std::chrono::steady_clock::now();
          cuda::run(p, Method::Recurrent);
          const auto t1 = std::chrono::steady_clock::now();
          if (i >= 30) host.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
        }
        std::sort(ev.begin(), ev.end());
        std::sort(host.begin(), host.end());
        const double med = ev[ev.size() / 2] * 1e3;
        static const char* names[11] = {"scan (before)", "dec1 regs", "dec2 smem 4w", "dec3 smem 8w", "dec4 rows", "dec5 bulk",
                                        "dec1 in-place", "dec2 in-place", "dec3 in-place", "dec4 in-place", "dec5 in-place"};
        const char* name = names[variant];
        printf("%-5s %3lld %-16s %9.2f %9.2f %9.2f %9.2f %7.2f\n", kDt[(int)dt], (long long)B, name, med, ev[0] * 1e3,
               host[host.size() / 2], floor_us, med / floor_us);
        fflush(stdout);
      }
      // One in-place step under the current knobs: events median of 300, printed as `label`.
      auto time_in_place = [&](const std::string& label) {
        AttnParams p;
        p.q = dq; p.k = dk; p.v = dv; p.o = dO; p.dtype = dt;
        p.B = B; p.H = H; p.N = 1; p.r = r; p.d = d; p.decay_rate = s.data(); p.scale = 0.1;
        p.initial_state = (const float*)sa;
        p.final_state = (float*)sa;
        std::vector<double> ev = cuda::time(p, Method::Recurrent, 30, 300);
        std::sort(ev.begin(), ev.end());
        const double med = ev[ev.size() / 2] * 1e3;
        printf("%-5s %3lld %-16s %9.2f %9.2f %9s %9.2f %7.2f\n", kDt[(int)dt], (long long)B, label.c_str(), med, ev[0] * 1e3, "",
               floor_us, med / floor_us);
      };
      // decode_bulk_kernel ring depths (LEET_CUDA_DEC5_STAGES)
      setenv("LEET_CUDA_DECODE", "5", 1);
      for (const char* st : {"4", "6"}) {
        setenv("LEET_CUDA_DEC5_STAGES", st, 1);
        time_in_place(std::string("dec5 stages ") + st);
      }
      unsetenv("LEET_CUDA_DEC5_STAGES");
      // the same, timed after a memset flush (Triton do_bench's way: dirty L2 lines)
      setenv("LEET_CUDA_FLUSH", "memset", 1);
      for (const char* v : {"1", "4", "5"}) {
        setenv("LEET_CUDA_DECODE", v, 1);
        time_in_place(std::string("dec") + v + " memset-fl");
      }
      unsetenv("LEET_CUDA_FLUSH");
      unsetenv("LEET_CUDA_DECODE");
      for (void* x : {dq, dk, dv, dO, sa, sb}) cuda::release(x);
    }
}

struct BenchSet {
  std::vector<void*> bufs;
  std::vector<AttnParams> ps;
  size_t bytes = 0;
  ~BenchSet() { for (void* b : bufs) cuda::release(b); }
};

static double median_ms(std::vector<AttnParams>& ps, int m) {
  std::vector<double> t;
  cuda::time(ps[0], (Method)m, 1, 1);
  const int reps = 10;
  for (int i = 0; i < reps; ++i) {
    t.push_back(cuda::time(ps[i % ps.size()], (Method)m, 0, 1)[0]);
    if (i == 2 && t[0] > 100) break;
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

static void make_set(BenchSet& S, DType dt, int64_t B, int64_t N, const std::vector<double>& s, std::mt19937& rng) {
  const int64_t H = 32, r = 128, d = 128;
  const size_t nq = B * H * N * r * esz(dt);
  S.bytes = 4 * nq;  // q, k, v read + o written (r == d)
  const int sets = (int)std::max<size_t>(1, std::min<size_t>(6, (size_t(400) << 20) / S.bytes));
  for (int st = 0; st < sets; ++st) {
    AttnParams p;
    void* b4[4];
    for (int i = 0; i < 4; ++i) {
      b4[i] = cuda::alloc(nq);
      S.bufs.push_back(b4[i]);
    }
    Host hq = make(B * H * N * r, dt, rng);  // random inputs, never zeros
    for (int i = 0; i < 3; ++i) cuda::copy_to_device(b4[i], hp(hq, dt), nq);
    p.q = b4[0]; p.k = b4[1]; p.v = b4[2]; p.o = b4[3]; p.dtype = dt;
    p.B = B; p.H = H; p.N = N; p.r = r; p.d = d; p.decay_rate = s.data(); p.scale = 1.0;
    S.ps.push_back(p);
  }
}

static void run_bench(bool quick) {
  const double bw = cuda::copy_bandwidth(size_t(1) << 30);
  auto devs = cuda::devices();
  printf("\n# bench on %s: copy bandwidth %.0f GB/s (read+write); H=32 r=d=128 scale=1, s_h=2^(-0.25(h+1))\n",
         devs.empty() ? "?" : devs[0].name.c_str(), bw / 1e9);
  printf("# f32 rows: Exact (3xTF32 / FMA, the default); f32t rows: Precision::TF32\n");
  printf("%-5s %-8s %-10s %9s %9s %8s %8s\n", "dtype", "BxN", "method", "ms", "floor_ms", "GB/s", "x_floor");
  const int64_t H = 32;
  std::vector<double> s(H);
  for (int64_t h = 0; h < H; ++h) s[h] = std::pow(2.0, -0.25 * (h + 1));
  const int64_t shapes[5][2] = {{1, 1024}, {1, 4096}, {1, 16384}, {1, 65536}, {8, 8192}};
  std::mt19937 rng(7);
  auto row = [&](const char* dts, int64_t B, int64_t N, const std::string& name, double med, double floor_ms, size_t bytes) {
    printf("%-5s %lldx%-6lld %-10s %9.3f %9.3f %8.0f %8.2f\n", dts, (long long)B, (long long)N, name.c_str(), med,
           floor_ms, bytes / (med * 1e-3) / 1e9, med / floor_ms);
    fflush(stdout);
  };
  for (DType dt : {DType::F16, DType::BF16, DType::F32}) {
    for (auto& sh : shapes) {
      const int64_t B = sh[0], N = sh[1];
      BenchSet S;
      make_set(S, dt, B, N, s, rng);
      const double floor_ms = S.bytes / bw * 1e3;
      for (int pr = 0; pr < (dt == DType::F32 ? 2 : 1); ++pr) {
        for (auto& p : S.ps) p.precision = pr ? Precision::TF32 : Precision::Exact;
        for (int m = 0; m < 7; ++m) {
          if (m == 0 && B * N > 16384 && N > 8192) continue;  // vanilla: quadratic
          if (quick && (m == 0 || m == 3)) continue;
          if (pr == 1 && (m == 1 || m == 4)) continue;          // FMA methods: no TF32 mode
          if (pr == 1 && m == 3 && N > 16384) continue;
          try {
            row(pr ? "f32t" : kDt[(int)dt], B, N, kMethods[m], median_ms(S.ps, m), floor_ms, S.bytes);
          } catch (const CudaError& e) {
            printf("%-5s %lldx%-6lld %-10s ERROR %s\n", kDt[(int)dt], (long long)B, (long long)N, kMethods[m], e.what());
          }
        }
      }
    }
  }
  // Kernel variants at the anchor shapes (developer knobs of the launchers).
  printf("\n# variants (same inputs): env knob -> median ms\n");
  struct V { DType dt; Precision pr; int64_t B, N; int m; const char* env; const char* val; int64_t chunk; };
  std::vector<V> vs;
  for (int64_t B : {1, 8}) {
    const int64_t N = B == 1 ? 65536 : 8192;
    for (const char* w : {"", "wide32", "wide64", "wide128"}) vs.push_back({DType::F16, Precision::Exact, B, N, 5, "LEET_CUDA_WALK", w, 0});
    for (int64_t ch : {0, 256}) vs.push_back({DType::F16, Precision::Exact, B, N, 2, "LEET_CUDA_WALK", "", ch});
  }
  for (const char* w : {"", "wide32"}) vs.push_back({DType::F32, Precision::Exact, 8, 8192, 5, "LEET_CUDA_WALK", w, 0});
  for (const char* c : {"1", "2"}) vs.push_back({DType::F32, Precision::Exact, 8, 8192, 1, "LEET_CUDA_SCAN_CPT", c, 0});
  for (const V& v : vs) {
    BenchSet S;
    make_set(S, v.dt, v.B, v.N, s, rng);
    for (auto& p : S.ps) { p.precision = v.pr; p.chunk = v.chunk; }
    unsetenv("LEET_CUDA_WALK");
    unsetenv("LEET_CUDA_SCAN_CPT");
    if (v.val[0]) setenv(v.env, v.val, 1);
    char name[96];
    snprintf(name, sizeof name, "%s %s=%s chunk=%lld", kMethods[v.m], v.env + 10, v.val[0] ? v.val : "auto", (long long)v.chunk);
    try {
      row(v.dt == DType::F32 ? (v.pr == Precision::TF32 ? "f32t" : "f32") : kDt[(int)v.dt], v.B, v.N, name,
          median_ms(S.ps, v.m), S.bytes / bw * 1e3, S.bytes);
    } catch (const CudaError& e) {
      printf("%s ERROR %s\n", name, e.what());
    }
  }
  unsetenv("LEET_CUDA_WALK");
  unsetenv("LEET_CUDA_SCAN_CPT");
}

int main(int argc, char** argv) {
  std::string reason;
  if (!cuda::available(&reason)) {
    printf("no CUDA: %s\n", reason.c_str());
    return 2;
  }
  auto devs = cuda::devices();
  for (auto& d : devs)
    printf("device %d: %s cc %d.%d, %d SMs, %.1f GiB (%.1f free), L2 %zu MB\n", d.index, d.name.c_str(), d.major, d.minor,
           d.multiprocessors, d.total_bytes / 1073741824.0, d.free_bytes / 1073741824.0, d.l2_bytes >> 20);
  setvbuf(stdout, nullptr, _IOLBF, 0);
  const std::string mode = argc > 1 ? argv[1] : "all";
  int fails = 0;
  if (mode == "all" || mode == "check" || mode == "small") fails = run_checks(mode == "small");
  if (mode == "all" || mode == "check" || mode == "small" || mode == "decode" || mode == "decode-check") fails += run_decode_checks();
  fflush(stdout);
  if (mode == "all" || mode == "decode") run_decode_bench();
  if (mode == "all" || mode == "bench" || mode == "quick") run_bench(mode == "quick");
  if (mode == "lt") {  // float32 TF32 lightning: 64-token walk (auto) vs the old one (wide32/wide64)
    const double bw = cuda::copy_bandwidth(size_t(1) << 30);
    printf("\n# lightning at H=32 r=d=128: knob -> median ms\n");
    const int64_t H = 32;
    std::vector<double> s(H);
    for (int64_t h = 0; h < H; ++h) s[h] = std::pow(2.0, -0.25 * (h + 1));
    std::mt19937 rng(7);
    const int64_t shapes[4][2] = {{1, 1024}, {1, 16384}, {1, 65536}, {8, 8192}};
    const int rep = getenv("LT_REP") ? 1 : 0;
    for (auto& sh : shapes) {
      for (DType dt : {DType::F32, DType::F16, DType::BF16}) {
        BenchSet S;
        make_set(S, dt, sh[0], sh[1], s, rng);
        for (int pr = 0; pr < (dt == DType::F32 ? 2 : 1); ++pr)
          for (const char* w : {"", "wide32", "wide64", "tf64w32", "tf64w64"}) {
            if (!(dt == DType::F32 && pr == 1) && w[0]) continue;
            for (auto& p : S.ps) p.precision = pr ? Precision::TF32 : Precision::Exact;
            unsetenv("LEET_CUDA_WALK");
            if (w[0]) setenv("LEET_CUDA_WALK", w, 1);
            for (int m : {5, 2}) {
              if (m == 2 && (w[0] || rep)) continue;
              try {
                const double ms = median_ms(S.ps, m);
                printf("%-5s %lldx%-6lld %-10s %-8s %9.3f  (%.0f GB/s)\n", pr ? "f32t" : kDt[(int)dt], (long long)sh[0],
                       (long long)sh[1], kMethods[m], w[0] ? w : "auto", ms, S.bytes / (ms * 1e-3) / 1e9);
              } catch (const CudaError& e) {
                printf("ERROR %s\n", e.what());
              }
            }
          }
        unsetenv("LEET_CUDA_WALK");
      }
    }
    (void)bw;
  }
  if (mode == "dec-prof") {  // decode step B=64 (default variant, in place) and the plain floors, for ncu
    const int64_t B = 64, H = 32, r = 128, d = 128;
    std::vector<double> s(H);
    for (int64_t h = 0; h < H; ++h) s[h] = std::pow(2.0, -0.25 * (h + 1));
    std::mt19937 rng(3);
    const size_t nq = B * H * r * 4, ns = B * H * r * d * 4;
    Host hq = make(B * H * r, DType::F32, rng);
    void *dq = cuda::alloc(nq), *dO = cuda::alloc(nq), *sa = cuda::alloc(ns);
    cuda::copy_to_device(dq, hp(hq, DType::F32), nq);
    cuda::fill_bytes(sa, 0x3c, ns);
    AttnParams p;
    p.q = dq; p.k = dq; p.v = dq; p.o = dO; p.dtype = DType::F32;
    p.B = B; p.H = H; p.N = 1; p.r = r; p.d = d; p.decay_rate = s.data(); p.scale = 0.1;
    p.initial_state = (const float*)sa;
    p.final_state = (float*)sa;
    for (int i = 0; i < 3; ++i) cuda::run(p, Method::Recurrent);
    harness_rmw_us(ns, true, 1, 1, false);
    harness_rmw_us(ns, true, 1, 2, false);
    for (void* x : {dq, dO, sa}) cuda::release(x);
  }
  if (mode == "prof" || mode == "fused-prof") {  // hot configurations for ncu: lightning once, or fused twice
    const int64_t H = 32;
    std::vector<double> s(H);
    for (int64_t h = 0; h < H; ++h) s[h] = std::pow(2.0, -0.25 * (h + 1));
    std::mt19937 rng(7);
    const bool fused = mode == "fused-prof";
    for (int64_t B : {1, 8}) {
      BenchSet S;
      make_set(S, DType::F16, B, B == 1 ? 65536 : 8192, s, rng);
      for (int i = 0; i < (fused ? 2 : 1); ++i) cuda::run(S.ps[0], fused ? Method::Fused : Method::Lightning);
    }
  }
  return fails ? 1 : 0;
}
