// Recurrent method (causal dot product, Katharopoulos et al. 2020 / fast-transformers):
//   S <- gamma S + k_i^T v_i ;  o_i = scale q_i S,  token by token.
// One CTA per (sequence, head, 32 output columns); thread (row group w, column j) holds
// S[16w .. 16w+15][j] in registers, so the state is parallel over r x d and the walk is
// sequential in N. Tokens arrive 32 at a time through a two-stage cp.async pipeline
// (the next tile streams in while the current one is scanned), are widened to float
// once per tile, and the row groups' partial q.S sums are reduced in shared memory.
// Exact: float32 FMA throughout (no tensor cores). gamma is applied as a compensated
// pair (gamma_hi + gamma_lo, from exp in double) so that the float32 rounding of gamma
// does not compound over long decay windows. Packed sequences are supported.
#include "common.cuh"

namespace leet::cuda {
namespace {

constexpr int TT = 32;   // tokens per tile
constexpr int RPT = 16;  // state rows per thread

template <class T> struct ScanK {
  const T* q; const T* k; const T* v; T* o;
  const float* decay; const float* sin; float* sout;
  SegSpec segs; int64_t H, N; int r, d; float scale; int aligned;
};

// Shared memory: raw tiles [2 stages][k | q | v] in T, float copies (16-bit T only),
// partial sums [groups][TT][33].
struct ScanLayout { int raw, rawstage, fl, part, total; };
template <class T>
__host__ __device__ inline ScanLayout scan_layout(int groups) {
  const int ldk = groups * RPT;
  const int tile = 2 * TT * ldk + TT * 32;  // elements of one tile (k, q, v)
  ScanLayout L;
  L.rawstage = tile * (int)sizeof(T);
  L.raw = 0;
  L.fl = 2 * L.rawstage;
  L.part = L.fl + (sizeof(T) == 4 ? 0 : tile * 4);
  L.total = L.part + groups * TT * 33 * 4;
  return L;
}

template <class T>
__device__ __forceinline__ void load8f(const T* p, float (&x)[8]) {
  if constexpr (sizeof(T) == 4) {
    const float4 a = reinterpret_cast<const float4*>(p)[0], b = reinterpret_cast<const float4*>(p)[1];
    x[0] = a.x; x[1] = a.y; x[2] = a.z; x[3] = a.w; x[4] = b.x; x[5] = b.y; x[6] = b.z; x[7] = b.w;
  } else {
    const float4 a = *reinterpret_cast<const float4*>(p);
    const T* e = reinterpret_cast<const T*>(&a);
#pragma unroll
    for (int i = 0; i < 8; ++i) x[i] = Num<T>::to_f(e[i]);
  }
}

template <class T, bool EMIT>
__global__ void __launch_bounds__(512) scan_kernel(const ScanK<T> kp) {
  constexpr int EPV = 16 / (int)sizeof(T);
  extern __shared__ __align__(16) unsigned char smem[];
  // blockIdx.x = segment * slices + slice (slices of one head share Q/K in L2)
  const int nsl = (kp.d + 31) / 32;
  const int64_t segi = blockIdx.x / nsl;
  int64_t b, t0, len;
  if (!seg_get(kp.segs, segi, kp.N, b, t0, len)) return;
  const int h = blockIdx.y, col0 = (int)(blockIdx.x % nsl) * 32;
  const int nthr = blockDim.x, groups = nthr >> 5, ldk = groups * RPT;
  const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
  const int r = kp.r, d = kp.d, col = col0 + lane, rb = warp * RPT;
  const ScanLayout L = scan_layout<T>(groups);
  float* part = reinterpret_cast<float*>(smem + L.part);
  const double gd = exp(-(double)kp.decay[h]);
  const float ghi = (float)gd, glo = (float)(gd - (double)ghi);
  // The float32 rounding of gamma compounds to a relative error of about
  // 2^-24 / (e s) in the output; the compensation term is needed only for slow decay.
  const bool comp = kp.decay[h] < 0.02f && glo != 0.f;
  const int64_t rowbase = (b * kp.H + h) * kp.N + t0;
  const int64_t sbase = (segi * kp.H + h) * r;
  float y[RPT];
#pragma unroll
  for (int kk = 0; kk < RPT; ++kk)
    y[kk] = (kp.sin && rb + kk < r && col < d) ? kp.sin[(sbase + rb + kk) * d + col] : 0.f;

  // tile layout inside a stage: k [TT][ldk], q [TT][ldk], v [TT][32]
  auto load_tile = [&](int64_t tile, int stg) {
    T* kt = reinterpret_cast<T*>(smem + L.raw + stg * L.rawstage);
    T* qt = kt + TT * ldk;
    T* vt = qt + TT * ldk;
    const int tl = (int)(len - tile < TT ? len - tile : TT);
    const int64_t row0 = rowbase + tile;
    if (kp.aligned) {
      const int vr = ldk / EPV;
      for (int idx = tid; idx < TT * vr; idx += nthr) {
        const int i = idx / vr, c = (idx % vr) * EPV;
        const bool ok = i < tl && c < r;
        const int64_t off = ok ? (row0 + i) * r + c : 0;
        cp_async16(kt + i * ldk + c, kp.k + off, ok ? 16 : 0);
        if (EMIT) cp_async16(qt + i * ldk + c, kp.q + off, ok ? 16 : 0);
      }
      constexpr int vv = 32 / EPV;
      for (int idx = tid; idx < TT * vv; idx += nthr) {
        const int i = idx / vv, c = (idx % vv) * EPV;
        const bool ok = i < tl && col0 + c < d;
        cp_async16(vt + i * 32 + c, kp.v + (ok ? (row0 + i) * d + col0 + c : 0), ok ? 16 : 0);
      }
    } else {
      const T zero = Num<T>::from_f(0.f);
      for (int idx = tid; idx < TT * ldk; idx += nthr) {
        const int i = idx / ldk, c = idx % ldk;
        const bool ok = i < tl && c < r;
        kt[idx] = ok ? kp.k[(row0 + i) * r + c] : zero;
        if (EMIT) qt[idx] = ok ? kp.q[(row0 + i) * r + c] : zero;
      }
      for (int idx = tid; idx < TT * 32; idx += nthr) {
        const int i = idx >> 5, c = idx & 31;
        vt[idx] = (i < tl && col0 + c < d) ? kp.v[(row0 + i) * d + col0 + c] : zero;
      }
    }
  };

  const int64_t ntiles = ceil_div(len, TT);
  load_tile(0, 0);
  cp_async_commit();
  for (int64_t ti = 0; ti < ntiles; ++ti) {
    const int stg = (int)(ti & 1);
    const int64_t tile = ti * TT;
    const int tl = (int)(len - tile < TT ? len - tile : TT);
    const int64_t row0 = rowbase + tile;
    cp_async_wait_all();
    __syncthreads();  // tile ti visible; the other stage and the float tile are free
    if (ti + 1 < ntiles) load_tile(tile + TT, stg ^ 1);
    cp_async_commit();
    const T* kraw = reinterpret_cast<const T*>(smem + L.raw + stg * L.rawstage);
    const T* kt;
    const T* qt;
    const T* vt;
    const float* kf;
    const float* qf;
    const float* vf;
    if constexpr (sizeof(T) == 4) {
      kf = reinterpret_cast<const float*>(kraw);
      qf = kf + TT * ldk;
      vf = qf + TT * ldk;
      (void)kt; (void)qt; (void)vt;
    } else {
      float* fl = reinterpret_cast<float*>(smem + L.fl);
      const int n = (EMIT ? 2 : 1) * TT * ldk;
      for (int idx = tid; idx < n; idx += nthr) fl[idx] = Num<T>::to_f(kraw[idx]);
      for (int idx = tid; idx < TT * 32; idx += nthr) fl[2 * TT * ldk + idx] = Num<T>::to_f(kraw[2 * TT * ldk + idx]);
      kf = fl;
      qf = fl + TT * ldk;
      vf = fl + 2 * TT * ldk;
      __syncthreads();
    }
    auto scan_tile = [&](auto comp_tag) {
      constexpr bool COMP = decltype(comp_tag)::value;
#pragma unroll 1
    for (int i = 0; i < tl; ++i) {
      const float vv = vf[i * 32 + lane];
      float kx[8], qx[8];
      float o0 = 0.f, o1 = 0.f, o2 = 0.f, o3 = 0.f;
#pragma unroll
      for (int hh = 0; hh < RPT / 8; ++hh) {
        load8f<float>(kf + i * ldk + rb + 8 * hh, kx);
        if (EMIT) load8f<float>(qf + i * ldk + rb + 8 * hh, qx);
#pragma unroll
        for (int c = 0; c < 8; ++c) {
          float& yy = y[8 * hh + c];
          yy = COMP ? fmaf(ghi, yy, fmaf(glo, yy, kx[c] * vv)) : fmaf(ghi, yy, kx[c] * vv);
        }
        if (EMIT) {
          o0 = fmaf(qx[0], y[8 * hh + 0], o0); o1 = fmaf(qx[1], y[8 * hh + 1], o1);
          o2 = fmaf(qx[2], y[8 * hh + 2], o2); o3 = fmaf(qx[3], y[8 * hh + 3], o3);
          o0 = fmaf(qx[4], y[8 * hh + 4], o0); o1 = fmaf(qx[5], y[8 * hh + 5], o1);
          o2 = fmaf(qx[6], y[8 * hh + 6], o2); o3 = fmaf(qx[7], y[8 * hh + 7], o3);
        }
      }
      if (EMIT) part[(warp * TT + i) * 33 + lane] = (o0 + o1) + (o2 + o3);
    }
    };
    if (comp) scan_tile(std::true_type{});
    else scan_tile(std::false_type{});
    if (EMIT) {
      __syncthreads();
      for (int idx = tid; idx < tl * 32; idx += nthr) {
        const int i = idx >> 5, c = idx & 31;
        if (col0 + c < d) {
          float sum = 0.f;
          for (int gg = 0; gg < groups; ++gg) sum += part[(gg * TT + i) * 33 + c];
          stf(kp.o + (row0 + i) * d + col0 + c, kp.scale * sum);
        }
      }
    }
  }
  if (kp.sout && col < d) {
#pragma unroll
    for (int kk = 0; kk < RPT; ++kk)
      if (rb + kk < r) kp.sout[(sbase + rb + kk) * d + col] = y[kk];
  }
}

template <class T, bool EMIT>
void launch_scan(const AttnParams& p, const LaunchContext& ctx, const SegSpec& segs, const float* sin,
                 float* sout) {
  const int groups = (int)ceil_div(p.r, RPT);
  const int smem = scan_layout<T>(groups).total;
  auto kern = scan_kernel<T, EMIT>;
  cuda_check(cudaFuncSetAttribute(kern, cudaFuncAttributeMaxDynamicSharedMemorySize, smem),
             "cudaFuncSetAttribute");
  ScanK<T> kp;
  kp.q = static_cast<const T*>(p.q); kp.k = static_cast<const T*>(p.k); kp.v = static_cast<const T*>(p.v);
  kp.o = static_cast<T*>(p.o);
  kp.decay = ctx.decay_rate; kp.sin = sin; kp.sout = sout;
  kp.segs = segs; kp.H = p.H; kp.N = p.N; kp.r = (int)p.r; kp.d = (int)p.d; kp.scale = (float)p.scale;
  constexpr int EPV = 16 / (int)sizeof(T);
  auto al = [](const void* ptr) { return (reinterpret_cast<uintptr_t>(ptr) & 15) == 0; };
  kp.aligned = (p.r % EPV == 0) && (p.d % EPV == 0) && al(p.q) && al(p.k) && al(p.v);
  dim3 grid((unsigned)(segs.count * ceil_div(p.d, 32)), (unsigned)p.H);
  kern<<<grid, groups * 32, smem, ctx.stream>>>(kp);
}

}  // namespace

void scan_tokens(const AttnParams& p, const LaunchContext& ctx, const SegSpec& segs, bool emit,
                 const float* state_in, float* state_out) {
  if (segs.count <= 0) return;
  LEET_CUDA_DISPATCH(p.dtype, T, {
    if (emit) launch_scan<T, true>(p, ctx, segs, state_in, state_out);
    else launch_scan<T, false>(p, ctx, segs, state_in, state_out);
  });
}

void launch_recurrent(const AttnParams& p, const LaunchContext& ctx) {
  SegSpec segs;
  if (p.cu_seqlens) {
    std::vector<SegInfo> tab = varlen_segments(p, p.N, nullptr);
    SegInfo* dev = static_cast<SegInfo*>(ctx.scratch(tab.size() * sizeof(SegInfo)));
    upload(dev, tab.data(), tab.size() * sizeof(SegInfo), ctx.stream);
    segs.table = dev;
    segs.count = (int64_t)tab.size();
  } else {
    segs = analytic_segments(p, p.N, p.N, 0, 1);
  }
  scan_tokens(p, ctx, segs, /*emit=*/true, p.initial_state, p.final_state);
}

}  // namespace leet::cuda
