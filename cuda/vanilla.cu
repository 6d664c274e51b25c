// Vanilla method (the definition): P = (Q K^T) . M with M[i][j] = scale gamma^(i-j) for
// j <= i (else 0) materialised in scratch, then O = P V. Both products on tensor cores
// (fp16/bf16 operands, float32 accumulation; float32 inputs follow p.precision: Exact =
// 3xTF32, TF32 = one TF32 product; policy SPLIT in common.cuh). P is stored in the input
// type (float32 for float32 inputs; for fp16 that bounds |P| by 65504, i.e. inputs with
// scale |q.k| above it overflow: use bf16 or float32 for them). Quadratic in N: rows are processed in
// panels so that P never needs more than ~1 GiB of scratch; tiles above the diagonal are
// neither computed nor read.
// Initial state: its term gamma^(i+1) q_i S_init is added on a float32 copy of O by the
// shared chunk walker; final state by the chunk walker's state pass.
// Packed sequences (cu_seqlens) are not supported by this method on CUDA.
#include "common.cuh"

namespace leet::cuda {
namespace {

constexpr int VT = 256;
constexpr int64_t kMaxGridZ = 65535;

template <class T> struct VK {
  const T* q; const T* k; const T* v; T* o; float* of; T* P;
  const float* decay; int64_t H, N, Npad, PR; int64_t it0, bh0; int r, d; float scale;
};

template <class T, int SPLIT>
__global__ void __launch_bounds__(VT) vanilla_scores(const VK<T> kp) {
  constexpr int C = chunk_rows<T>(), PAD = smem_pad<T>();
  constexpr int MTS = C / 16, NPS = 8 / MTS, NTS = (C / 8) / NPS;
  extern __shared__ __align__(16) unsigned char smem[];
  const int64_t jt = blockIdx.x, it = kp.it0 + blockIdx.y, bh = kp.bh0 + blockIdx.z;
  if (jt > it) return;
  const int r = kp.r, RP = (int)round_up(r, 16), LDQ = RP + PAD;
  T* Qs = reinterpret_cast<T*>(smem);
  T* Ks = Qs + C * LDQ;
  const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31, g = lane >> 2, t = lane & 3;
  const int64_t i0 = it * C, j0 = jt * C;
  const T* qb = kp.q + bh * kp.N * r;
  const T* kb = kp.k + bh * kp.N * r;
  const T zero = Num<T>::from_f(0.f);
  for (int idx = tid; idx < C * RP; idx += VT) {
    const int row = idx / RP, c = idx % RP;
    Qs[row * LDQ + c] = (i0 + row < kp.N && c < r) ? qb[(i0 + row) * r + c] : zero;
    Ks[row * LDQ + c] = (j0 + row < kp.N && c < r) ? kb[(j0 + row) * r + c] : zero;
  }
  __syncthreads();
  const float s = kp.decay[bh % kp.H];
  const int mt = warp % MTS, np = warp / MTS, n0 = np * NTS * 8;
  float sc[1][NTS][4];
  zero_acc(sc);
  warp_gemm<T, false, false, 1, NTS, SPLIT>(sc, Qs, LDQ, mt * 16, 0, 1, Ks, LDQ, n0, RP);
  T* Pb = kp.P + (bh * kp.PR + (it - kp.it0) * C) * kp.Npad;
#pragma unroll
  for (int j = 0; j < NTS; ++j)
#pragma unroll
    for (int hf = 0; hf < 2; ++hf) {
      const int il = mt * 16 + g + 8 * hf, jl = n0 + 8 * j + 2 * t;
      const int64_t i = i0 + il, jj = j0 + jl;
      const float v0 = (jj <= i && i < kp.N) ? kp.scale * expf(-s * (float)(i - jj)) * sc[0][j][2 * hf] : 0.f;
      const float v1 = (jj + 1 <= i && i < kp.N) ? kp.scale * expf(-s * (float)(i - jj - 1)) * sc[0][j][2 * hf + 1] : 0.f;
      st2(Pb + il * kp.Npad + jj, v0, v1, true, true);
    }
}

template <class T, bool F32OUT, int SPLIT>
__global__ void __launch_bounds__(VT) vanilla_pv(const VK<T> kp) {
  constexpr int C = chunk_rows<T>(), PAD = smem_pad<T>(), DT = 64, EPV = 16 / (int)sizeof(T);
  constexpr int MTO = C / 16, NPO = 8 / MTO, NTO = (DT / 8) / NPO;
  extern __shared__ __align__(16) unsigned char smem[];
  const int LDP = C + PAD, LDV = DT + PAD;
  T* Ps = reinterpret_cast<T*>(smem);
  T* Vs = Ps + C * LDP;
  const int64_t itl = blockIdx.x, it = kp.it0 + itl, bh = kp.bh0 + blockIdx.z;
  const int col0 = blockIdx.y * DT, d = kp.d;
  const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31, g = lane >> 2, t = lane & 3;
  const int mt = warp % MTO, np = warp / MTO, n0 = np * NTO * 8;
  const T* Pb = kp.P + (bh * kp.PR + itl * C) * kp.Npad;
  const T* vb = kp.v + bh * kp.N * d;
  const bool valign = (d % EPV) == 0;
  const T zero = Num<T>::from_f(0.f);
  float acc[1][NTO][4];
  zero_acc(acc);
  for (int64_t jt = 0; jt <= it; ++jt) {
    __syncthreads();
    constexpr int vp = C / EPV;
    for (int idx = tid; idx < C * vp; idx += VT) {
      const int row = idx / vp, c = (idx % vp) * EPV;
      cp_async16(Ps + row * LDP + c, Pb + row * kp.Npad + jt * C + c, 16);
    }
    if (valign) {
      constexpr int vv = DT / EPV;
      for (int idx = tid; idx < C * vv; idx += VT) {
        const int row = idx / vv, c = (idx % vv) * EPV;
        const int64_t j = jt * C + row;
        const bool ok = j < kp.N && col0 + c < d;
        cp_async16(Vs + row * LDV + c, vb + (ok ? j * d + col0 + c : 0), ok ? 16 : 0);
      }
    } else {
      for (int idx = tid; idx < C * DT; idx += VT) {
        const int row = idx / DT, c = idx % DT;
        const int64_t j = jt * C + row;
        Vs[row * LDV + c] = (j < kp.N && col0 + c < d) ? vb[j * d + col0 + c] : zero;
      }
    }
    cp_async_commit();
    cp_async_wait_all();
    __syncthreads();
    if constexpr (SPLIT == 3) {
      // Exact: one fresh accumulator per tile, summed with ordinary float adds (the mma
      // accumulator's additions do not round to nearest and drift over many tiles).
      float tacc[1][NTO][4];
      zero_acc(tacc);
      warp_gemm<T, false, true, 1, NTO, SPLIT>(tacc, Ps, LDP, mt * 16, 0, 1, Vs, LDV, n0, C);
#pragma unroll
      for (int j = 0; j < NTO; ++j)
#pragma unroll
        for (int e = 0; e < 4; ++e) acc[0][j][e] += tacc[0][j][e];
    } else {
      warp_gemm<T, false, true, 1, NTO, SPLIT>(acc, Ps, LDP, mt * 16, 0, 1, Vs, LDV, n0, C);
    }
  }
#pragma unroll
  for (int hf = 0; hf < 2; ++hf) {
    const int64_t i = it * C + mt * 16 + g + 8 * hf;
    if (i < kp.N) {
#pragma unroll
      for (int j = 0; j < NTO; ++j) {
        const int gc = col0 + n0 + 8 * j + 2 * t;
        if (gc < d) {
          const int64_t off = (bh * kp.N + i) * d + gc;
          if (F32OUT) st2(kp.of + off, acc[0][j][2 * hf], acc[0][j][2 * hf + 1], gc + 1 < d, (d & 1) == 0);
          else st2(kp.o + off, acc[0][j][2 * hf], acc[0][j][2 * hf + 1], gc + 1 < d, (d & 1) == 0);
        }
      }
    }
  }
}

template <class T, int SPLIT>
void run_vanilla(const AttnParams& p, const LaunchContext& ctx) {
  constexpr int C = chunk_rows<T>(), PAD = smem_pad<T>();
  const int64_t BH = p.B * p.H;
  const int64_t ntiles = ceil_div(p.N, C), Npad = ntiles * C;
  const size_t row_bytes = (size_t)BH * Npad * sizeof(T);
  const size_t budget = size_t(1) << 30;
  int64_t prt = (int64_t)(budget / (row_bytes * C));
  if (prt < 1) prt = 1;
  if (prt > ntiles) prt = ntiles;
  const bool f32 = p.initial_state != nullptr;
  Carver cv;
  const size_t o_p = cv.add((size_t)prt * C * row_bytes);
  const size_t o_f = cv.add(f32 ? (size_t)BH * p.N * p.d * sizeof(float) : 0);
  char* base = static_cast<char*>(ctx.scratch(cv.off));
  VK<T> kp;
  kp.q = static_cast<const T*>(p.q); kp.k = static_cast<const T*>(p.k); kp.v = static_cast<const T*>(p.v);
  kp.o = static_cast<T*>(p.o); kp.of = reinterpret_cast<float*>(base + o_f);
  kp.P = reinterpret_cast<T*>(base + o_p);
  kp.decay = ctx.decay_rate; kp.H = p.H; kp.N = p.N; kp.Npad = Npad; kp.PR = prt * C;
  kp.r = (int)p.r; kp.d = (int)p.d; kp.scale = (float)p.scale;
  const int RP = (int)round_up(p.r, 16);
  const int smem1 = 2 * C * (RP + PAD) * (int)sizeof(T);
  const int smem2 = (C * (C + PAD) + C * (64 + PAD)) * (int)sizeof(T);
  cuda_check(cudaFuncSetAttribute(vanilla_scores<T, SPLIT>, cudaFuncAttributeMaxDynamicSharedMemorySize, smem1), "attr");
  for (int64_t it0 = 0; it0 < ntiles; it0 += prt) {
    const int64_t nt = std::min(prt, ntiles - it0);
    kp.it0 = it0;
    // (batch, head) pairs on the grid's z dimension, at most 65535 per launch
    for (int64_t bh0 = 0; bh0 < BH; bh0 += kMaxGridZ) {
      const unsigned nbh = (unsigned)std::min<int64_t>(kMaxGridZ, BH - bh0);
      kp.bh0 = bh0;
      vanilla_scores<T, SPLIT><<<dim3((unsigned)(it0 + nt), (unsigned)nt, nbh), VT, smem1, ctx.stream>>>(kp);
      const dim3 g2((unsigned)nt, (unsigned)ceil_div(p.d, 64), nbh);
      if (f32) vanilla_pv<T, true, SPLIT><<<g2, VT, smem2, ctx.stream>>>(kp);
      else vanilla_pv<T, false, SPLIT><<<g2, VT, smem2, ctx.stream>>>(kp);
    }
  }
  WalkArgs a;
  a.segs = analytic_segments(p, p.N, p.N, 0, 1);
  a.state_in = p.initial_state;
  if (f32) {
    a.mode = W_INTER | W_ACC_F32;
    a.out_f32 = kp.of;
    walk_chunks(p, ctx, a);
    const int64_t n = BH * p.N * p.d;
    f32_to_out_kernel<T><<<(unsigned)std::min<int64_t>(ceil_div(n, 256), 65536), 256, 0, ctx.stream>>>(kp.of, kp.o, n);
  }
  if (p.final_state) {
    a.mode = W_UPDATE;
    a.out_f32 = nullptr;
    a.state_out = p.final_state;
    walk_chunks(p, ctx, a);
  }
}

}  // namespace

void launch_vanilla(const AttnParams& p, const LaunchContext& ctx) {
  if (p.cu_seqlens) throw CudaError("method vanilla does not support packed sequences on cuda");
  LEET_CUDA_DISPATCH_PREC(p, T, SPLIT, run_vanilla<T, SPLIT>(p, ctx));
}

}  // namespace leet::cuda
