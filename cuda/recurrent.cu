// Recurrent method (causal dot product, Katharopoulos et al. 2020 / fast-transformers):
//   S <- gamma S + k_i^T v_i ;  o_i = scale q_i S,  token by token.
// One CTA per (sequence, head, 32 or 64 output columns); thread (row group w, lane j)
// holds S[16w .. 16w+15][j] (or columns 2j, 2j+1) in registers, so the state is parallel over r x d and the walk is
// sequential in N. Tokens arrive 32 at a time through a two-stage cp.async pipeline
// (the next tile streams in while the current one is scanned), are widened to float
// once per tile, and the row groups' partial q.S sums are reduced in shared memory.
// Exact: float32 FMA throughout (no tensor cores). gamma is applied as its float
// rounding per token and corrected once per tile by (gamma / gamma_float)^tile (from
// double), so its rounding does not compound over long decay windows (this replaced a
// third FMA per state element and token: H200 f32 8x8192). Packed sequences are
// supported.
//
// Short inputs (N <= 4, a decode step) take the single-launch kernels of
// recurrent_decode.cu, which return the same bits as this scan. The scan reads each
// state element before it writes it, from the same thread, so initial_state and
// final_state may be the same buffer here too.
#include <cstdlib>

#include "common.cuh"

namespace leet::cuda {
namespace {

constexpr int RPT = 16;  // state rows per thread

// CPT: state columns per thread (1 or 2). Every k and q value a warp reads from shared
// memory (a broadcast) feeds CPT columns, so CPT = 2 halves the shared-memory loads per
// FMA; it is used when there are enough CTAs to fill the GPU with 64-column slices.
// Tokens per tile TT = 32 / CPT keeps the shared memory per CTA at about the same size.
template <int CPT> constexpr int tile_tokens() { return 32 / CPT; }

template <class T> struct ScanK {
  const T* q; const T* k; const T* v; T* o;
  const float* decay; const float* sin; float* sout;
  SegSpec segs; int64_t H, N; int r, d; float scale; int aligned;
};

// Shared memory: raw tiles [2 stages][k | q | v] in T, float copies (16-bit T only),
// partial sums [groups][TT][CPT][33].
struct ScanLayout { int raw, rawstage, fl, part, total; };
template <class T, int CPT>
__host__ __device__ inline ScanLayout scan_layout(int groups) {
  constexpr int TT = tile_tokens<CPT>(), W = 32 * CPT;
  const int ldk = groups * RPT;
  const int tile = 2 * TT * ldk + TT * W;  // elements of one tile (k, q, v)
  ScanLayout L;
  L.rawstage = tile * (int)sizeof(T);
  L.raw = 0;
  L.fl = 2 * L.rawstage;
  L.part = L.fl + (sizeof(T) == 4 ? 0 : tile * 4);
  L.total = L.part + groups * TT * CPT * 33 * 4;
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

template <class T, bool EMIT, int CPT>
__global__ void __launch_bounds__(512, 1) scan_kernel(const ScanK<T> kp) {
  constexpr int EPV = 16 / (int)sizeof(T);
  constexpr int TT = tile_tokens<CPT>(), W = 32 * CPT;  // tokens per tile, columns per CTA
  extern __shared__ __align__(16) unsigned char smem[];
  // blockIdx.x = segment * slices + slice (slices of one head share Q/K in L2)
  const int nsl = (kp.d + W - 1) / W;
  const int64_t segi = blockIdx.x / nsl;
  int64_t b, t0, len;
  if (!seg_get(kp.segs, segi, kp.N, b, t0, len)) return;
  const int h = blockIdx.y, col0 = (int)(blockIdx.x % nsl) * W;
  const int nthr = blockDim.x, groups = nthr >> 5, ldk = groups * RPT;
  const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
  const int r = kp.r, d = kp.d, col = col0 + lane * CPT, rb = warp * RPT;  // columns col .. col+CPT-1
  const ScanLayout L = scan_layout<T, CPT>(groups);
  float* part = reinterpret_cast<float*>(smem + L.part);
  const double gd = exp(-(double)kp.decay[h]);
  const float ghi = (float)gd;
  // The state decays by the float ghi at every token; its rounding error would compound
  // (relative 2^-24 per token). After each tile of n tokens the state is corrected by
  // (gd / ghi)^n, applied as y += y * cm1 with cm1 = (gd / ghi)^n - 1 formed in double:
  // no error compounds across tiles, and each term keeps at most n * 2^-24 (< 1e-6).
  const double rel = ghi >= 1.17549435e-38f ? log1p((gd - (double)ghi) / (double)ghi) : 0.0;  // normal ghi
  const float cm1_full = (float)expm1(rel * TT);
  const bool comp = cm1_full != 0.f;
  const int64_t rowbase = (b * kp.H + h) * kp.N + t0;
  const int64_t sbase = (segi * kp.H + h) * r;
  float y[RPT][CPT];
#pragma unroll
  for (int kk = 0; kk < RPT; ++kk)
#pragma unroll
    for (int c = 0; c < CPT; ++c)
      y[kk][c] = (kp.sin && rb + kk < r && col + c < d) ? kp.sin[(sbase + rb + kk) * d + col + c] : 0.f;

  // tile layout inside a stage: k [TT][ldk], q [TT][ldk], v [TT][W]
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
      constexpr int vv = W / EPV;
      for (int idx = tid; idx < TT * vv; idx += nthr) {
        const int i = idx / vv, c = (idx % vv) * EPV;
        const bool ok = i < tl && col0 + c < d;
        cp_async16(vt + i * W + c, kp.v + (ok ? (row0 + i) * d + col0 + c : 0), ok ? 16 : 0);
      }
    } else {
      const T zero = Num<T>::from_f(0.f);
      for (int idx = tid; idx < TT * ldk; idx += nthr) {
        const int i = idx / ldk, c = idx % ldk;
        const bool ok = i < tl && c < r;
        kt[idx] = ok ? kp.k[(row0 + i) * r + c] : zero;
        if (EMIT) qt[idx] = ok ? kp.q[(row0 + i) * r + c] : zero;
      }
      for (int idx = tid; idx < TT * W; idx += nthr) {
        const int i = idx / W, c = idx % W;
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
    const float* kf;
    const float* qf;
    const float* vf;
    if constexpr (sizeof(T) == 4) {
      kf = reinterpret_cast<const float*>(kraw);
      qf = kf + TT * ldk;
      vf = qf + TT * ldk;
    } else {
      float* fl = reinterpret_cast<float*>(smem + L.fl);
      const int n = (EMIT ? 2 : 1) * TT * ldk;
      for (int idx = tid; idx < n; idx += nthr) fl[idx] = Num<T>::to_f(kraw[idx]);
      for (int idx = tid; idx < TT * W; idx += nthr) fl[2 * TT * ldk + idx] = Num<T>::to_f(kraw[2 * TT * ldk + idx]);
      kf = fl;
      qf = fl + TT * ldk;
      vf = fl + 2 * TT * ldk;
      __syncthreads();
    }
    {
#pragma unroll 1
      for (int i = 0; i < tl; ++i) {
        float vv[CPT];
        if constexpr (CPT == 2) {
          const float2 v2 = *reinterpret_cast<const float2*>(vf + i * W + lane * 2);
          vv[0] = v2.x;
          vv[1] = v2.y;
        } else {
          vv[0] = vf[i * W + lane];
        }
        float kx[8], qx[8];
        float o[CPT][4];
#pragma unroll
        for (int c = 0; c < CPT; ++c) o[c][0] = o[c][1] = o[c][2] = o[c][3] = 0.f;
#pragma unroll
        for (int hh = 0; hh < RPT / 8; ++hh) {
          load8f<float>(kf + i * ldk + rb + 8 * hh, kx);
          if (EMIT) load8f<float>(qf + i * ldk + rb + 8 * hh, qx);
#pragma unroll
          for (int e = 0; e < 8; ++e)
#pragma unroll
            for (int c = 0; c < CPT; ++c) {
              float& yy = y[8 * hh + e][c];
              yy = fmaf(ghi, yy, kx[e] * vv[c]);
              if (EMIT) o[c][e & 3] = fmaf(qx[e], yy, o[c][e & 3]);
            }
        }
        if (EMIT)
#pragma unroll
          for (int c = 0; c < CPT; ++c) part[((warp * TT + i) * CPT + c) * 33 + lane] = (o[c][0] + o[c][1]) + (o[c][2] + o[c][3]);
      }
    }
    if (comp) {  // the per-tile correction of the rounded gamma (see above)
      const float cm1 = tl == TT ? cm1_full : (float)expm1(rel * tl);
#pragma unroll
      for (int kk = 0; kk < RPT; ++kk)
#pragma unroll
        for (int c = 0; c < CPT; ++c) y[kk][c] = fmaf(y[kk][c], cm1, y[kk][c]);
    }
    if (EMIT) {
      __syncthreads();
      for (int idx = tid; idx < tl * W; idx += nthr) {
        const int i = idx / W, cc = idx % W, c = cc % CPT, ln = cc / CPT;
        if (col0 + cc < d) {
          float sum = 0.f;
          for (int gg = 0; gg < groups; ++gg) sum += part[((gg * TT + i) * CPT + c) * 33 + ln];
          stf(kp.o + (row0 + i) * d + col0 + cc, kp.scale * sum);
        }
      }
    }
  }
  if (kp.sout) {
#pragma unroll
    for (int kk = 0; kk < RPT; ++kk)
#pragma unroll
      for (int c = 0; c < CPT; ++c)
        if (rb + kk < r && col + c < d) kp.sout[(sbase + rb + kk) * d + col + c] = y[kk][c];
  }
}

template <class T, bool EMIT, int CPT>
void launch_scan(const AttnParams& p, const LaunchContext& ctx, const SegSpec& segs, const float* sin,
                 float* sout) {
  const int groups = (int)ceil_div(p.r, RPT);
  const int smem = scan_layout<T, CPT>(groups).total;
  auto kern = scan_kernel<T, EMIT, CPT>;
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
  dim3 grid((unsigned)(segs.count * ceil_div(p.d, 32 * CPT)), (unsigned)p.H);
  kern<<<grid, groups * 32, smem, ctx.stream>>>(kp);
}

// Columns per thread: 2 when 64-column slices still give every SM two CTAs (developer
// override: LEET_CUDA_SCAN_CPT=1|2).
int scan_cpt(const AttnParams& p, const LaunchContext& ctx, const SegSpec& segs) {
  if (const char* e = getenv("LEET_CUDA_SCAN_CPT")) {
    if (e[0] == '1') return 1;
    if (e[0] == '2') return 2;
  }
  return (p.d > 32 && segs.count * p.H * ceil_div(p.d, 64) >= 2 * (int64_t)ctx.multiprocessors) ? 2 : 1;
}

}  // namespace

void scan_tokens(const AttnParams& p, const LaunchContext& ctx, const SegSpec& segs, bool emit,
                 const float* state_in, float* state_out) {
  if (segs.count <= 0) return;
  const int cpt = scan_cpt(p, ctx, segs);
  LEET_CUDA_DISPATCH(p.dtype, T, {
    if (cpt == 2) {
      if (emit) launch_scan<T, true, 2>(p, ctx, segs, state_in, state_out);
      else launch_scan<T, false, 2>(p, ctx, segs, state_in, state_out);
    } else {
      if (emit) launch_scan<T, true, 1>(p, ctx, segs, state_in, state_out);
      else launch_scan<T, false, 1>(p, ctx, segs, state_in, state_out);
    }
  });
}

void launch_recurrent(const AttnParams& p, const LaunchContext& ctx) {
  if (launch_recurrent_short(p, ctx)) return;
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
