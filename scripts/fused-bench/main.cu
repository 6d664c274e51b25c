// Standalone check + benchmark of the `fused` CUDA method (cuda/fused.cu), no Node needed.
// Built and run on the GPU machine by scripts/fused-bench/run.sh.
//   ./fused_bench check          correctness suite (float64 CPU reference)
//   ./fused_bench bench OUT.json target table + segment-length sweeps
// Built with -DLEET_FUSED_LEAD_STAMPS, LEET_FUSED_PROF=1 prints the lead plan's per-CTA
// timeline after each of its launches (e.g. `profile32l`: TF32 1x65536; `profile16l`: fp16
// 1x65536, with LEET_FUSED_LEAD=1 to take the plan there).
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "../../cuda/launch.h"
#include "../../native/cuda_api.h"

using namespace leet;

#define CK(x)                                                                              \
  do {                                                                                     \
    cudaError_t e_ = (x);                                                                  \
    if (e_ != cudaSuccess) {                                                               \
      fprintf(stderr, "CUDA error %s at %s:%d: %s\n", cudaGetErrorName(e_), __FILE__, __LINE__, #x); \
      exit(2);                                                                             \
    }                                                                                      \
  } while (0)

// ---- context ------------------------------------------------------------------------------
static void* g_scratch = nullptr;
static size_t g_scratch_bytes = 0;
static void* scratch(size_t bytes) {
  if (bytes > g_scratch_bytes) {
    if (g_scratch) CK(cudaFree(g_scratch));
    CK(cudaMalloc(&g_scratch, bytes));
    g_scratch_bytes = bytes;
  }
  return g_scratch;
}
static int g_sms = 0;

struct Ctx {
  cuda::LaunchContext lc;
  float* d_rate = nullptr;
  int64_t* d_cu = nullptr;
  void set(const AttnParams& p) {
    std::vector<float> r(p.H);
    for (int h = 0; h < p.H; ++h) r[h] = (float)p.decay_rate[h];
    if (d_rate) CK(cudaFree(d_rate));
    CK(cudaMalloc(&d_rate, p.H * 4));
    CK(cudaMemcpy(d_rate, r.data(), p.H * 4, cudaMemcpyHostToDevice));
    if (d_cu) { CK(cudaFree(d_cu)); d_cu = nullptr; }
    if (p.cu_seqlens) {
      CK(cudaMalloc(&d_cu, (p.num_seqs + 1) * 8));
      CK(cudaMemcpy(d_cu, p.cu_seqlens, (p.num_seqs + 1) * 8, cudaMemcpyHostToDevice));
    }
    lc.decay_rate = d_rate;
    lc.cu_seqlens = d_cu;
    lc.stream = 0;
    lc.multiprocessors = g_sms;
    int dev = 0;
    cudaGetDevice(&dev);
    lc.mem_tbs = cuda::peak_dram_tbs(dev);
    lc.scratch = scratch;
  }
  ~Ctx() {
    if (d_rate) cudaFree(d_rate);
    if (d_cu) cudaFree(d_cu);
  }
};

// ---- 16-bit conversions (host) ------------------------------------------------------------
static float h2f(uint16_t h) {
  uint32_t s = (h & 0x8000u) << 16, e = (h >> 10) & 0x1f, m = h & 0x3ff, b;
  if (e == 0) {
    if (m == 0) b = s;
    else { int k = -1; do { m <<= 1; ++k; } while (!(m & 0x400)); b = s | (uint32_t)(112 - k) << 23 | (m & 0x3ff) << 13; }
  } else if (e == 31) b = s | 0x7f800000u | m << 13;
  else b = s | (e + 112) << 23 | m << 13;
  float f; memcpy(&f, &b, 4); return f;
}
static float bf2f(uint16_t h) { uint32_t b = (uint32_t)h << 16; float f; memcpy(&f, &b, 4); return f; }
static size_t esize(DType t) { return t == DType::F32 ? 4 : 2; }
static double elem(const void* p, DType t, size_t i) {
  if (t == DType::F32) return ((const float*)p)[i];
  if (t == DType::F16) return h2f(((const uint16_t*)p)[i]);
  return bf2f(((const uint16_t*)p)[i]);
}

// random fill on the device: uniform in [-1, 1), hashed from (seed, index)
__device__ __forceinline__ float hash_unif(uint64_t i, uint64_t seed) {
  uint64_t x = i * 0x9E3779B97F4A7C15ull ^ (seed * 0xD1B54A32D192ED03ull + 0x632BE59BD9B4E019ull);
  x ^= x >> 31; x *= 0x7FB5D329728EA185ull; x ^= x >> 27; x *= 0x81DADEF4BC2DD44Dull; x ^= x >> 33;
  return (float)((x >> 40) * (1.0 / 16777216.0)) * 2.f - 1.f;
}
__global__ void fill_kernel(void* p, size_t n, int dt, uint64_t seed) {
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x) {
    float x = hash_unif(i, seed);
    if (dt == 0) ((float*)p)[i] = x;
    else if (dt == 2) { __half h = __float2half_rn(x); ((uint16_t*)p)[i] = *(uint16_t*)&h; }
    else { __nv_bfloat16 h = __float2bfloat16_rn(x); ((uint16_t*)p)[i] = *(uint16_t*)&h; }
  }
}
static void fill(void* p, size_t n, DType t, uint64_t seed) {
  fill_kernel<<<1024, 256>>>(p, n, (int)t, seed);
  CK(cudaGetLastError());
}

// ---- float64 reference: recurrent form, per (sequence, head) --------------------------------
// Computes o rows [t0, t1) of (b, h) and the final state; also a float32 recurrent for the
// "exact" bound when f32out != nullptr.
static void ref_head(const AttnParams& p, const std::vector<double>& q, const std::vector<double>& k,
                     const std::vector<double>& v, int64_t b, int64_t h, int64_t t0, int64_t t1,
                     const float* init, int64_t seq, std::vector<double>& o, std::vector<double>* fin,
                     std::vector<float>* o32) {
  const int64_t r = p.r, d = p.d;
  std::vector<double> S(r * d, 0.0);
  std::vector<float> S32(o32 ? r * d : 0, 0.f);
  if (init)
    for (int64_t i = 0; i < r * d; ++i) { S[i] = init[(seq * p.H + h) * r * d + i]; if (o32) S32[i] = (float)S[i]; }
  const double g = std::exp(-p.decay_rate[h]);
  const float g32 = (float)std::exp(-(float)p.decay_rate[h]);
  for (int64_t t = t0; t < t1; ++t) {
    const int64_t row = (b * p.H + h) * p.N + t;
    const double* qr = &q[row * r];
    const double* kr = &k[row * r];
    const double* vr = &v[row * d];
    for (int64_t i = 0; i < r; ++i) {
      double* Si = &S[i * d];
      const double ki = kr[i];
      for (int64_t j = 0; j < d; ++j) Si[j] = g * Si[j] + ki * vr[j];
      if (o32) {
        float* Sf = &S32[i * d];
        for (int64_t j = 0; j < d; ++j) Sf[j] = g32 * Sf[j] + (float)ki * (float)vr[j];
      }
    }
    for (int64_t j = 0; j < d; ++j) {
      double acc = 0;
      for (int64_t i = 0; i < r; ++i) acc += qr[i] * S[i * d + j];
      o[row * d + j] = p.scale * acc;
    }
    if (o32)
      for (int64_t j = 0; j < d; ++j) {
        float acc = 0;
        for (int64_t i = 0; i < r; ++i) acc += (float)qr[i] * S32[i * d + j];
        (*o32)[row * d + j] = (float)p.scale * acc;
      }
  }
  if (fin) for (int64_t i = 0; i < r * d; ++i) (*fin)[(seq * p.H + h) * r * d + i] = S[i];
}

static double rel_l2(const std::vector<double>& ref, const std::vector<double>& got, size_t* nan_count) {
  double num = 0, den = 0;
  size_t nn = 0;
  for (size_t i = 0; i < ref.size(); ++i) {
    if (!std::isfinite(got[i])) { ++nn; continue; }
    num += (ref[i] - got[i]) * (ref[i] - got[i]);
    den += ref[i] * ref[i];
  }
  if (nan_count) *nan_count = nn;
  return nn ? INFINITY : std::sqrt(num / std::max(den, 1e-300));
}

// ---- one correctness case -----------------------------------------------------------------------
struct Case {
  const char* name;
  DType dt;
  Precision prec;
  int64_t B, H, N, r, d;
  std::vector<int64_t> cu;  // empty: not varlen
  bool init, fin;
  int seg;  // LEET_FUSED_SEGMENT (0 = heuristic)
  double tol;
  bool v1 = false;  // force version 1 (LEET_FUSED_V1=1)
  int ksub = 0;     // LEET_FUSED_KSUB (v2 state-pass sub-segments; 0 = default)
  const char* env = "";  // NAME=VALUE ... (e.g. LEET_FUSED_SINGLE=1: the single pass)
  double vs32 = 0;  // > 0: the error on o must also be within vs32 x a float32 recurrent's
};

// LEET_FUSED_TMA as the process started (the A/B switch of the bench rows); a case's own
// setting lasts for that case only.
static const std::string g_tma_env = std::getenv("LEET_FUSED_TMA") ? std::getenv("LEET_FUSED_TMA") : "";
// LEET_FUSED_V3DEC likewise (the decoupled TF32 output kernel)
static const std::string g_dec_env = std::getenv("LEET_FUSED_V3DEC") ? std::getenv("LEET_FUSED_V3DEC") : "";
// LEET_FUSED_EARLY likewise (its state update's order)
static const std::string g_early_env = std::getenv("LEET_FUSED_EARLY") ? std::getenv("LEET_FUSED_EARLY") : "";

// Clears the single-pass knobs, then sets each NAME=VALUE of the space-separated list.
static void apply_env(const char* list) {
  unsetenv("LEET_FUSED_SINGLE");
  unsetenv("LEET_FUSED_SINGLE_SEG");
  unsetenv("LEET_FUSED_L2HINTS");
  unsetenv("LEET_CUDA_WGMMA_NARROW");
  unsetenv("LEET_CUDA_WGMMA_DV");
  unsetenv("LEET_FUSED_V3X");
  unsetenv("LEET_FUSED_V4");
  unsetenv("LEET_FUSED_V4_R64");
  unsetenv("LEET_FUSED_OUT");
  unsetenv("LEET_FUSED_V4_OUT");
  unsetenv("LEET_FUSED_PAD");
  unsetenv("LEET_FUSED_STATE_DEEP");
  unsetenv("LEET_FUSED_LEAD");
  unsetenv("LEET_FUSED_LEAD_STATE");
  unsetenv("LEET_FUSED_SMALL");
  if (g_tma_env.empty()) unsetenv("LEET_FUSED_TMA");
  else setenv("LEET_FUSED_TMA", g_tma_env.c_str(), 1);
  if (g_dec_env.empty()) unsetenv("LEET_FUSED_V3DEC");
  else setenv("LEET_FUSED_V3DEC", g_dec_env.c_str(), 1);
  if (g_early_env.empty()) unsetenv("LEET_FUSED_EARLY");
  else setenv("LEET_FUSED_EARLY", g_early_env.c_str(), 1);
  std::string all(list), item;
  size_t i = 0;
  while (i <= all.size()) {
    const size_t j = std::min(all.find(' ', i), all.size());
    item = all.substr(i, j - i);
    const size_t eq = item.find('=');
    if (eq != std::string::npos) setenv(item.substr(0, eq).c_str(), item.substr(eq + 1).c_str(), 1);
    i = j + 1;
  }
}

// True when `label` starts with one of the '|'-separated pieces of `list`
// (FUSED_CASES, FUSED_ROWS).
static bool prefix_listed(const char* list, const std::string& label) {
  const std::string all(list);
  for (size_t i = 0; i <= all.size();) {
    const size_t j = std::min(all.find('|', i), all.size());
    if (j > i && label.compare(0, j - i, all, i, j - i) == 0) return true;
    i = j + 1;
  }
  return false;
}

static bool run_case(const Case& c, uint64_t seed, FILE* js, bool first) {
  AttnParams p;
  p.dtype = c.dt; p.precision = c.prec;
  p.B = c.B; p.H = c.H; p.N = c.N; p.r = c.r; p.d = c.d;
  p.scale = 0.37;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> U(-1, 1);
  std::vector<double> rates(c.H);
  for (int64_t h = 0; h < c.H; ++h) {
    const double choices[] = {0.0, 0.01, 0.1, 0.7, 5.0, std::pow(2.0, -0.25 * (h + 1))};
    rates[h] = choices[(h + seed) % 6];
  }
  p.decay_rate = rates.data();
  if (!c.cu.empty()) { p.cu_seqlens = c.cu.data(); p.num_seqs = (int64_t)c.cu.size() - 1; }
  const int64_t S = num_sequences(p);
  const size_t nq = c.B * c.H * c.N * c.r, nv = c.B * c.H * c.N * c.d, ns = S * c.H * c.r * c.d;
  const size_t es = esize(c.dt);
  void *dq, *dk, *dv, *dout;
  float *dinit = nullptr, *dfin = nullptr;
  CK(cudaMalloc(&dq, nq * es)); CK(cudaMalloc(&dk, nq * es)); CK(cudaMalloc(&dv, nv * es)); CK(cudaMalloc(&dout, nv * es));
  fill(dq, nq, c.dt, seed * 4 + 1); fill(dk, nq, c.dt, seed * 4 + 2); fill(dv, nv, c.dt, seed * 4 + 3);
  if (std::strstr(c.env, "FB_SPECIAL") && c.dt == DType::F32) {
    // zeros, negative zeros and subnormals among the inputs (float -> double conversions)
    auto poke = [](void* dp, size_t n, size_t every, float x) {
      std::vector<float> h(n);
      CK(cudaMemcpy(h.data(), dp, n * 4, cudaMemcpyDeviceToHost));
      for (size_t i = 0; i < n; i += every) h[i] = (i / every) % 2 ? x : -x;
      CK(cudaMemcpy(dp, h.data(), n * 4, cudaMemcpyHostToDevice));
    };
    poke(dq, nq, 7, 0.0f);
    poke(dk, nq, 11, 3e-39f);
    poke(dv, nv, 13, 1e-45f);
  }
  std::vector<float> init(ns);
  for (auto& x : init) x = (float)U(rng);
  if (c.init) { CK(cudaMalloc(&dinit, ns * 4)); CK(cudaMemcpy(dinit, init.data(), ns * 4, cudaMemcpyHostToDevice)); }
  if (c.fin) { CK(cudaMalloc(&dfin, ns * 4)); CK(cudaMemset(dfin, 0xFF, ns * 4)); }
  CK(cudaMemset(dout, 0xFF, nv * es));  // NaN poison
  p.q = dq; p.k = dk; p.v = dv; p.o = dout; p.initial_state = dinit; p.final_state = dfin;
  if (c.seg) setenv("LEET_FUSED_SEGMENT", std::to_string(c.seg).c_str(), 1); else unsetenv("LEET_FUSED_SEGMENT");
  if (c.v1) setenv("LEET_FUSED_V1", "1", 1); else unsetenv("LEET_FUSED_V1");
  if (c.ksub) setenv("LEET_FUSED_KSUB", std::to_string(c.ksub).c_str(), 1); else unsetenv("LEET_FUSED_KSUB");
  apply_env(c.env);
  Ctx ctx; ctx.set(p);
  std::string err;
  // FB_SCHED=n in the case's env: the wgmma-family schedule of granularity n (n = N:
  // lightning's one walk, the narrow kernels) in place of fused's
  const char* sch = std::strstr(c.env, "FB_SCHED=");
  try {
    if (sch) {
      if (!cuda::launch_wgmma_schedule(p, ctx.lc, std::atoll(sch + 9))) err = "schedule not taken";
    } else {
      cuda::launch_fused(p, ctx.lc);
    }
  } catch (const std::exception& e) { err = e.what(); }
  CK(cudaGetLastError());
  CK(cudaDeviceSynchronize());
  // host copies
  std::vector<unsigned char> hq(nq * es), hk(nq * es), hv(nv * es), ho(nv * es);
  CK(cudaMemcpy(hq.data(), dq, nq * es, cudaMemcpyDeviceToHost));
  CK(cudaMemcpy(hk.data(), dk, nq * es, cudaMemcpyDeviceToHost));
  CK(cudaMemcpy(hv.data(), dv, nv * es, cudaMemcpyDeviceToHost));
  CK(cudaMemcpy(ho.data(), dout, nv * es, cudaMemcpyDeviceToHost));
  std::vector<double> q(nq), k(nq), v(nv), o(nv), ref(nv, 0.0), fin_ref(ns, 0.0), fin(ns, 0.0);
  for (size_t i = 0; i < nq; ++i) { q[i] = elem(hq.data(), c.dt, i); k[i] = elem(hk.data(), c.dt, i); }
  for (size_t i = 0; i < nv; ++i) { v[i] = elem(hv.data(), c.dt, i); o[i] = elem(ho.data(), c.dt, i); }
  if (c.fin) { std::vector<float> f(ns); CK(cudaMemcpy(f.data(), dfin, ns * 4, cudaMemcpyDeviceToHost)); for (size_t i = 0; i < ns; ++i) fin[i] = f[i]; }
  const bool want32 = c.dt == DType::F32;
  std::vector<float> o32(want32 ? nv : 0);
  // reference, threaded over (sequence, head)
  std::vector<std::thread> th;
  std::vector<std::pair<int64_t, int64_t>> items;
  for (int64_t s = 0; s < S; ++s) for (int64_t h = 0; h < c.H; ++h) items.push_back({s, h});
  const int nth = std::max(1u, std::thread::hardware_concurrency());
  for (int w = 0; w < nth; ++w)
    th.emplace_back([&, w] {
      for (size_t it = w; it < items.size(); it += nth) {
        const int64_t s = items[it].first, h = items[it].second;
        const int64_t b = c.cu.empty() ? s : 0;
        const int64_t t0 = c.cu.empty() ? 0 : c.cu[s], t1 = c.cu.empty() ? c.N : c.cu[s + 1];
        ref_head(p, q, k, v, b, h, t0, t1, c.init ? init.data() : nullptr, s, ref, &fin_ref, want32 ? &o32 : nullptr);
      }
    });
  for (auto& t : th) t.join();
  size_t nan_o = 0, nan_f = 0;
  const double eo = rel_l2(ref, o, &nan_o);
  const double ef = c.fin ? rel_l2(fin_ref, fin, &nan_f) : 0.0;
  double e32 = 0;
  if (want32) { std::vector<double> o32d(o32.begin(), o32.end()); e32 = rel_l2(ref, o32d, nullptr); }
  const bool ok = err.empty() && nan_o == 0 && nan_f == 0 && eo <= c.tol && ef <= c.tol &&
                  (c.vs32 <= 0 || eo <= c.vs32 * e32);
  printf("%-34s %s  err_o=%.3e err_final=%.3e fp32_recurrent=%.3e (x%.2f) tol=%.0e nan=%zu/%zu %s\n", c.name,
         ok ? "PASS" : "FAIL", eo, ef, e32, e32 > 0 ? eo / e32 : 0.0, c.tol, nan_o, nan_f, err.c_str());
  fprintf(js, "%s{\"name\":\"%s\",\"ok\":%s,\"err_o\":%.4e,\"err_final\":%.4e,\"fp32_recurrent\":%.4e,\"tol\":%.1e}",
          first ? "" : ",\n", c.name, ok ? "true" : "false", eo, ef, e32, c.tol);
  cudaFree(dq); cudaFree(dk); cudaFree(dv); cudaFree(dout);
  if (dinit) cudaFree(dinit);
  if (dfin) cudaFree(dfin);
  return ok;
}

static int check(const char* path) {
  const DType F16 = DType::F16, BF = DType::BF16, F32 = DType::F32;
  const Precision EX = Precision::Exact, TF = Precision::TF32;
  std::vector<int64_t> cu1 = {0, 5, 300, 301, 1000};
  std::vector<int64_t> cu2 = {0, 64, 128, 700, 701, 777};
  const char* const W = "LEET_FUSED_V4_OUT=128";  // version 4's 128-column output CTAs
  std::vector<Case> cases = {
      {"f16 2x3x1000 r128 d128 seg128 st", F16, TF, 2, 3, 1000, 128, 128, {}, true, true, 128, 2e-3},
      {"bf16 2x3x1000 r128 d128 seg128 st", BF, TF, 2, 3, 1000, 128, 128, {}, true, true, 128, 1e-2},
      {"f32tf32 2x3x1000 r128 d128 seg128", F32, TF, 2, 3, 1000, 128, 128, {}, true, true, 128, 2e-3},
      {"f32exact 2x3x1000 r128 d128 seg128", F32, EX, 2, 3, 1000, 128, 128, {}, true, true, 128, 1e-5},
      {"f32exact 1x4x1024 r128 d128 heur", F32, EX, 1, 4, 1024, 128, 128, {}, false, false, 0, 1e-5},
      {"f32tf32 1x4x1024 r128 d128 heur", F32, TF, 1, 4, 1024, 128, 128, {}, false, false, 0, 2e-3},
      {"f16 1x4x1024 r128 d128 heur", F16, TF, 1, 4, 1024, 128, 128, {}, false, false, 0, 2e-3},
      {"bf16 1x4x1024 r128 d128 heur", BF, TF, 1, 4, 1024, 128, 128, {}, false, false, 0, 1e-2},
      {"f32exact 1x2x300 r17 d40 seg64 st", F32, EX, 1, 2, 300, 17, 40, {}, true, true, 64, 1e-5},
      {"f16 1x2x300 r40 d17 seg64 st", F16, TF, 1, 2, 300, 40, 17, {}, true, true, 64, 2e-3},
      {"bf16 1x2x333 r17 d40 seg192", BF, TF, 1, 2, 333, 17, 40, {}, true, true, 192, 1e-2},
      {"f32tf32 1x2x300 r40 d17 seg64", F32, TF, 1, 2, 300, 40, 17, {}, false, true, 64, 2e-3},
      {"bf16 2x2x500 r64 d64 seg128 st", BF, TF, 2, 2, 500, 64, 64, {}, true, true, 128, 1e-2},
      {"f16 1x2x200 r256 d256 seg64 st", F16, TF, 1, 2, 200, 256, 256, {}, true, true, 64, 2e-3},
      {"f32exact 1x2x200 r256 d256 seg64 st", F32, EX, 1, 2, 200, 256, 256, {}, true, true, 64, 1e-5},
      {"bf16 1x1x130 r200 d136 seg64 st", BF, TF, 1, 1, 130, 200, 136, {}, true, true, 64, 1e-2},
      {"f16 1x1x1 r128 d128 st", F16, TF, 1, 1, 1, 128, 128, {}, true, true, 0, 2e-3},
      {"f32exact 1x1x65 r64 d128", F32, EX, 1, 1, 65, 64, 128, {}, false, true, 0, 1e-5},
      {"f16 varlen 4 seqs seg64 st", F16, TF, 1, 3, 1000, 128, 128, cu1, true, true, 64, 2e-3},
      {"f32exact varlen 4 seqs seg128 st", F32, EX, 1, 3, 1000, 128, 128, cu1, true, true, 128, 1e-5},
      {"bf16 varlen 5 seqs heur st", BF, TF, 1, 2, 777, 64, 96, cu2, true, true, 0, 1e-2},
      {"f32tf32 varlen 5 seqs seg64", F32, TF, 1, 2, 777, 128, 128, cu2, false, true, 64, 2e-3},
      // version 2 (sm_90a wgmma: 16-bit, r = 128, d % 128 == 0, fixed length)
      {"v2 f16 1x2x700 r128 d256 seg192 st", F16, TF, 1, 2, 700, 128, 256, {}, true, true, 192, 2e-3, false, 0, "LEET_FUSED_OUT=128"},
      {"v2 bf16 3x2x300 r128 d384 seg128 st", BF, TF, 3, 2, 300, 128, 384, {}, true, true, 128, 1e-2, false, 0, "LEET_FUSED_OUT=128"},
      {"v2 bf16 1x3x65 r128 d128 seg64 st", BF, TF, 1, 3, 65, 128, 128, {}, true, true, 64, 1e-2, false, 0, "LEET_FUSED_OUT=128"},
      {"v2 f16 2x2x333 r128 d128 heur", F16, TF, 2, 2, 333, 128, 128, {}, false, false, 0, 2e-3, false, 0, "LEET_FUSED_OUT=128"},
      {"v2 f16 1x2x4100 r128 d128 seg1024 st", F16, TF, 1, 2, 4100, 128, 128, {}, true, true, 1024, 2e-3, false, 0, "LEET_FUSED_OUT=128"},
      {"v2 bf16 1x1x63 r128 d128 fin", BF, TF, 1, 1, 63, 128, 128, {}, false, true, 0, 1e-2, false, 0, "LEET_FUSED_OUT=128"},
      {"v2 bf16 1x2x1000 r128 d128 seg64 st (scan)", BF, TF, 1, 2, 1000, 128, 128, {}, true, true, 64, 1e-2, false, 0, "LEET_FUSED_OUT=128"},
      {"v2 f16 2x2x2000 r128 d128 seg256 st", F16, TF, 2, 2, 2000, 128, 128, {}, true, true, 256, 2e-3, false, 0, "LEET_FUSED_OUT=128"},
      {"v2 f16 1x2x4100 r128 d128 seg1024 ksub8 st", F16, TF, 1, 2, 4100, 128, 128, {}, true, true, 1024, 2e-3, false, 8, "LEET_FUSED_OUT=128"},
      {"v2 bf16 2x2x2000 r128 d128 seg256 ksub2 st", BF, TF, 2, 2, 2000, 128, 128, {}, true, true, 256, 1e-2, false, 2, "LEET_FUSED_OUT=128"},
      // version 2 on cp.async instead of TMA (LEET_FUSED_TMA=0, the fallback): two
      // d-blocks, B = 3 and d = 384, a partial chunk, the heuristic, sub-segments, one
      // segment with a final state, the scan (16 segments)
      {"v2c f16 1x2x700 r128 d256 seg192 st", F16, TF, 1, 2, 700, 128, 256, {}, true, true, 192, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_TMA=0"},
      {"v2c bf16 3x2x300 r128 d384 seg128 st", BF, TF, 3, 2, 300, 128, 384, {}, true, true, 128, 1e-2, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_TMA=0"},
      {"v2c bf16 1x3x65 r128 d128 seg64 st", BF, TF, 1, 3, 65, 128, 128, {}, true, true, 64, 1e-2, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_TMA=0"},
      {"v2c f16 2x2x333 r128 d128 heur", F16, TF, 2, 2, 333, 128, 128, {}, false, false, 0, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_TMA=0"},
      {"v2c f16 1x2x4100 r128 d128 seg1024 ksub8 st", F16, TF, 1, 2, 4100, 128, 128, {}, true, true, 1024, 2e-3, false, 8, "LEET_FUSED_OUT=128 LEET_FUSED_TMA=0"},
      {"v2c bf16 1x1x63 r128 d128 fin", BF, TF, 1, 1, 63, 128, 128, {}, false, true, 0, 1e-2, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_TMA=0"},
      {"v2c bf16 1x2x1000 r128 d128 seg64 st (scan)", BF, TF, 1, 2, 1000, 128, 128, {}, true, true, 64, 1e-2, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_TMA=0"},
      {"v2c f16 2x2x2000 r128 d128 seg256 st", F16, TF, 2, 2, 2000, 128, 128, {}, true, true, 256, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_TMA=0"},
      // the three-stage TMA state kernel (LEET_FUSED_STATE_DEEP=0; these small shapes
      // otherwise take the deep one): a partial chunk, d = 384 and B = 3, sub-segments,
      // the scan
      {"v2d f16 1x2x700 r128 d256 seg192 st", F16, TF, 1, 2, 700, 128, 256, {}, true, true, 192, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_STATE_DEEP=0"},
      {"v2d bf16 3x2x300 r128 d384 seg128 st", BF, TF, 3, 2, 300, 128, 384, {}, true, true, 128, 1e-2, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_STATE_DEEP=0"},
      {"v2d f16 1x2x4100 r128 d128 seg1024 ksub8 st", F16, TF, 1, 2, 4100, 128, 128, {}, true, true, 1024, 2e-3, false, 8, "LEET_FUSED_OUT=64 LEET_FUSED_STATE_DEEP=0"},
      {"v2d bf16 1x2x1000 r128 d128 seg64 st (scan)", BF, TF, 1, 2, 1000, 128, 128, {}, true, true, 64, 1e-2, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_STATE_DEEP=0"},
      {"v1 f16 2x3x1000 r128 d128 seg128 st", F16, TF, 2, 3, 1000, 128, 128, {}, true, true, 128, 2e-3, true},
      // version 3 (fp32 TF32, wgmma), its lockstep output kernel (LEET_FUSED_V3DEC=0): chunk
      // and segment tails, states, inline prefix and scan, several d-blocks; the f32tf32 r128
      // cases above take version 3 with the decoupled output kernel
      {"v3 f32tf32 1x3x65 r128 d128 seg64 st", F32, TF, 1, 3, 65, 128, 128, {}, true, true, 64, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=0"},
      {"v3 f32tf32 2x2x333 r128 d128 heur", F32, TF, 2, 2, 333, 128, 128, {}, false, false, 0, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=0"},
      {"v3 f32tf32 1x2x4100 r128 d128 seg1024 st", F32, TF, 1, 2, 4100, 128, 128, {}, true, true, 1024, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=0"},
      {"v3 f32tf32 1x1x1 r128 d128 st", F32, TF, 1, 1, 1, 128, 128, {}, true, true, 0, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=0"},
      {"v3 f32tf32 1x1x63 r128 d128 fin", F32, TF, 1, 1, 63, 128, 128, {}, false, true, 0, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=0"},
      {"v3 f32tf32 1x2x1000 r128 d128 seg64 st (scan)", F32, TF, 1, 2, 1000, 128, 128, {}, true, true, 64, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=0"},
      {"v3 f32tf32 2x2x1000 r128 d256 seg256 st", F32, TF, 2, 2, 1000, 128, 256, {}, true, true, 256, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=0"},
      {"v3 f32tf32 1x2x2000 r128 d384 heur st", F32, TF, 1, 2, 2000, 128, 384, {}, true, true, 0, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=0"},
      {"v3 f32tf32 1x2x777 r128 d128 seg192 st", F32, TF, 1, 2, 777, 128, 128, {}, true, true, 192, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=0"},
      // the state walk in sub-segments: forced, and the automatic split of 16384-token segments
      {"v3 f32tf32 1x2x4100 r128 d128 seg1024 ksub4 st", F32, TF, 1, 2, 4100, 128, 128, {}, true, true, 1024, 2e-3, false, 4, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=0"},
      {"v3 f32tf32 1x2x40000 r128 d128 seg16384 st", F32, TF, 1, 2, 40000, 128, 128, {}, true, true, 16384, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=0"},
      // a short first segment (pad_plan; LEET_FUSED_PAD=x forces one of x tokens): across
      // sub-segments, inside one, with a partial chunk, d = 256 and two sequences, one token
      {"v3 f32tf32 1x2x4100 r128 d128 seg1024 ksub4 pad300 st", F32, TF, 1, 2, 4100, 128, 128, {}, true, true, 1024, 2e-3, false, 4, "LEET_FUSED_OUT=128 LEET_FUSED_PAD=300 LEET_FUSED_V3DEC=0 LEET_FUSED_LEAD=0"},
      {"v3 f32tf32 2x2x1000 r128 d256 seg256 pad200 st", F32, TF, 2, 2, 1000, 128, 256, {}, true, true, 256, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_PAD=200 LEET_FUSED_V3DEC=0 LEET_FUSED_LEAD=0"},
      {"v3 f32tf32 1x2x777 r128 d128 seg192 pad50 st", F32, TF, 1, 2, 777, 128, 128, {}, true, true, 192, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_PAD=50 LEET_FUSED_V3DEC=0 LEET_FUSED_LEAD=0"},
      {"v3 f32tf32 2x2x1000 r128 d128 seg256 pad1 st", F32, TF, 2, 2, 1000, 128, 128, {}, true, true, 256, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_PAD=1 LEET_FUSED_V3DEC=0 LEET_FUSED_LEAD=0"},
      // the TF32 state kernel forced to two stages (v3s, LEET_FUSED_STATE_DEEP=0) and to three
      // (v3d, =1; the default above 4 TB/s): one-chunk segments, sub-segments with a short
      // first segment, d = 256
      {"v3d f32tf32 1x3x65 r128 d128 seg64 st", F32, TF, 1, 3, 65, 128, 128, {}, true, true, 64, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_STATE_DEEP=1"},
      {"v3d f32tf32 1x2x4100 r128 d128 seg1024 ksub4 pad300 st", F32, TF, 1, 2, 4100, 128, 128, {}, true, true, 1024, 2e-3, false, 4, "LEET_FUSED_OUT=128 LEET_FUSED_PAD=300 LEET_FUSED_STATE_DEEP=1 LEET_FUSED_LEAD=0"},
      {"v3d f32tf32 2x2x1000 r128 d256 seg256 st", F32, TF, 2, 2, 1000, 128, 256, {}, true, true, 256, 2e-3, false, 0, "LEET_FUSED_OUT=64 LEET_FUSED_STATE_DEEP=1"},
      {"v3s f32tf32 1x3x65 r128 d128 seg64 st", F32, TF, 1, 3, 65, 128, 128, {}, true, true, 64, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_STATE_DEEP=0"},
      {"v3s f32tf32 1x2x4100 r128 d128 seg1024 ksub4 pad300 st", F32, TF, 1, 2, 4100, 128, 128, {}, true, true, 1024, 2e-3, false, 4, "LEET_FUSED_OUT=128 LEET_FUSED_PAD=300 LEET_FUSED_STATE_DEEP=0 LEET_FUSED_LEAD=0"},
      {"v3s f32tf32 2x2x1000 r128 d256 seg256 st", F32, TF, 2, 2, 1000, 128, 256, {}, true, true, 256, 2e-3, false, 0, "LEET_FUSED_OUT=64 LEET_FUSED_STATE_DEEP=0"},
      // the three-stage state kernel on cp.async (LEET_FUSED_TMA=0) where whole chunks would
      // let it take TMA (the default above 4 TB/s)
      {"v3t f32tf32 1x2x4100 r128 d128 seg1024 ksub4 st", F32, TF, 1, 2, 4100, 128, 128, {}, true, true, 1024, 2e-3, false, 4, "LEET_FUSED_OUT=128 LEET_FUSED_STATE_DEEP=1 LEET_FUSED_TMA=0 LEET_FUSED_LEAD=0"},
      {"v3t f32tf32 2x2x1000 r128 d256 seg256 st", F32, TF, 2, 2, 1000, 128, 256, {}, true, true, 256, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_STATE_DEEP=1 LEET_FUSED_TMA=0 LEET_FUSED_LEAD=0"},
      {"v3t f32tf32 1x2x1000 r128 d128 seg64 st (scan)", F32, TF, 1, 2, 1000, 128, 128, {}, true, true, 64, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_STATE_DEEP=1 LEET_FUSED_TMA=0 LEET_FUSED_LEAD=0"},
      // ... and on TMA, forced (the default only above 4 TB/s), d = 384 and a short first segment
      {"v3u f32tf32 1x2x2000 r128 d384 heur st", F32, TF, 1, 2, 2000, 128, 384, {}, true, true, 0, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_STATE_DEEP=1 LEET_FUSED_LEAD=0"},
      {"v3u f32tf32 1x2x4100 r128 d128 seg1024 ksub4 pad256 st", F32, TF, 1, 2, 4100, 128, 128, {}, true, true, 1024, 2e-3, false, 4, "LEET_FUSED_OUT=128 LEET_FUSED_STATE_DEEP=1 LEET_FUSED_PAD=256 LEET_FUSED_LEAD=0"},
      {"v3u f32tf32 1x2x40000 r128 d128 seg16384 st", F32, TF, 1, 2, 40000, 128, 128, {}, true, true, 16384, 2e-3, false, 0, "LEET_FUSED_OUT=64 LEET_FUSED_STATE_DEEP=1 LEET_FUSED_LEAD=0"},
      // the lead plan (the default above 4 TB/s; forced here): each sequence's first segment
      // walked beside the state pass. Partial last segments, state pieces (ksub), two
      // sequences at d = 256, the smallest lead, no initial or final state
      {"v3l f32tf32 1x2x4100 r128 d128 seg1024 st", F32, TF, 1, 2, 4100, 128, 128, {}, true, true, 1024, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=1 LEET_FUSED_STATE_DEEP=1 LEET_FUSED_LEAD=1"},
      {"v3l f32tf32 1x2x4100 r128 d128 seg1024 ksub4 lead512 st", F32, TF, 1, 2, 4100, 128, 128, {}, true, true, 1024, 2e-3, false, 4, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=1 LEET_FUSED_STATE_DEEP=1 LEET_FUSED_LEAD=512"},
      {"v3l f32tf32 2x2x1000 r128 d256 seg256 st", F32, TF, 2, 2, 1000, 128, 256, {}, true, true, 256, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=1 LEET_FUSED_STATE_DEEP=1 LEET_FUSED_LEAD=1"},
      {"v3l f32tf32 1x3x300 r128 d128 seg128 lead64 st", F32, TF, 1, 3, 300, 128, 128, {}, true, true, 128, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=1 LEET_FUSED_STATE_DEEP=1 LEET_FUSED_LEAD=64"},
      {"v3l f32tf32 1x2x3000 r128 d128 seg512 lead384", F32, TF, 1, 2, 3000, 128, 128, {}, false, false, 512, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=1 LEET_FUSED_STATE_DEEP=1 LEET_FUSED_LEAD=384"},
      {"v3l f32tf32 1x2x40000 r128 d128 seg8192 st", F32, TF, 1, 2, 40000, 128, 128, {}, true, true, 8192, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=1 LEET_FUSED_STATE_DEEP=1 LEET_FUSED_LEAD=1"},
      // the lead plan's small pieces (version 3): by default at 1x32x65536 (the lead plan
      // forced for cards below 4 TB/s, whose rule takes it there too), forced at 1x32x16384
      // and at the shapes above
      {"v3m f32tf32 1x32x65536 r128 d128 heur st", F32, TF, 1, 32, 65536, 128, 128, {}, true, true, 0, 2e-3, false, 0, "LEET_FUSED_LEAD=1"},
      {"v3m f32tf32 1x32x16384 r128 d128 heur small384 st", F32, TF, 1, 32, 16384, 128, 128, {}, true, true, 0, 2e-3, false, 0, "LEET_FUSED_LEAD=1 LEET_FUSED_SMALL=384"},
      {"v3m f32tf32 1x2x4100 r128 d128 seg1024 lead256 small128 st", F32, TF, 1, 2, 4100, 128, 128, {}, true, true, 1024, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=1 LEET_FUSED_STATE_DEEP=1 LEET_FUSED_LEAD=256 LEET_FUSED_SMALL=128"},
      {"v3m f32tf32 2x2x1000 r128 d256 seg256 lead128 small64 st", F32, TF, 2, 2, 1000, 128, 256, {}, true, true, 256, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=1 LEET_FUSED_STATE_DEEP=1 LEET_FUSED_LEAD=128 LEET_FUSED_SMALL=64"},
      {"v3m f32tf32 1x2x40000 r128 d128 seg8192 small1024 st", F32, TF, 1, 2, 40000, 128, 128, {}, true, true, 8192, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=1 LEET_FUSED_STATE_DEEP=1 LEET_FUSED_LEAD=1 LEET_FUSED_SMALL=1024"},
      {"v3m f32tf32 1x2x3000 r128 d128 seg512 lead256 small128", F32, TF, 1, 2, 3000, 128, 128, {}, false, false, 512, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=1 LEET_FUSED_STATE_DEEP=1 LEET_FUSED_LEAD=256 LEET_FUSED_SMALL=128"},
      // the lead plan in 16 bits (version 2's LEAD kernels): the same shapes
      {"v2l f16 1x2x4100 r128 d128 seg1024 st", F16, TF, 1, 2, 4100, 128, 128, {}, true, true, 1024, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_LEAD=1"},
      {"v2l bf16 1x2x4100 r128 d128 seg1024 ksub4 lead512 st", BF, TF, 1, 2, 4100, 128, 128, {}, true, true, 1024, 1e-2, false, 4, "LEET_FUSED_OUT=128 LEET_FUSED_LEAD=512"},
      {"v2l f16 2x2x1000 r128 d256 seg256 st", F16, TF, 2, 2, 1000, 128, 256, {}, true, true, 256, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_LEAD=1"},
      {"v2l bf16 1x3x300 r128 d128 seg128 lead64 st", BF, TF, 1, 3, 300, 128, 128, {}, true, true, 128, 1e-2, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_LEAD=64"},
      {"v2l f16 1x2x3000 r128 d128 seg512 lead384", F16, TF, 1, 2, 3000, 128, 128, {}, false, false, 512, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_LEAD=384"},
      {"v2l bf16 1x2x40000 r128 d128 seg8192 st", BF, TF, 1, 2, 40000, 128, 128, {}, true, true, 8192, 1e-2, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_LEAD=1"},
      // (the lead plan's state kernel at its own shared memory, two CTAs to an SM possible)
      {"v2l f16 1x2x4100 r128 d128 seg1024 st unpadded", F16, TF, 1, 2, 4100, 128, 128, {}, true, true, 1024, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_LEAD=1 LEET_FUSED_LEAD_STATE=0"},
      {"v2l bf16 2x2x1000 r128 d256 seg256 st unpadded", BF, TF, 2, 2, 1000, 128, 256, {}, true, true, 256, 1e-2, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_LEAD=1 LEET_FUSED_LEAD_STATE=0"},
      // the decoupled TF32 output kernel (the default where it applies; v3e sets it, and the
      // v3 cases above keep the lockstep one), its O stored by TMA unless the process sets
      // LEET_FUSED_TMA: short first segments of whole chunks too
      {"v3e f32tf32 1x3x65 r128 d128 seg64 st", F32, TF, 1, 3, 65, 128, 128, {}, true, true, 64, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=1"},
      {"v3e f32tf32 2x2x333 r128 d128 heur", F32, TF, 2, 2, 333, 128, 128, {}, false, false, 0, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=1"},
      {"v3e f32tf32 1x2x4100 r128 d128 seg1024 st", F32, TF, 1, 2, 4100, 128, 128, {}, true, true, 1024, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=1"},
      {"v3e f32tf32 1x1x1 r128 d128 st", F32, TF, 1, 1, 1, 128, 128, {}, true, true, 0, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=1"},
      {"v3e f32tf32 1x1x63 r128 d128 fin", F32, TF, 1, 1, 63, 128, 128, {}, false, true, 0, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=1"},
      {"v3e f32tf32 1x2x1000 r128 d128 seg64 st (scan)", F32, TF, 1, 2, 1000, 128, 128, {}, true, true, 64, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=1"},
      {"v3e f32tf32 2x2x1000 r128 d256 seg256 st", F32, TF, 2, 2, 1000, 128, 256, {}, true, true, 256, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=1"},
      {"v3e f32tf32 1x2x2000 r128 d384 heur st", F32, TF, 1, 2, 2000, 128, 384, {}, true, true, 0, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=1"},
      {"v3e f32tf32 1x2x777 r128 d128 seg192 st", F32, TF, 1, 2, 777, 128, 128, {}, true, true, 192, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=1"},
      {"v3e f32tf32 1x2x4100 r128 d128 seg1024 ksub4 pad256 st", F32, TF, 1, 2, 4100, 128, 128, {}, true, true, 1024, 2e-3, false, 4, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=1 LEET_FUSED_PAD=256 LEET_FUSED_LEAD=0"},
      {"v3e f32tf32 2x2x1000 r128 d256 seg256 pad192 st", F32, TF, 2, 2, 1000, 128, 256, {}, true, true, 256, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=1 LEET_FUSED_PAD=192 LEET_FUSED_LEAD=0"},
      {"v3e f32tf32 1x2x40000 r128 d128 seg16384 st", F32, TF, 1, 2, 40000, 128, 128, {}, true, true, 16384, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=1"},
      // the same kernel in its earlier order (LEET_FUSED_EARLY=0: the state's first r-half
      // updated after P V); the third case runs the lead plan's output kernels in it
      {"v3e f32tf32 1x3x65 r128 d128 seg64 st early0", F32, TF, 1, 3, 65, 128, 128, {}, true, true, 64, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=1 LEET_FUSED_EARLY=0"},
      {"v3e f32tf32 2x2x1000 r128 d256 seg256 pad192 st early0", F32, TF, 2, 2, 1000, 128, 256, {}, true, true, 256, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=1 LEET_FUSED_PAD=192 LEET_FUSED_LEAD=0 LEET_FUSED_EARLY=0"},
      {"v3e f32tf32 1x2x4100 r128 d128 seg1024 ksub4 lead512 st early0", F32, TF, 1, 2, 4100, 128, 128, {}, true, true, 1024, 2e-3, false, 4, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=1 LEET_FUSED_STATE_DEEP=1 LEET_FUSED_LEAD=512 LEET_FUSED_EARLY=0"},
      // the same kernel with its O stored from registers (LEET_FUSED_TMA=1) instead of by TMA
      {"v3f f32tf32 1x3x65 r128 d128 seg64 st", F32, TF, 1, 3, 65, 128, 128, {}, true, true, 64, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=1 LEET_FUSED_TMA=1"},
      {"v3f f32tf32 1x1x63 r128 d128 fin", F32, TF, 1, 1, 63, 128, 128, {}, false, true, 0, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=1 LEET_FUSED_TMA=1"},
      {"v3f f32tf32 2x2x1000 r128 d256 seg256 pad192 st", F32, TF, 2, 2, 1000, 128, 256, {}, true, true, 256, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=1 LEET_FUSED_PAD=192 LEET_FUSED_TMA=1 LEET_FUSED_LEAD=0"},
      {"v3f f32tf32 1x2x2000 r128 d384 heur st", F32, TF, 1, 2, 2000, 128, 384, {}, true, true, 0, 2e-3, false, 0, "LEET_FUSED_OUT=128 LEET_FUSED_V3DEC=1 LEET_FUSED_TMA=1"},
      // version 2 with 64-column output CTAs reading staged states (V2NFamily)
      {"v2n f16 1x2x700 r128 d256 seg192 st", F16, TF, 1, 2, 700, 128, 256, {}, true, true, 192, 2e-3, false, 0, "LEET_FUSED_OUT=64"},
      {"v2n bf16 3x2x300 r128 d384 seg128 st", BF, TF, 3, 2, 300, 128, 384, {}, true, true, 128, 1e-2, false, 0, "LEET_FUSED_OUT=64"},
      {"v2n bf16 1x3x65 r128 d128 seg64 st", BF, TF, 1, 3, 65, 128, 128, {}, true, true, 64, 1e-2, false, 0, "LEET_FUSED_OUT=64"},
      {"v2n f16 2x2x333 r128 d128 heur", F16, TF, 2, 2, 333, 128, 128, {}, false, false, 0, 2e-3, false, 0, "LEET_FUSED_OUT=64"},
      {"v2n f16 1x2x4100 r128 d128 seg1024 st", F16, TF, 1, 2, 4100, 128, 128, {}, true, true, 1024, 2e-3, false, 0, "LEET_FUSED_OUT=64"},
      {"v2n bf16 1x1x63 r128 d128 fin", BF, TF, 1, 1, 63, 128, 128, {}, false, true, 0, 1e-2, false, 0, "LEET_FUSED_OUT=64"},
      {"v2n bf16 1x2x1000 r128 d128 seg64 st (scan)", BF, TF, 1, 2, 1000, 128, 128, {}, true, true, 64, 1e-2, false, 0, "LEET_FUSED_OUT=64"},
      {"v2n f16 2x2x2000 r128 d128 seg256 st", F16, TF, 2, 2, 2000, 128, 128, {}, true, true, 256, 2e-3, false, 0, "LEET_FUSED_OUT=64"},
      {"v2n f16 1x2x4100 r128 d128 seg1024 ksub8 st", F16, TF, 1, 2, 4100, 128, 128, {}, true, true, 1024, 2e-3, false, 8, "LEET_FUSED_OUT=64"},
      {"v2n bf16 2x2x2000 r128 d128 seg256 ksub2 st", BF, TF, 2, 2, 2000, 128, 128, {}, true, true, 256, 1e-2, false, 2, "LEET_FUSED_OUT=64"},
      // version 3 with 64-column output CTAs reading staged states (V3NFamily)
      {"v3n f32tf32 1x3x65 r128 d128 seg64 st", F32, TF, 1, 3, 65, 128, 128, {}, true, true, 64, 2e-3, false, 0, "LEET_FUSED_OUT=64"},
      {"v3n f32tf32 2x2x333 r128 d128 heur", F32, TF, 2, 2, 333, 128, 128, {}, false, false, 0, 2e-3, false, 0, "LEET_FUSED_OUT=64"},
      {"v3n f32tf32 1x2x4100 r128 d128 seg1024 st", F32, TF, 1, 2, 4100, 128, 128, {}, true, true, 1024, 2e-3, false, 0, "LEET_FUSED_OUT=64"},
      {"v3n f32tf32 1x1x63 r128 d128 fin", F32, TF, 1, 1, 63, 128, 128, {}, false, true, 0, 2e-3, false, 0, "LEET_FUSED_OUT=64"},
      {"v3n f32tf32 1x2x1000 r128 d128 seg64 st (scan)", F32, TF, 1, 2, 1000, 128, 128, {}, true, true, 64, 2e-3, false, 0, "LEET_FUSED_OUT=64"},
      {"v3n f32tf32 2x2x1000 r128 d256 seg256 st", F32, TF, 2, 2, 1000, 128, 256, {}, true, true, 256, 2e-3, false, 0, "LEET_FUSED_OUT=64"},
      {"v3n f32tf32 1x2x2000 r128 d384 heur st", F32, TF, 1, 2, 2000, 128, 384, {}, true, true, 0, 2e-3, false, 0, "LEET_FUSED_OUT=64"},
      {"v3n f32tf32 1x2x777 r128 d128 seg192 st", F32, TF, 1, 2, 777, 128, 128, {}, true, true, 192, 2e-3, false, 0, "LEET_FUSED_OUT=64"},
      {"v3n f32tf32 1x2x4100 r128 d128 seg1024 ksub4 st", F32, TF, 1, 2, 4100, 128, 128, {}, true, true, 1024, 2e-3, false, 4, "LEET_FUSED_OUT=64"},
      {"v3n f32tf32 1x2x40000 r128 d128 heur st", F32, TF, 1, 2, 40000, 128, 128, {}, true, true, 0, 2e-3, false, 0, "LEET_FUSED_OUT=64"},
      {"v1 f32tf32 2x3x1000 r128 d128 seg128 st", F32, TF, 2, 3, 1000, 128, 128, {}, true, true, 128, 2e-3, true},
      // version 2 in one pass (fused_v2_single_kernel): segment tails, states, several
      // d-blocks and batches, one-token last segment, and the default choice at a real shape
      {"v2s f16 1x2x4100 r128 d128 seg256 st", F16, TF, 1, 2, 4100, 128, 128, {}, true, true, 0, 2e-3, false, 0, "LEET_FUSED_SINGLE=1 LEET_FUSED_SINGLE_SEG=256"},
      {"v2s bf16 2x3x1000 r128 d256 seg128 st", BF, TF, 2, 3, 1000, 128, 256, {}, true, true, 0, 1e-2, false, 0, "LEET_FUSED_SINGLE=1 LEET_FUSED_SINGLE_SEG=128"},
      {"v2s f16 1x1x65 r128 d128 seg64 fin", F16, TF, 1, 1, 65, 128, 128, {}, false, true, 0, 2e-3, false, 0, "LEET_FUSED_SINGLE=1 LEET_FUSED_SINGLE_SEG=64"},
      {"v2s bf16 3x2x3000 r128 d128 L256", BF, TF, 3, 2, 3000, 128, 128, {}, false, false, 0, 1e-2, false, 0, "LEET_FUSED_SINGLE=1"},
      {"v2s f16 2x2x2000 r128 d384 seg64 st nohint", F16, TF, 2, 2, 2000, 128, 384, {}, true, true, 0, 2e-3, false, 0, "LEET_FUSED_SINGLE=1 LEET_FUSED_SINGLE_SEG=64 LEET_FUSED_L2HINTS=0"},
      {"v2s f16 1x32x16384 r128 d128 L512 st", F16, TF, 1, 32, 16384, 128, 128, {}, true, true, 0, 2e-3, false, 0, "LEET_FUSED_SINGLE=1"},
      {"v2s bf16 1x8x16384 r128 d128 seg512 fin", BF, TF, 1, 8, 16384, 128, 128, {}, false, true, 0, 1e-2, false, 0, "LEET_FUSED_SINGLE=1 LEET_FUSED_SINGLE_SEG=512"},
      // float32 exact on the 3xTF32 wgmma kernels (v3x, LEET_FUSED_V4=0): tails, states,
      // d-blocks, inline prefix and scan, the one-walk schedule; and version 1 forced
      {"v3x f32exact 1x3x65 r128 d128 seg64 st", F32, EX, 1, 3, 65, 128, 128, {}, true, true, 64, 1e-5, false, 0, "LEET_FUSED_V4=0"},
      {"v3x f32exact 2x2x333 r128 d128 heur", F32, EX, 2, 2, 333, 128, 128, {}, false, false, 0, 1e-5, false, 0, "LEET_FUSED_V4=0"},
      {"v3x f32exact 1x2x4100 r128 d128 seg1024 st", F32, EX, 1, 2, 4100, 128, 128, {}, true, true, 1024, 1e-5, false, 0, "LEET_FUSED_V4=0"},
      {"v3x f32exact 1x1x1 r128 d128 st", F32, EX, 1, 1, 1, 128, 128, {}, true, true, 0, 1e-5, false, 0, "LEET_FUSED_V4=0"},
      {"v3x f32exact 1x2x1000 r128 d128 seg64 st (scan)", F32, EX, 1, 2, 1000, 128, 128, {}, true, true, 64, 1e-5, false, 0, "LEET_FUSED_V4=0"},
      {"v3x f32exact 2x2x1000 r128 d256 seg256 st", F32, EX, 2, 2, 1000, 128, 256, {}, true, true, 256, 1e-5, false, 0, "LEET_FUSED_V4=0"},
      {"v3x f32exact 1x2x2000 r128 d384 heur st", F32, EX, 1, 2, 2000, 128, 384, {}, true, true, 0, 1e-5, false, 0, "LEET_FUSED_V4=0"},
      {"v3x f32exact 1x2x777 r128 d128 seg192 st", F32, EX, 1, 2, 777, 128, 128, {}, true, true, 192, 1e-5, false, 0, "LEET_FUSED_V4=0"},
      {"v3x f32exact 1x4x4096 r128 d128 heur", F32, EX, 1, 4, 4096, 128, 128, {}, false, true, 0, 1e-5, false, 0, "LEET_FUSED_V4=0"},
      {"v1 f32exact 1x4x4096 r128 d128 heur", F32, EX, 1, 4, 4096, 128, 128, {}, false, true, 0, 1e-5, false, 0, "LEET_FUSED_V4=0 LEET_FUSED_V3X=0"},
      // float32 exact on the float64 tensor cores (v4, the default): the same shapes, and
      // an error within 2x of a float32 recurrent on the same inputs
      {"v4 f32exact 1x3x65 r128 d128 seg64 st", F32, EX, 1, 3, 65, 128, 128, {}, true, true, 64, 1e-5, false, 0, "", 2.0},
      {"v4 f32exact 2x2x333 r128 d128 heur", F32, EX, 2, 2, 333, 128, 128, {}, false, false, 0, 1e-5, false, 0, "", 2.0},
      {"v4 f32exact 1x2x4100 r128 d128 seg1024 st", F32, EX, 1, 2, 4100, 128, 128, {}, true, true, 1024, 1e-5, false, 0, "", 2.0},
      {"v4 f32exact 1x1x1 r128 d128 st", F32, EX, 1, 1, 1, 128, 128, {}, true, true, 0, 1e-5, false, 0, "", 2.0},
      {"v4 f32exact 1x2x1000 r128 d128 seg64 st (scan)", F32, EX, 1, 2, 1000, 128, 128, {}, true, true, 64, 1e-5, false, 0, "", 2.0},
      {"v4 f32exact 2x2x1000 r128 d256 seg256 st", F32, EX, 2, 2, 1000, 128, 256, {}, true, true, 256, 1e-5, false, 0, "", 2.0},
      {"v4 f32exact 1x2x2000 r128 d384 heur st", F32, EX, 1, 2, 2000, 128, 384, {}, true, true, 0, 1e-5, false, 0, "", 2.0},
      {"v4 f32exact 1x2x777 r128 d128 seg192 st", F32, EX, 1, 2, 777, 128, 128, {}, true, true, 192, 1e-5, false, 0, "", 2.0},
      {"v4 f32exact 1x4x4096 r128 d128 heur", F32, EX, 1, 4, 4096, 128, 128, {}, false, true, 0, 1e-5, false, 0, "", 2.0},
      {"v4 f32exact 1x3x31 r128 d128 st", F32, EX, 1, 3, 31, 128, 128, {}, true, true, 0, 1e-5, false, 0, "", 2.0},
      {"v4 f32exact 1x2x3000 r128 d128 seg512 ksub2", F32, EX, 1, 2, 3000, 128, 128, {}, true, true, 512, 1e-5, false, 2, "", 2.0},
      {"v4 f32exact 1x2x500 zeros subnormals", F32, EX, 1, 2, 500, 128, 128, {}, true, true, 128, 1e-5, false, 0, "FB_SPECIAL=1", 2.0},
      {"L v4 f32exact 1x2x500 32 columns", F32, EX, 1, 2, 500, 128, 128, {}, true, true, 0, 1e-5, false, 0, "FB_SCHED=500", 2.0},
      // the same on the 128-column output CTAs (V4WFamily), and a head count that fills the
      // GPU with the model's segments (four per head at 32 heads) and sub-segments
      {"v4w f32exact 1x3x65 r128 d128 seg64 st", F32, EX, 1, 3, 65, 128, 128, {}, true, true, 64, 1e-5, false, 0, W, 2.0},
      {"v4w f32exact 2x2x333 r128 d128 heur", F32, EX, 2, 2, 333, 128, 128, {}, false, false, 0, 1e-5, false, 0, W, 2.0},
      {"v4w f32exact 1x2x4100 r128 d128 seg1024 st", F32, EX, 1, 2, 4100, 128, 128, {}, true, true, 1024, 1e-5, false, 0, W, 2.0},
      {"v4w f32exact 1x1x1 r128 d128 st", F32, EX, 1, 1, 1, 128, 128, {}, true, true, 0, 1e-5, false, 0, W, 2.0},
      {"v4w f32exact 1x2x1000 r128 d128 seg64 st (scan)", F32, EX, 1, 2, 1000, 128, 128, {}, true, true, 64, 1e-5, false, 0, W, 2.0},
      {"v4w f32exact 2x2x1000 r128 d256 seg256 st", F32, EX, 2, 2, 1000, 128, 256, {}, true, true, 256, 1e-5, false, 0, W, 2.0},
      {"v4w f32exact 1x2x2000 r128 d384 heur st", F32, EX, 1, 2, 2000, 128, 384, {}, true, true, 0, 1e-5, false, 0, W, 2.0},
      {"v4w f32exact 1x2x777 r128 d128 seg192 st", F32, EX, 1, 2, 777, 128, 128, {}, true, true, 192, 1e-5, false, 0, W, 2.0},
      {"v4w f32exact 1x4x4096 r128 d128 heur", F32, EX, 1, 4, 4096, 128, 128, {}, false, true, 0, 1e-5, false, 0, W, 2.0},
      {"v4w f32exact 1x3x31 r128 d128 st", F32, EX, 1, 3, 31, 128, 128, {}, true, true, 0, 1e-5, false, 0, W, 2.0},
      {"v4w f32exact 1x2x3000 r128 d128 seg512 ksub2", F32, EX, 1, 2, 3000, 128, 128, {}, true, true, 512, 1e-5, false, 2, W, 2.0},
      {"v4w f32exact 1x2x500 zeros subnormals", F32, EX, 1, 2, 500, 128, 128, {}, true, true, 128, 1e-5, false, 0, "FB_SPECIAL=1 LEET_FUSED_V4_OUT=128", 2.0},
      {"v4w f32exact 1x32x8192 r128 d128 heur st", F32, EX, 1, 32, 8192, 128, 128, {}, true, true, 0, 1e-5, false, 0, W, 2.0},
      // a short first segment (pad_plan; LEET_FUSED_PAD=x forces one of x tokens): inside one
      // sub-segment, across several, with a partial chunk, with d = 256 and two sequences
      {"v4w f32exact 1x2x4100 r128 d128 seg1024 pad100 st", F32, EX, 1, 2, 4100, 128, 128, {}, true, true, 1024, 1e-5, false, 0, "LEET_FUSED_V4_OUT=128 LEET_FUSED_PAD=100", 2.0},
      {"v4w f32exact 1x2x777 r128 d128 seg192 pad50 st", F32, EX, 1, 2, 777, 128, 128, {}, true, true, 192, 1e-5, false, 0, "LEET_FUSED_V4_OUT=128 LEET_FUSED_PAD=50", 2.0},
      {"v4w f32exact 2x2x1000 r128 d256 seg256 pad200 st", F32, EX, 2, 2, 1000, 128, 256, {}, true, true, 256, 1e-5, false, 0, "LEET_FUSED_V4_OUT=128 LEET_FUSED_PAD=200", 2.0},
      {"v4w f32exact 1x32x8192 r128 d128 heur pad700 st", F32, EX, 1, 32, 8192, 128, 128, {}, true, true, 0, 1e-5, false, 0, "LEET_FUSED_V4_OUT=128 LEET_FUSED_PAD=700", 2.0},
      {"v4w f32exact 2x2x1000 r128 d128 seg256 pad1 st", F32, EX, 2, 2, 1000, 128, 128, {}, true, true, 256, 1e-5, false, 0, "LEET_FUSED_V4_OUT=128 LEET_FUSED_PAD=1", 2.0},
      // version 4 at other r and d (r zero-padded to 128 on load, r > 128 in passes of 128
      // whose outputs add up, the last value columns masked), rows not 16-byte aligned
      {"v4 f32exact 1x2x777 r17 d33 seg192 st", F32, EX, 1, 2, 777, 17, 33, {}, true, true, 192, 1e-5, false, 0, "", 2.0},
      {"v4 f32exact 2x2x1000 r64 d64 seg256 st", F32, EX, 2, 2, 1000, 64, 64, {}, true, true, 256, 1e-5, false, 0, "", 2.0},
      {"v4 f32exact 1x2x2000 r256 d96 heur st", F32, EX, 1, 2, 2000, 256, 96, {}, true, true, 0, 1e-5, false, 0, "", 2.0},
      {"v4 f32exact 1x2x1000 r200 d300 seg128 st", F32, EX, 1, 2, 1000, 200, 300, {}, true, true, 128, 1e-5, false, 0, "", 2.0},
      {"v4 f32exact 1x1x65 r384 d8 st", F32, EX, 1, 1, 65, 384, 8, {}, true, true, 0, 1e-5, false, 0, "", 2.0},
      {"L v4 f32exact 1x2x500 r96 d40 32 columns", F32, EX, 1, 2, 500, 96, 40, {}, true, true, 0, 1e-5, false, 0, "FB_SCHED=500", 2.0},
      // r blocks of at most 64 on the R = 64 kernels (r <= 64, r = 192's second pass; the
      // state kernel, lightning's 32-column walk, r = d = 1), and r = 64 forced onto R = 128
      {"v4 f32exact 1x2x1000 r192 d64 seg256 st", F32, EX, 1, 2, 1000, 192, 64, {}, true, true, 256, 1e-5, false, 0, "", 2.0},
      {"L v4 f32exact 1x2x500 r64 d40 32 columns", F32, EX, 1, 2, 500, 64, 40, {}, true, true, 0, 1e-5, false, 0, "FB_SCHED=500", 2.0},
      {"v4 f32exact 1x3x100 r1 d1 seg64 st", F32, EX, 1, 3, 100, 1, 1, {}, true, true, 64, 1e-5, false, 0, "", 2.0},
      {"v4 f32exact 1x2x3000 r48 d128 heur st", F32, EX, 1, 2, 3000, 48, 128, {}, true, true, 0, 1e-5, false, 0, "", 2.0},
      {"v4 f32exact 2x2x1000 r64 d64 seg256 st R128", F32, EX, 2, 2, 1000, 64, 64, {}, true, true, 256, 1e-5, false, 0, "LEET_FUSED_V4_R64=0", 2.0},
      // version 4 on packed sequences (segment table, scan; lightning's walk: one segment each)
      {"v4 f32exact varlen 5 seqs r64 d96 seg64 st", F32, EX, 1, 2, 777, 64, 96, cu2, true, true, 64, 1e-5, false, 0, "", 2.0},
      {"v4 f32exact varlen 4 seqs r128 d128 heur st", F32, EX, 1, 3, 1000, 128, 128, cu1, true, true, 0, 1e-5, false, 0, "", 2.0},
      {"v4 f32exact varlen 4 seqs r200 d40 seg128 st", F32, EX, 1, 2, 1000, 200, 40, cu1, true, true, 128, 1e-5, false, 0, "", 2.0},
      {"L v4 f32exact varlen 5 seqs r96 d40 walk", F32, EX, 1, 2, 777, 96, 40, cu2, true, true, 0, 1e-5, false, 0, "FB_SCHED=777", 2.0},
  };
  FILE* js = fopen(path, "w");
  fprintf(js, "[\n");
  int fails = 0;
  // FUSED_CASES="a|b|...": only the cases whose name starts with one of the pieces, and no
  // repeats (for compute-sanitizer runs)
  const char* only = std::getenv("FUSED_CASES");
  if (only && only[0]) {
    bool first = true;
    for (size_t i = 0; i < cases.size(); ++i)
      if (prefix_listed(only, cases[i].name)) { fails += !run_case(cases[i], 1000 + i, js, first); first = false; }
    fprintf(js, "\n]\n");
    fclose(js);
    printf("check: %d failures\n", fails);
    return fails;
  }
  for (size_t i = 0; i < cases.size(); ++i) fails += !run_case(cases[i], 1000 + i, js, i == 0);
  // repeat one case with fresh inputs (a moving error is a race)
  fails += !run_case(cases[0], 77, js, false);
  fails += !run_case(cases[3], 78, js, false);
  fails += !run_case(cases[1], 79, js, false);
  fails += !run_case(cases[2], 80, js, false);  // v3 with fresh inputs
  auto named = [&](const char* label) -> const Case& {
    for (const Case& c : cases)
      if (std::string(c.name) == label) return c;
    fprintf(stderr, "no case %s\n", label);
    exit(2);
  };
  // the single pass (hand-offs) and v3x with fresh inputs
  fails += !run_case(named("v2s bf16 1x8x16384 r128 d128 seg512 fin"), 81, js, false);
  fails += !run_case(named("v2s bf16 1x8x16384 r128 d128 seg512 fin"), 82, js, false);
  fails += !run_case(named("v3x f32exact 1x2x4100 r128 d128 seg1024 st"), 83, js, false);
  fails += !run_case(named("v4 f32exact 1x2x4100 r128 d128 seg1024 st"), 84, js, false);
  fails += !run_case(named("v4 f32exact 2x2x1000 r128 d256 seg256 st"), 85, js, false);
  fprintf(js, "\n]\n");
  fclose(js);
  unsetenv("LEET_FUSED_SEGMENT");
  unsetenv("LEET_FUSED_V1");
  unsetenv("LEET_FUSED_KSUB");
  apply_env("");
  printf("check: %d failures\n", fails);
  return fails;
}

// ---- bench --------------------------------------------------------------------------------------
static double median(std::vector<double> v) { std::sort(v.begin(), v.end()); return v[v.size() / 2]; }

static double copy_bw() {
  const size_t bytes = (size_t)2 << 30;
  void *a, *b;
  CK(cudaMalloc(&a, bytes)); CK(cudaMalloc(&b, bytes));
  CK(cudaMemset(a, 1, bytes));
  cudaEvent_t e0, e1; cudaEventCreate(&e0); cudaEventCreate(&e1);
  std::vector<double> t;
  for (int i = 0; i < 13; ++i) {
    cudaEventRecord(e0);
    CK(cudaMemcpyAsync(b, a, bytes, cudaMemcpyDeviceToDevice));
    cudaEventRecord(e1); cudaEventSynchronize(e1);
    float ms; cudaEventElapsedTime(&ms, e0, e1);
    if (i >= 3) t.push_back(ms);
  }
  cudaFree(a); cudaFree(b);
  return 2.0 * bytes / (median(t) * 1e-3);
}

struct Row {
  const char* label;
  DType dt;
  Precision prec;
  int64_t B, N;
  int seg;  // 0 = heuristic
  double target_ms;  // H200 target (0 = none)
  const char* env = "";  // extra NAME=VALUE for this row
  int64_t sched = 0;  // 0: launch_fused; > 0: launch_wgmma_schedule with that length (N: lightning's walk)
};

static void bench(const char* path) {
  const double bw = copy_bw();
  cudaDeviceProp prop; CK(cudaGetDeviceProperties(&prop, 0));
  printf("device %s, %d SMs, copy bandwidth %.3f TB/s (read+write)\n", prop.name, prop.multiProcessorCount, bw / 1e12);
  const int64_t H = 32, r = 128, d = 128;
  std::vector<double> rates(H);
  for (int h = 0; h < H; ++h) rates[h] = std::pow(2.0, -0.25 * (h + 1));
  const DType F16 = DType::F16, BF = DType::BF16, F32 = DType::F32;
  const Precision EX = Precision::Exact, TF = Precision::TF32;
  std::vector<Row> rows = {
      {"fp16 1x65536", F16, TF, 1, 65536, 0, 0.75},  {"fp16 8x8192", F16, TF, 8, 8192, 0, 0.75},
      {"fp16 1x1024", F16, TF, 1, 1024, 0, 0.03},    {"bf16 1x65536", BF, TF, 1, 65536, 0, 0.75},
      {"bf16 8x8192", BF, TF, 8, 8192, 0, 0.75},     {"bf16 1x1024", BF, TF, 1, 1024, 0, 0.03},
      {"fp32-tf32 1x65536", F32, TF, 1, 65536, 0, 1.5}, {"fp32-exact 1x65536", F32, EX, 1, 65536, 0, 3.0},
      {"fp32-tf32 8x8192", F32, TF, 8, 8192, 0, 0},  {"fp32-tf32 1x1024", F32, TF, 1, 1024, 0, 0},
      {"fp16 1x16384", F16, TF, 1, 16384, 0, 0},     {"fp16 1x4096", F16, TF, 1, 4096, 0, 0},
      {"fp32-tf32 1x16384", F32, TF, 1, 16384, 0, 0},
      // the state walk split into sub-segments (LEET_FUSED_KSUB; version 4 picks it itself)
      {"K fp32-tf32 1x65536 ksub2", F32, TF, 1, 65536, 0, 1.5, "LEET_FUSED_KSUB=2"},
      {"K fp32-tf32 1x65536 ksub4", F32, TF, 1, 65536, 0, 1.5, "LEET_FUSED_KSUB=4"},
      {"K fp32-tf32 1x65536 seg32768 ksub4", F32, TF, 1, 65536, 32768, 1.5, "LEET_FUSED_KSUB=4"},
      {"K fp16 1x65536 ksub2", F16, TF, 1, 65536, 0, 0.75, "LEET_FUSED_KSUB=2"},
      {"K fp16 1x65536 ksub4", F16, TF, 1, 65536, 0, 0.75, "LEET_FUSED_KSUB=4"},
      {"K fp16 1x65536 seg32768 ksub4", F16, TF, 1, 65536, 32768, 0.75, "LEET_FUSED_KSUB=4"},
      {"K fp16 1x65536 pdl", F16, TF, 1, 65536, 0, 0.75, "LEET_FUSED_PDL=1"},
      {"K fp16 1x65536 ksub2 pdl", F16, TF, 1, 65536, 0, 0.75, "LEET_FUSED_KSUB=2 LEET_FUSED_PDL=1"},
      {"K bf16 1x65536 ksub2", BF, TF, 1, 65536, 0, 0.75, "LEET_FUSED_KSUB=2"},
      {"K bf16 1x65536 ksub4", BF, TF, 1, 65536, 0, 0.75, "LEET_FUSED_KSUB=4"},
      {"K fp32-tf32 1x16384 ksub4", F32, TF, 1, 16384, 0, 0, "LEET_FUSED_KSUB=4"},
      {"K fp16 1x16384 ksub4", F16, TF, 1, 16384, 0, 0, "LEET_FUSED_KSUB=4"},
      // the single pass (opt-in, LEET_FUSED_SINGLE=1): segment length and L2 hints
      {"1P fp16 1x65536 s512", F16, TF, 1, 65536, 0, 0.75, "LEET_FUSED_SINGLE=1"},
      {"1P fp16 1x65536 s256", F16, TF, 1, 65536, 0, 0.75, "LEET_FUSED_SINGLE=1 LEET_FUSED_SINGLE_SEG=256"},
      {"1P fp16 1x65536 s2048", F16, TF, 1, 65536, 0, 0.75, "LEET_FUSED_SINGLE=1 LEET_FUSED_SINGLE_SEG=2048"},
      {"1P fp16 1x65536 s512 nohint", F16, TF, 1, 65536, 0, 0.75, "LEET_FUSED_SINGLE=1 LEET_FUSED_L2HINTS=0"},
      {"1P fp16 1x16384 s512", F16, TF, 1, 16384, 0, 0, "LEET_FUSED_SINGLE=1"},
      {"1P fp16 1x1024 s256", F16, TF, 1, 1024, 0, 0.03, "LEET_FUSED_SINGLE=1"},
      // lightning's schedule on the wgmma body (one walk per sequence): narrow (one
      // warpgroup per 64 columns) and two-warpgroup kernels, and blocked's 4096 chunks
      {"L fp16 1x65536 narrow", F16, TF, 1, 65536, 0, 0, "", 65536},
      {"L fp16 1x65536 wide", F16, TF, 1, 65536, 0, 0, "LEET_CUDA_WGMMA_NARROW=0", 65536},
      {"L fp16 1x16384 narrow", F16, TF, 1, 16384, 0, 0, "", 16384},
      {"L fp16 1x1024 narrow", F16, TF, 1, 1024, 0, 0, "", 1024},
      {"L bf16 1x65536 narrow", BF, TF, 1, 65536, 0, 0, "", 65536},
      {"L fp32-tf32 1x65536 narrow", F32, TF, 1, 65536, 0, 0, "", 65536},
      {"L fp32-tf32 1x65536 narrow64", F32, TF, 1, 65536, 0, 0, "LEET_CUDA_WGMMA_DV=64", 65536},
      {"L fp32-tf32 1x16384 narrow64", F32, TF, 1, 16384, 0, 0, "LEET_CUDA_WGMMA_DV=64", 16384},
      {"L fp32-tf32 1x65536 wide", F32, TF, 1, 65536, 0, 0, "LEET_CUDA_WGMMA_NARROW=0", 65536},
      {"L fp32-tf32 1x16384 narrow", F32, TF, 1, 16384, 0, 0, "", 16384},
      {"L fp32-tf32 1x1024 narrow", F32, TF, 1, 1024, 0, 0, "", 1024},
      {"B fp16 1x65536 c4096", F16, TF, 1, 65536, 0, 0, "", 4096},
      // float32 exact: v4 (float64 tensor cores, the default), v3x (3xTF32 wgmma) and
      // version 1 forced; lightning's and blocked's schedules
      {"X fp32-exact 8x8192", F32, EX, 8, 8192, 0, 0},
      {"X fp32-exact 1x1024", F32, EX, 1, 1024, 0, 0},
      {"X fp32-exact 1x16384", F32, EX, 1, 16384, 0, 0},
      {"X v3x fp32-exact 1x65536", F32, EX, 1, 65536, 0, 3.0, "LEET_FUSED_V4=0"},
      {"X v3x fp32-exact 8x8192", F32, EX, 8, 8192, 0, 0, "LEET_FUSED_V4=0"},
      {"X v1 fp32-exact 1x65536", F32, EX, 1, 65536, 0, 3.0, "LEET_FUSED_V4=0 LEET_FUSED_V3X=0"},
      {"X fp32-exact 1x65536 seg4096", F32, EX, 1, 65536, 4096, 3.0},
      {"X fp32-exact 1x65536 seg8192", F32, EX, 1, 65536, 8192, 3.0},
      {"X fp32-exact 1x65536 seg16384", F32, EX, 1, 65536, 16384, 3.0},
      {"X fp32-exact 1x65536 seg32768", F32, EX, 1, 65536, 32768, 3.0},
      {"X fp32-exact 1x65536 seg32768 ksub2", F32, EX, 1, 65536, 32768, 3.0, "LEET_FUSED_KSUB=2"},
      {"X fp32-exact 1x65536 seg32768 ksub4", F32, EX, 1, 65536, 32768, 3.0, "LEET_FUSED_KSUB=4"},
      {"X fp32-exact 1x65536 seg32768 ksub8", F32, EX, 1, 65536, 32768, 3.0, "LEET_FUSED_KSUB=8"},
      {"X fp32-exact 1x65536 seg16384 ksub4", F32, EX, 1, 65536, 16384, 3.0, "LEET_FUSED_KSUB=4"},
      {"X fp32-exact 1x16384 seg8192 ksub4", F32, EX, 1, 16384, 8192, 0, "LEET_FUSED_KSUB=4"},
      {"X fp32-exact 1x16384 seg4096", F32, EX, 1, 16384, 4096, 0},
      {"X fp32-exact 1x1024 seg512 ksub2", F32, EX, 1, 1024, 512, 0, "LEET_FUSED_KSUB=2"},
      {"X fp32-exact 1x1024 seg256", F32, EX, 1, 1024, 256, 0},
      // version 4's output CTAs: 128 columns (V4WFamily) against 64 (V4Family), twice
      {"W fp32-exact 1x65536 out64", F32, EX, 1, 65536, 0, 3.0, "LEET_FUSED_V4_OUT=64"},
      {"W fp32-exact 1x65536 out128", F32, EX, 1, 65536, 0, 3.0, "LEET_FUSED_V4_OUT=128"},
      {"W fp32-exact 1x65536 out128 nopad", F32, EX, 1, 65536, 0, 3.0, "LEET_FUSED_V4_OUT=128 LEET_FUSED_PAD=0"},
      {"W fp32-exact 8x8192 out64", F32, EX, 8, 8192, 0, 0, "LEET_FUSED_V4_OUT=64"},
      {"W fp32-exact 8x8192 out128", F32, EX, 8, 8192, 0, 0, "LEET_FUSED_V4_OUT=128"},
      {"W fp32-exact 1x16384 out64", F32, EX, 1, 16384, 0, 0, "LEET_FUSED_V4_OUT=64"},
      {"W fp32-exact 1x16384 out128", F32, EX, 1, 16384, 0, 0, "LEET_FUSED_V4_OUT=128"},
      {"W fp32-exact 1x4096 out64", F32, EX, 1, 4096, 0, 0, "LEET_FUSED_V4_OUT=64"},
      {"W fp32-exact 1x4096 out128", F32, EX, 1, 4096, 0, 0, "LEET_FUSED_V4_OUT=128"},
      {"W fp32-exact 1x1024 out64", F32, EX, 1, 1024, 0, 0, "LEET_FUSED_V4_OUT=64"},
      {"W fp32-exact 1x1024 out128", F32, EX, 1, 1024, 0, 0, "LEET_FUSED_V4_OUT=128"},
      {"W fp32-exact 2x32768 out64", F32, EX, 2, 32768, 0, 0, "LEET_FUSED_V4_OUT=64"},
      {"W fp32-exact 2x32768 out128", F32, EX, 2, 32768, 0, 0, "LEET_FUSED_V4_OUT=128"},
      {"W fp32-exact 2x32768 out128 nopad", F32, EX, 2, 32768, 0, 0, "LEET_FUSED_V4_OUT=128 LEET_FUSED_PAD=0"},
      {"W fp32-exact 4x16384 out64", F32, EX, 4, 16384, 0, 0, "LEET_FUSED_V4_OUT=64"},
      {"W fp32-exact 4x16384 out128", F32, EX, 4, 16384, 0, 0, "LEET_FUSED_V4_OUT=128"},
      {"W fp32-exact 1x65536 out128 seg8192", F32, EX, 1, 65536, 8192, 3.0, "LEET_FUSED_V4_OUT=128"},
      {"W fp32-exact 1x65536 out128 seg16384 ksub8", F32, EX, 1, 65536, 16384, 3.0, "LEET_FUSED_V4_OUT=128 LEET_FUSED_KSUB=8"},
      {"W fp32-exact 1x65536 out128 seg16384 ksub2", F32, EX, 1, 65536, 16384, 3.0, "LEET_FUSED_V4_OUT=128 LEET_FUSED_KSUB=2"},
      {"W fp32-exact 1x8192 out64", F32, EX, 1, 8192, 0, 0, "LEET_FUSED_V4_OUT=64"},
      {"W fp32-exact 1x8192 out128", F32, EX, 1, 8192, 0, 0, "LEET_FUSED_V4_OUT=128"},
      {"W fp32-exact 4x4096 out64", F32, EX, 4, 4096, 0, 0, "LEET_FUSED_V4_OUT=64"},
      {"W fp32-exact 4x4096 out128", F32, EX, 4, 4096, 0, 0, "LEET_FUSED_V4_OUT=128"},
      {"W fp32-exact 2x4096 out64", F32, EX, 2, 4096, 0, 0, "LEET_FUSED_V4_OUT=64"},
      {"W fp32-exact 2x4096 out128", F32, EX, 2, 4096, 0, 0, "LEET_FUSED_V4_OUT=128"},
      {"W fp32-exact 1x2048 out64", F32, EX, 1, 2048, 0, 0, "LEET_FUSED_V4_OUT=64"},
      {"W fp32-exact 1x2048 out128", F32, EX, 1, 2048, 0, 0, "LEET_FUSED_V4_OUT=128"},
      {"W fp32-exact 2x8192 out64", F32, EX, 2, 8192, 0, 0, "LEET_FUSED_V4_OUT=64"},
      {"W fp32-exact 2x8192 out128", F32, EX, 2, 8192, 0, 0, "LEET_FUSED_V4_OUT=128"},
      {"W fp32-exact 2x16384 out64", F32, EX, 2, 16384, 0, 0, "LEET_FUSED_V4_OUT=64"},
      {"W fp32-exact 2x16384 out128", F32, EX, 2, 16384, 0, 0, "LEET_FUSED_V4_OUT=128"},
      {"W fp32-exact 1x65536 default", F32, EX, 1, 65536, 0, 3.0, ""},
      {"W fp32-exact 2x8192 default", F32, EX, 2, 8192, 0, 0, ""},
      {"W fp32-exact 2x4096 default", F32, EX, 2, 4096, 0, 0, ""},
      {"W fp32-exact 8x8192 default", F32, EX, 8, 8192, 0, 0, ""},
      {"W fp32-exact 1x4096 default", F32, EX, 1, 4096, 0, 0, ""},
      {"W fp32-exact 1x65536 out64 (2)", F32, EX, 1, 65536, 0, 3.0, "LEET_FUSED_V4_OUT=64"},
      {"W fp32-exact 1x65536 out128 (2)", F32, EX, 1, 65536, 0, 3.0, "LEET_FUSED_V4_OUT=128"},
      {"W fp32-exact 8x8192 out64 (2)", F32, EX, 8, 8192, 0, 0, "LEET_FUSED_V4_OUT=64"},
      {"W fp32-exact 8x8192 out128 (2)", F32, EX, 8, 8192, 0, 0, "LEET_FUSED_V4_OUT=128"},
      {"X L fp32-exact 1x65536", F32, EX, 1, 65536, 0, 0, "", 65536},
      {"X L fp32-exact 1x16384", F32, EX, 1, 16384, 0, 0, "", 16384},
      {"X L fp32-exact 1x1024", F32, EX, 1, 1024, 0, 0, "", 1024},
      {"X B fp32-exact 1x65536 c4096", F32, EX, 1, 65536, 0, 0, "", 4096},
      // output CTAs of 128 columns (V2Family, V3Family) against 64 (V2NFamily, V3NFamily), and the default
      {"N0 fp32-tf32 1x65536 out128", F32, TF, 1, 65536, 0, 1.5, "LEET_FUSED_OUT=128"},
      {"N0 fp32-tf32 1x65536 out64", F32, TF, 1, 65536, 0, 1.5, "LEET_FUSED_OUT=64"},
      {"N0 fp32-tf32 1x65536 default", F32, TF, 1, 65536, 0, 1.5, ""},
      {"N0 fp32-tf32 1x16384 out128", F32, TF, 1, 16384, 0, 0, "LEET_FUSED_OUT=128"},
      {"N0 fp32-tf32 1x16384 out64", F32, TF, 1, 16384, 0, 0, "LEET_FUSED_OUT=64"},
      {"N0 fp32-tf32 1x16384 default", F32, TF, 1, 16384, 0, 0, ""},
      {"N0 fp32-tf32 1x4096 out128", F32, TF, 1, 4096, 0, 0, "LEET_FUSED_OUT=128"},
      {"N0 fp32-tf32 1x4096 out64", F32, TF, 1, 4096, 0, 0, "LEET_FUSED_OUT=64"},
      {"N0 fp32-tf32 1x4096 default", F32, TF, 1, 4096, 0, 0, ""},
      {"N0 fp32-tf32 2x32768 out128", F32, TF, 2, 32768, 0, 0, "LEET_FUSED_OUT=128"},
      {"N0 fp32-tf32 2x32768 out64", F32, TF, 2, 32768, 0, 0, "LEET_FUSED_OUT=64"},
      {"N0 fp32-tf32 2x32768 default", F32, TF, 2, 32768, 0, 0, ""},
      {"N0 fp32-tf32 4x16384 out128", F32, TF, 4, 16384, 0, 0, "LEET_FUSED_OUT=128"},
      {"N0 fp32-tf32 4x16384 out64", F32, TF, 4, 16384, 0, 0, "LEET_FUSED_OUT=64"},
      {"N0 fp32-tf32 4x16384 default", F32, TF, 4, 16384, 0, 0, ""},
      {"N0 fp32-tf32 8x8192 out128", F32, TF, 8, 8192, 0, 0, "LEET_FUSED_OUT=128"},
      {"N0 fp32-tf32 8x8192 out64", F32, TF, 8, 8192, 0, 0, "LEET_FUSED_OUT=64"},
      {"N0 fp32-tf32 8x8192 default", F32, TF, 8, 8192, 0, 0, ""},
      {"N0 fp32-tf32 1x1024 out128", F32, TF, 1, 1024, 0, 0, "LEET_FUSED_OUT=128"},
      {"N0 fp32-tf32 1x1024 out64", F32, TF, 1, 1024, 0, 0, "LEET_FUSED_OUT=64"},
      {"N0 fp32-tf32 1x1024 default", F32, TF, 1, 1024, 0, 0, ""},
      {"N0 fp16 1x65536 out128", F16, TF, 1, 65536, 0, 0.75, "LEET_FUSED_OUT=128"},
      {"N0 fp16 1x65536 out64", F16, TF, 1, 65536, 0, 0.75, "LEET_FUSED_OUT=64"},
      {"N0 fp16 1x65536 default", F16, TF, 1, 65536, 0, 0.75, ""},
      {"N0 fp16 1x16384 out128", F16, TF, 1, 16384, 0, 0, "LEET_FUSED_OUT=128"},
      {"N0 fp16 1x16384 out64", F16, TF, 1, 16384, 0, 0, "LEET_FUSED_OUT=64"},
      {"N0 fp16 1x16384 default", F16, TF, 1, 16384, 0, 0, ""},
      {"N0 fp16 1x4096 out128", F16, TF, 1, 4096, 0, 0, "LEET_FUSED_OUT=128"},
      {"N0 fp16 1x4096 out64", F16, TF, 1, 4096, 0, 0, "LEET_FUSED_OUT=64"},
      {"N0 fp16 1x4096 default", F16, TF, 1, 4096, 0, 0, ""},
      {"N0 fp16 2x32768 out128", F16, TF, 2, 32768, 0, 0, "LEET_FUSED_OUT=128"},
      {"N0 fp16 2x32768 out64", F16, TF, 2, 32768, 0, 0, "LEET_FUSED_OUT=64"},
      {"N0 fp16 2x32768 default", F16, TF, 2, 32768, 0, 0, ""},
      {"N0 fp16 4x16384 out128", F16, TF, 4, 16384, 0, 0, "LEET_FUSED_OUT=128"},
      {"N0 fp16 4x16384 out64", F16, TF, 4, 16384, 0, 0, "LEET_FUSED_OUT=64"},
      {"N0 fp16 4x16384 default", F16, TF, 4, 16384, 0, 0, ""},
      {"N0 fp16 8x8192 out128", F16, TF, 8, 8192, 0, 0.75, "LEET_FUSED_OUT=128"},
      {"N0 fp16 8x8192 out64", F16, TF, 8, 8192, 0, 0.75, "LEET_FUSED_OUT=64"},
      {"N0 fp16 8x8192 default", F16, TF, 8, 8192, 0, 0.75, ""},
      {"N0 fp16 1x1024 out128", F16, TF, 1, 1024, 0, 0.03, "LEET_FUSED_OUT=128"},
      {"N0 fp16 1x1024 out64", F16, TF, 1, 1024, 0, 0.03, "LEET_FUSED_OUT=64"},
      {"N0 fp16 1x1024 default", F16, TF, 1, 1024, 0, 0.03, ""},
      // the state pass's deep kernel (six stages, one CTA per SM) against the three-stage one
      {"S fp16 1x65536 deep0", F16, TF, 1, 65536, 0, 0.75, "LEET_FUSED_STATE_DEEP=0"},
      {"S fp16 1x65536 default", F16, TF, 1, 65536, 0, 0.75, ""},
      {"S bf16 1x65536 deep0", BF, TF, 1, 65536, 0, 0.75, "LEET_FUSED_STATE_DEEP=0"},
      {"S bf16 1x65536 default", BF, TF, 1, 65536, 0, 0.75, ""},
      {"S fp16 1x65536 ksub2 deep0", F16, TF, 1, 65536, 0, 0.75, "LEET_FUSED_KSUB=2 LEET_FUSED_STATE_DEEP=0"},
      {"S fp16 1x65536 ksub2 deep1", F16, TF, 1, 65536, 0, 0.75, "LEET_FUSED_KSUB=2 LEET_FUSED_STATE_DEEP=1"},
      {"S fp16 1x16384 deep0", F16, TF, 1, 16384, 0, 0, "LEET_FUSED_STATE_DEEP=0"},
      {"S fp16 1x16384 default", F16, TF, 1, 16384, 0, 0, ""},
      {"S fp16 1x4096 deep0", F16, TF, 1, 4096, 0, 0, "LEET_FUSED_STATE_DEEP=0"},
      {"S fp16 1x4096 default", F16, TF, 1, 4096, 0, 0, ""},
      {"S fp16 2x32768 deep0", F16, TF, 2, 32768, 0, 0, "LEET_FUSED_STATE_DEEP=0"},
      {"S fp16 2x32768 default", F16, TF, 2, 32768, 0, 0, ""},
      // a short first segment (pad_plan) on version 3's 128-column CTAs, and without
      {"P fp32-tf32 1x65536 out128 nopad", F32, TF, 1, 65536, 0, 1.5, "LEET_FUSED_OUT=128 LEET_FUSED_PAD=0"},
      {"P fp32-tf32 1x65536 out128", F32, TF, 1, 65536, 0, 1.5, "LEET_FUSED_OUT=128"},
      {"P fp32-tf32 2x32768 out128 nopad", F32, TF, 2, 32768, 0, 0, "LEET_FUSED_OUT=128 LEET_FUSED_PAD=0"},
      {"P fp32-tf32 2x32768 out128", F32, TF, 2, 32768, 0, 0, "LEET_FUSED_OUT=128"},
      {"P fp32-tf32 1x16384 out128", F32, TF, 1, 16384, 0, 0, "LEET_FUSED_OUT=128"},
      {"N1 fp32-tf32 1x65536 out128", F32, TF, 1, 65536, 0, 1.5, "LEET_FUSED_OUT=128"},
      {"N1 fp32-tf32 1x65536 out64", F32, TF, 1, 65536, 0, 1.5, "LEET_FUSED_OUT=64"},
      {"N1 fp32-tf32 1x65536 default", F32, TF, 1, 65536, 0, 1.5, ""},
      {"N1 fp32-tf32 1x16384 out128", F32, TF, 1, 16384, 0, 0, "LEET_FUSED_OUT=128"},
      {"N1 fp32-tf32 1x16384 out64", F32, TF, 1, 16384, 0, 0, "LEET_FUSED_OUT=64"},
      {"N1 fp32-tf32 1x16384 default", F32, TF, 1, 16384, 0, 0, ""},
      {"N1 fp32-tf32 1x4096 out128", F32, TF, 1, 4096, 0, 0, "LEET_FUSED_OUT=128"},
      {"N1 fp32-tf32 1x4096 out64", F32, TF, 1, 4096, 0, 0, "LEET_FUSED_OUT=64"},
      {"N1 fp32-tf32 1x4096 default", F32, TF, 1, 4096, 0, 0, ""},
      {"N1 fp32-tf32 2x32768 out128", F32, TF, 2, 32768, 0, 0, "LEET_FUSED_OUT=128"},
      {"N1 fp32-tf32 2x32768 out64", F32, TF, 2, 32768, 0, 0, "LEET_FUSED_OUT=64"},
      {"N1 fp32-tf32 2x32768 default", F32, TF, 2, 32768, 0, 0, ""},
      {"N1 fp32-tf32 4x16384 out128", F32, TF, 4, 16384, 0, 0, "LEET_FUSED_OUT=128"},
      {"N1 fp32-tf32 4x16384 out64", F32, TF, 4, 16384, 0, 0, "LEET_FUSED_OUT=64"},
      {"N1 fp32-tf32 4x16384 default", F32, TF, 4, 16384, 0, 0, ""},
      {"N1 fp32-tf32 8x8192 out128", F32, TF, 8, 8192, 0, 0, "LEET_FUSED_OUT=128"},
      {"N1 fp32-tf32 8x8192 out64", F32, TF, 8, 8192, 0, 0, "LEET_FUSED_OUT=64"},
      {"N1 fp32-tf32 8x8192 default", F32, TF, 8, 8192, 0, 0, ""},
      {"N1 fp32-tf32 1x1024 out128", F32, TF, 1, 1024, 0, 0, "LEET_FUSED_OUT=128"},
      {"N1 fp32-tf32 1x1024 out64", F32, TF, 1, 1024, 0, 0, "LEET_FUSED_OUT=64"},
      {"N1 fp32-tf32 1x1024 default", F32, TF, 1, 1024, 0, 0, ""},
      {"N1 fp16 1x65536 out128", F16, TF, 1, 65536, 0, 0.75, "LEET_FUSED_OUT=128"},
      {"N1 fp16 1x65536 out64", F16, TF, 1, 65536, 0, 0.75, "LEET_FUSED_OUT=64"},
      {"N1 fp16 1x65536 default", F16, TF, 1, 65536, 0, 0.75, ""},
      {"N1 fp16 1x16384 out128", F16, TF, 1, 16384, 0, 0, "LEET_FUSED_OUT=128"},
      {"N1 fp16 1x16384 out64", F16, TF, 1, 16384, 0, 0, "LEET_FUSED_OUT=64"},
      {"N1 fp16 1x16384 default", F16, TF, 1, 16384, 0, 0, ""},
      {"N1 fp16 1x4096 out128", F16, TF, 1, 4096, 0, 0, "LEET_FUSED_OUT=128"},
      {"N1 fp16 1x4096 out64", F16, TF, 1, 4096, 0, 0, "LEET_FUSED_OUT=64"},
      {"N1 fp16 1x4096 default", F16, TF, 1, 4096, 0, 0, ""},
      {"N1 fp16 2x32768 out128", F16, TF, 2, 32768, 0, 0, "LEET_FUSED_OUT=128"},
      {"N1 fp16 2x32768 out64", F16, TF, 2, 32768, 0, 0, "LEET_FUSED_OUT=64"},
      {"N1 fp16 2x32768 default", F16, TF, 2, 32768, 0, 0, ""},
      {"N1 fp16 4x16384 out128", F16, TF, 4, 16384, 0, 0, "LEET_FUSED_OUT=128"},
      {"N1 fp16 4x16384 out64", F16, TF, 4, 16384, 0, 0, "LEET_FUSED_OUT=64"},
      {"N1 fp16 4x16384 default", F16, TF, 4, 16384, 0, 0, ""},
      {"N1 fp16 8x8192 out128", F16, TF, 8, 8192, 0, 0.75, "LEET_FUSED_OUT=128"},
      {"N1 fp16 8x8192 out64", F16, TF, 8, 8192, 0, 0.75, "LEET_FUSED_OUT=64"},
      {"N1 fp16 8x8192 default", F16, TF, 8, 8192, 0, 0.75, ""},
      {"N1 fp16 1x1024 out128", F16, TF, 1, 1024, 0, 0.03, "LEET_FUSED_OUT=128"},
      {"N1 fp16 1x1024 out64", F16, TF, 1, 1024, 0, 0.03, "LEET_FUSED_OUT=64"},
      {"N1 fp16 1x1024 default", F16, TF, 1, 1024, 0, 0.03, ""},
      {"N bf16 1x65536 out128", BF, TF, 1, 65536, 0, 0.75, "LEET_FUSED_OUT=128"},
      {"N bf16 1x65536 out64", BF, TF, 1, 65536, 0, 0.75, "LEET_FUSED_OUT=64"},
      {"N bf16 1x65536 default", BF, TF, 1, 65536, 0, 0.75, ""},
      {"N fp16 1x65536 out64 seg16384 k0", F16, TF, 1, 65536, 16384, 0.75, "LEET_FUSED_OUT=64"},
      {"N fp16 1x65536 out64 seg32768 k4", F16, TF, 1, 65536, 32768, 0.75, "LEET_FUSED_OUT=64 LEET_FUSED_KSUB=4"},
      {"N fp16 1x65536 out64 seg32768 k8", F16, TF, 1, 65536, 32768, 0.75, "LEET_FUSED_OUT=64 LEET_FUSED_KSUB=8"},
      {"N fp32-tf32 1x65536 out64 pdl", F32, TF, 1, 65536, 0, 1.5, "LEET_FUSED_OUT=64 LEET_FUSED_PDL=1"},
      // the 128-column TF32 kernels at 1x65536 (four segments): the state walk's split, and
      // the output kernel launched under the state kernel
      {"W fp32-tf32 1x65536 out128 k1", F32, TF, 1, 65536, 0, 1.5, "LEET_FUSED_OUT=128 LEET_FUSED_KSUB=1"},
      {"W fp32-tf32 1x65536 out128 k2", F32, TF, 1, 65536, 0, 1.5, "LEET_FUSED_OUT=128 LEET_FUSED_KSUB=2"},
      {"W fp32-tf32 1x65536 out128 k4", F32, TF, 1, 65536, 0, 1.5, "LEET_FUSED_OUT=128 LEET_FUSED_KSUB=4"},
      {"W fp32-tf32 1x65536 out128 k8", F32, TF, 1, 65536, 0, 1.5, "LEET_FUSED_OUT=128 LEET_FUSED_KSUB=8"},
      {"W fp32-tf32 1x65536 out128 k4 pdl", F32, TF, 1, 65536, 0, 1.5, "LEET_FUSED_OUT=128 LEET_FUSED_KSUB=4 LEET_FUSED_PDL=1"},
      {"W fp32-tf32 1x65536 default", F32, TF, 1, 65536, 0, 1.5, ""},
      {"fp16 1x65536 (repeat)", F16, TF, 1, 65536, 0, 0.75},
      {"fp16 1x1024 (repeat)", F16, TF, 1, 1024, 0, 0.03},
  };
  FILE* js = fopen(path, "w");
  fprintf(js, "{\"device\":\"%s\",\"sms\":%d,\"copy_bw\":%.4e,\"rows\":[\n", prop.name, prop.multiProcessorCount, bw);
  printf("%-24s %9s %9s %7s %8s %9s %10s %8s\n", "row", "ms", "floor", "ratio", "GB/s", "target", "err", "seg");
  bool firstrow = true;
  // FUSED_ROWS="a|b|...": only the rows whose label starts with one of the pieces
  const char* only = std::getenv("FUSED_ROWS");
  for (const Row& row : rows) {
    if (only && only[0] && !prefix_listed(only, row.label)) continue;
    AttnParams p;
    p.dtype = row.dt; p.precision = row.prec; p.B = row.B; p.H = H; p.N = row.N; p.r = r; p.d = d;
    p.scale = 1.0; p.decay_rate = rates.data();
    const size_t es = esize(row.dt);
    const size_t nq = row.B * H * row.N * r, nv = row.B * H * row.N * d;
    const size_t set_bytes = (2 * nq + 2 * nv) * es;
    const int nsets = std::max<int>(2, (int)std::min<size_t>(8, ((size_t)512 << 20) / set_bytes));
    std::vector<void*> bufs;
    for (int s = 0; s < nsets; ++s) {
      void *q, *k, *v, *o;
      CK(cudaMalloc(&q, nq * es)); CK(cudaMalloc(&k, nq * es)); CK(cudaMalloc(&v, nv * es)); CK(cudaMalloc(&o, nv * es));
      fill(q, nq, row.dt, 11 + 4 * s); fill(k, nq, row.dt, 12 + 4 * s); fill(v, nv, row.dt, 13 + 4 * s);
      CK(cudaMemset(o, 0xFF, nv * es));
      bufs.insert(bufs.end(), {q, k, v, o});
    }
    if (row.seg) setenv("LEET_FUSED_SEGMENT", std::to_string(row.seg).c_str(), 1); else unsetenv("LEET_FUSED_SEGMENT");
    unsetenv("LEET_FUSED_V1");
    unsetenv("LEET_FUSED_KSUB");
    unsetenv("LEET_FUSED_PDL");
    unsetenv("LEET_FUSED_V3");
    apply_env(row.env);
    Ctx ctx; ctx.set(p);
    auto launch = [&](int s) {
      p.q = bufs[4 * s]; p.k = bufs[4 * s + 1]; p.v = bufs[4 * s + 2]; p.o = bufs[4 * s + 3];
      if (row.sched > 0) {
        if (!cuda::launch_wgmma_schedule(p, ctx.lc, row.sched)) fprintf(stderr, "schedule not taken\n");
      } else {
        cuda::launch_fused(p, ctx.lc);
      }
    };
    for (int i = 0; i < 2 * nsets; ++i) launch(i % nsets);
    CK(cudaGetLastError());
    CK(cudaDeviceSynchronize());
    cudaEvent_t e0, e1; cudaEventCreate(&e0); cudaEventCreate(&e1);
    std::vector<double> t;
    const int reps = row.N * row.B >= 65536 ? 20 : 200;
    for (int i = 0; i < reps; ++i) {
      cudaEventRecord(e0);
      launch(i % nsets);
      cudaEventRecord(e1);
      cudaEventSynchronize(e1);
      float ms; cudaEventElapsedTime(&ms, e0, e1);
      t.push_back(ms);
    }
    CK(cudaGetLastError());
    const double med = median(t), mn = *std::min_element(t.begin(), t.end()), mx = *std::max_element(t.begin(), t.end());
    // error on two heads of batch 0 of set 0 (float64 recurrent)
    launch(0);
    CK(cudaDeviceSynchronize());
    double err = -1;
    if (!row.seg) {
      const int heads[2] = {0, (int)H - 1};
      const int64_t N = row.N;
      std::vector<double> num(2, 0), den(2, 0);
      std::vector<std::thread> th;
      for (int hi = 0; hi < 2; ++hi)
        th.emplace_back([&, hi] {
          const int h = heads[hi];
          const size_t off = (size_t)h * N;  // batch 0
          std::vector<unsigned char> hq(N * r * es), hk(N * r * es), hv(N * d * es), ho(N * d * es);
          CK(cudaMemcpy(hq.data(), (char*)bufs[0] + off * r * es, N * r * es, cudaMemcpyDeviceToHost));
          CK(cudaMemcpy(hk.data(), (char*)bufs[1] + off * r * es, N * r * es, cudaMemcpyDeviceToHost));
          CK(cudaMemcpy(hv.data(), (char*)bufs[2] + off * d * es, N * d * es, cudaMemcpyDeviceToHost));
          CK(cudaMemcpy(ho.data(), (char*)bufs[3] + off * d * es, N * d * es, cudaMemcpyDeviceToHost));
          std::vector<double> S(r * d, 0.0), qr(r), kr(r), vr(d);
          const double g = std::exp(-rates[h]);
          for (int64_t tt = 0; tt < N; ++tt) {
            for (int i = 0; i < r; ++i) { qr[i] = elem(hq.data(), row.dt, tt * r + i); kr[i] = elem(hk.data(), row.dt, tt * r + i); }
            for (int j = 0; j < d; ++j) vr[j] = elem(hv.data(), row.dt, tt * d + j);
            for (int i = 0; i < r; ++i) for (int j = 0; j < d; ++j) S[i * d + j] = g * S[i * d + j] + kr[i] * vr[j];
            for (int j = 0; j < d; ++j) {
              double acc = 0;
              for (int i = 0; i < r; ++i) acc += qr[i] * S[i * d + j];
              const double got = elem(ho.data(), row.dt, tt * d + j);
              num[hi] += std::isfinite(got) ? (acc - got) * (acc - got) : INFINITY;
              den[hi] += acc * acc;
            }
          }
        });
      for (auto& x : th) x.join();
      err = std::sqrt((num[0] + num[1]) / (den[0] + den[1]));
    }
    const double bytes = (double)set_bytes;
    const double floor_ms = bytes / bw * 1e3;
    const char* seg_env = getenv("LEET_FUSED_SEGMENT");
    printf("%-24s %9.4f %9.4f %7.2f %8.0f %9.3f %10.3e %8s\n", row.label, med, floor_ms, med / floor_ms,
           bytes / (med * 1e-3) / 1e9, row.target_ms, err, seg_env ? seg_env : "auto");
    fflush(stdout);
    fprintf(js, "%s{\"row\":\"%s\",\"ms\":%.5f,\"min_ms\":%.5f,\"max_ms\":%.5f,\"floor_ms\":%.5f,\"ratio\":%.3f,\"GBps\":%.1f,\"target_h200_ms\":%.3f,\"err\":%.3e,\"seg\":\"%s\"}",
            firstrow ? "" : ",\n", row.label, med, mn, mx, floor_ms, med / floor_ms, bytes / (med * 1e-3) / 1e9, row.target_ms, err,
            seg_env ? seg_env : "auto");
    firstrow = false;
    for (void* b : bufs) cudaFree(b);
  }
  fprintf(js, "\n]}\n");
  fclose(js);
  unsetenv("LEET_FUSED_SEGMENT");
}

// One issue-6 shape for the timing tools below: H = 32, r = d = 128 (FUSED_H=x, FUSED_D=x:
// H or d = x), scale 1, the bench's decay rates, the default kernels. Input sets are allocated and
// filled (seeds 1..3 + 4 set), and each launch is timed by CUDA events.
struct Timed {
  std::vector<double> rates;
  AttnParams p;
  size_t nq, nv;  // elements of q and k, of v and o
  Ctx ctx;
  cudaEvent_t e0, e1;
  static int64_t env_or(const char* name, int64_t def) {
    const char* v = std::getenv(name);
    return v && std::atoi(v) > 0 ? std::atoi(v) : def;
  }
  Timed(const std::string& dt, int64_t B, int64_t N) : rates(env_or("FUSED_H", 32)) {
    const int64_t H = (int64_t)rates.size(), d = env_or("FUSED_D", 128);
    for (int64_t h = 0; h < H; ++h) rates[h] = std::pow(2.0, -0.25 * (double)((h % 32) + 1));
    p.dtype = dt == "bf16" ? DType::BF16 : dt == "fp32" ? DType::F32 : DType::F16;
    p.precision = Precision::TF32;
    p.B = B; p.H = H; p.N = N; p.r = 128; p.d = d; p.scale = 1.0; p.decay_rate = rates.data();
    nq = (size_t)(B * H * N * 128);
    nv = (size_t)(B * H * N * d);
    ctx.set(p);
    cudaEventCreate(&e0); cudaEventCreate(&e1);
  }
  Timed(const Timed&) = delete;
  ~Timed() { cudaEventDestroy(e0); cudaEventDestroy(e1); }
  // q, k, v (filled) and o
  std::vector<void*> alloc(int set) const {
    std::vector<void*> b(4);
    for (int i = 0; i < 4; ++i) CK(cudaMalloc(&b[i], (i < 2 ? nq : nv) * esize(p.dtype)));
    for (int i = 0; i < 3; ++i) fill(b[i], i < 2 ? nq : nv, p.dtype, 1 + i + 4 * set);
    return b;
  }
  static void release(const std::vector<void*>& b) {
    for (void* x : b) CK(cudaFree(x));
  }
  double time(const std::vector<void*>& b) {
    p.q = b[0]; p.k = b[1]; p.v = b[2]; p.o = b[3];
    cudaEventRecord(e0);
    cuda::launch_fused(p, ctx.lc);
    cudaEventRecord(e1);
    cudaEventSynchronize(e1);
    float ms; cudaEventElapsedTime(&ms, e0, e1);
    return (double)ms;
  }
};

// Does a 1x65536 time follow its buffers? fp16, the default kernels. Four buffer sets;
// each timed 15 times in a row, then the sets in turn for 15 rounds; the buffers freed and
// allocated anew three times. Prints every time.
static void modes() {
  Timed tm("fp16", 1, 65536);
  constexpr int kSets = 4, kReps = 15;
  for (int alloc = 0; alloc < 3; ++alloc) {
    std::vector<std::vector<void*>> b;
    for (int s = 0; s < kSets; ++s) {
      b.push_back(tm.alloc(s));
      tm.time(b[s]);
    }
    CK(cudaDeviceSynchronize());
    for (int s = 0; s < kSets; ++s) {
      std::vector<double> t;
      for (int i = 0; i < kReps; ++i) t.push_back(tm.time(b[s]));
      printf("alloc %d set %d (q %p) in a row: median %.4f |", alloc, s, b[s][0], median(t));
      for (double x : t) printf(" %.3f", x);
      printf("\n");
    }
    std::vector<std::vector<double>> ts(kSets);
    for (int i = 0; i < kReps; ++i)
      for (int s = 0; s < kSets; ++s) ts[s].push_back(tm.time(b[s]));
    for (int s = 0; s < kSets; ++s) {
      printf("alloc %d set %d in turn: median %.4f |", alloc, s, median(ts[s]));
      for (double x : ts[s]) printf(" %.3f", x);
      printf("\n");
    }
    fflush(stdout);
    CK(cudaGetLastError());
    for (const auto& bs : b) Timed::release(bs);
  }
}

// Paired A/B under drifting clocks: launches alternate between the NAME=VALUE lists envA
// and envB (apply_env) on one buffer set, each timed by CUDA events; the ratio of each
// pair compares two launches a millisecond apart, under the same clock state.
static void pair(const std::string& dt, int64_t B, int64_t N, const char* envA, const char* envB, int pairs) {
  Timed tm(dt, B, N);
  const std::vector<void*> b = tm.alloc(0);
  auto time1 = [&](const char* env) {
    unsetenv("LEET_FUSED_SEGMENT");  // (the bench rows' knobs, which apply_env leaves alone)
    unsetenv("LEET_FUSED_KSUB");
    apply_env(env);
    return tm.time(b);
  };
  for (int i = 0; i < 3; ++i) { time1(envA); time1(envB); }
  std::vector<double> ta, tb, ratio;
  for (int i = 0; i < pairs; ++i) {
    const bool ab = i % 2 == 0;  // (the order alternates too)
    const double x = time1(ab ? envA : envB), y = time1(ab ? envB : envA);
    ta.push_back(ab ? x : y);
    tb.push_back(ab ? y : x);
    ratio.push_back(tb.back() / ta.back());
  }
  CK(cudaGetLastError());
  std::vector<double> rs = ratio;
  std::sort(rs.begin(), rs.end());
  printf("pair %s %lldx%lld H%lld d%lld  A[%s] %.4f  B[%s] %.4f  B/A median %.4f (quartiles %.4f %.4f), %d pairs\n", dt.c_str(),
         (long long)B, (long long)N, (long long)tm.p.H, (long long)tm.p.d, envA, median(ta), envB, median(tb), median(ratio), rs[rs.size() / 4],
         rs[3 * rs.size() / 4], pairs);
  fflush(stdout);
  apply_env("");
  Timed::release(b);
}

// The SM clock and the clock-event reasons through NVML (dlopen: no link to it; zero
// where it is missing).
struct Nvml {
  using Init = int (*)();
  using Handle = int (*)(unsigned, void**);
  using Clock = int (*)(void*, int, unsigned*);
  using Reasons = int (*)(void*, unsigned long long*);
  void* dev = nullptr;
  Clock clock = nullptr;
  Reasons reasons = nullptr;
  Nvml() {
    void* lib = dlopen("libnvidia-ml.so.1", RTLD_NOW);
    if (!lib) return;
    auto init = reinterpret_cast<Init>(dlsym(lib, "nvmlInit_v2"));
    auto handle = reinterpret_cast<Handle>(dlsym(lib, "nvmlDeviceGetHandleByIndex_v2"));
    clock = reinterpret_cast<Clock>(dlsym(lib, "nvmlDeviceGetClockInfo"));
    reasons = reinterpret_cast<Reasons>(dlsym(lib, "nvmlDeviceGetCurrentClocksEventReasons"));
    if (!reasons) reasons = reinterpret_cast<Reasons>(dlsym(lib, "nvmlDeviceGetCurrentClocksThrottleReasons"));
    if (!init || !handle || !clock || init() != 0 || handle(0, &dev) != 0) dev = nullptr;
  }
  unsigned sm_mhz() const {
    unsigned c = 0;
    if (dev) clock(dev, 1 /* NVML_CLOCK_SM */, &c);
    return c;
  }
  unsigned long long why() const {
    unsigned long long r = 0;
    if (dev && reasons) reasons(dev, &r);
    return r;
  }
};

// The time of one shape against the SM clock: `launches` back-to-back launches on one
// buffer set (long enough for the power limit to lower the clock), each timed by CUDA
// events and tagged with the SM clock read right after it. Prints the median time per
// clock, and the clock-event reasons seen (NVML bits: 0x4 software power cap).
static void clocks(const std::string& dt, int64_t B, int64_t N, int launches) {
  const Nvml nv;
  Timed tm(dt, B, N);
  const std::vector<void*> b = tm.alloc(0);
  std::map<unsigned, std::vector<double>> by;
  unsigned long long seen = 0;
  std::vector<double> all;
  for (int i = 0; i < launches; ++i) {
    const double ms = tm.time(b);
    const unsigned c = nv.sm_mhz();
    seen |= nv.why();
    if (i >= 3) {
      by[c].push_back(ms);
      all.push_back(ms);
    }
  }
  CK(cudaGetLastError());
  printf("clocks %s %lldx%lld: %zu launches, median %.4f ms, reasons seen 0x%llx\n", dt.c_str(), (long long)B,
         (long long)N, all.size(), median(all), seen);
  for (auto it = by.rbegin(); it != by.rend(); ++it) {
    std::vector<double> v = it->second;
    std::sort(v.begin(), v.end());
    printf("  SM %4u MHz: %5zu launches, median %.4f ms, min %.4f, max %.4f\n", it->first, v.size(), median(v), v.front(),
           v.back());
  }
  fflush(stdout);
  Timed::release(b);
}

int main(int argc, char** argv) {
  CK(cudaDeviceGetAttribute(&g_sms, cudaDevAttrMultiProcessorCount, 0));
  {  // the card and the numbers the launchers' rules read (out_narrow: the peak DRAM bandwidth)
    cudaDeviceProp prop;
    CK(cudaGetDeviceProperties(&prop, 0));
    fprintf(stderr, "device: %s, %d SMs, peak DRAM %.2f TB/s (memory clock x bus width)\n", prop.name, g_sms,
            cuda::peak_dram_tbs(0));
  }
  const std::string mode = argc > 1 ? argv[1] : "check";
  if (mode == "check") return check(argc > 2 ? argv[2] : "check.json") ? 1 : 0;
  if (mode == "bench") { bench(argc > 2 ? argv[2] : "bench.json"); return 0; }
  if (mode == "modes") { modes(); return 0; }
  if (mode == "clocks" && argc >= 5) {
    clocks(argv[2], std::atoll(argv[3]), std::atoll(argv[4]), argc > 5 ? std::atoi(argv[5]) : 3000);
    return 0;
  }
  if (mode == "pair" && argc >= 7) {
    pair(argv[2], std::atoll(argv[3]), std::atoll(argv[4]), argv[5], argv[6], argc > 7 ? std::atoi(argv[7]) : 100);
    return 0;
  }
  if (mode == "profile" || mode == "profile32" || mode == "profile1p" || mode == "profilex" || mode == "profile32l" ||
      mode == "profile16l") {
    // for ncu: fp16 (or fp32 TF32) 8x8192, one segment; profile1p: fp16 1x65536 (the
    // default two launches; single pass with LEET_FUSED_SINGLE=1; profile16l: the same);
    // profile32l: fp32 TF32 1x65536; profilex: fp32 exact 1x16384 (version 4; LEET_FUSED_V4=0: v3x), the segment
    // model's length (LEET_FUSED_SEGMENT to set one)
    const bool x = mode == "profilex", l32 = mode == "profile32l";
    const bool f32 = mode == "profile32" || x || l32, one = mode == "profile1p" || mode == "profile16l" || x || l32;
    const int64_t B = one ? 1 : 8, H = 32, N = x ? 16384 : one ? 65536 : 8192, r = 128, d = 128;
    std::vector<double> rates(H);
    for (int h = 0; h < H; ++h) rates[h] = std::pow(2.0, -0.25 * (h + 1));
    AttnParams p;
    p.dtype = f32 ? DType::F32 : DType::F16; p.precision = x ? Precision::Exact : Precision::TF32;
    p.B = B; p.H = H; p.N = N; p.r = r; p.d = d; p.decay_rate = rates.data();
    void *q, *k, *v, *o;
    const size_t n = B * H * N * r, es = f32 ? 4 : 2;
    CK(cudaMalloc(&q, n * es)); CK(cudaMalloc(&k, n * es)); CK(cudaMalloc(&v, n * es)); CK(cudaMalloc(&o, n * es));
    fill(q, n, p.dtype, 1); fill(k, n, p.dtype, 2); fill(v, n, p.dtype, 3);
    p.q = q; p.k = k; p.v = v; p.o = o;
    Ctx ctx; ctx.set(p);
    for (int i = 0; i < 3; ++i) cuda::launch_fused(p, ctx.lc);
    CK(cudaDeviceSynchronize());
    return 0;
  }
  if (mode == "prof1p") {  // the single pass's per-CTA timeline (LEET_FUSED_PROF), fp16 1x65536
    const int64_t B = 1, H = 32, r = 128, d = 128;
    std::vector<double> rates(H);
    for (int h = 0; h < H; ++h) rates[h] = std::pow(2.0, -0.25 * (h + 1));
    for (int64_t N : {65536, 16384}) {
      AttnParams p;
      p.dtype = DType::F16; p.precision = Precision::TF32;
      p.B = B; p.H = H; p.N = N; p.r = r; p.d = d; p.decay_rate = rates.data();
      void *q, *k, *v, *o;
      const size_t n = B * H * N * r, es = 2;
      CK(cudaMalloc(&q, n * es)); CK(cudaMalloc(&k, n * es)); CK(cudaMalloc(&v, n * es)); CK(cudaMalloc(&o, n * es));
      fill(q, n, p.dtype, 1); fill(k, n, p.dtype, 2); fill(v, n, p.dtype, 3);
      p.q = q; p.k = k; p.v = v; p.o = o;
      Ctx ctx; ctx.set(p);
      setenv("LEET_FUSED_SINGLE", "1", 1);
      for (const char* seg : {"256", "512", "2048"}) {
        setenv("LEET_FUSED_SINGLE_SEG", seg, 1);
        unsetenv("LEET_FUSED_PROF");
        cuda::launch_fused(p, ctx.lc);
        CK(cudaDeviceSynchronize());
        setenv("LEET_FUSED_PROF", "1", 1);
        fprintf(stderr, "N=%lld ", (long long)N);
        cuda::launch_fused(p, ctx.lc);
        CK(cudaDeviceSynchronize());
      }
      unsetenv("LEET_FUSED_PROF");
      cudaFree(q); cudaFree(k); cudaFree(v); cudaFree(o);
    }
    return 0;
  }
  fprintf(stderr, "usage: fused_bench check|bench [out.json] | modes (1x65536 times by buffer set) | pair fp16|bf16|fp32 B N envA envB [pairs] | clocks fp16|bf16|fp32 B N [launches] | profile|profile32|profile1p|profilex (for ncu) | prof1p (single-pass timeline)\n");
  return 2;
}
