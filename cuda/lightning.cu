// Lightning Attention-2 (Qin et al. 2024): one CTA per (sequence, head, column slice)
// walks the sequence in chunks of C tokens (C = 64 for fp16/bf16, 32 for float32) with
// the running state KV (r x slice) in registers:
//   o_c = [(Q_c K_c^T) . D] V_c  +  diag(gamma^(i-c0+1)) Q_c KV          (tensor cores)
//   KV  = gamma^len KV + K_c^T diag(gamma^(c1-j)) V_c                     (tensor cores)
// Every decay factor has a non-positive exponent. Chunks are loaded with cp.async, two
// stages deep where shared memory allows, so the next chunk streams in during compute.
//
// The same chunk walker (walk_chunks, modes in common.cuh) is the building block of
// blocked (per-segment passes), recursive (leaves and cross terms) and the state
// helpers of vanilla: it is the chunk body, the schedules differ per method.
//
// Precision: fp16/bf16 operands, float32 accumulation, state float32 in registers (its
// copy used as an mma operand is rounded to the input type). float32 inputs use TF32
// tensor cores: documented "tf32" precision (~1e-3 relative vs float64).
#include "common.cuh"

namespace leet::cuda {
namespace {

constexpr int WT = 256;  // threads per CTA (8 warps)

template <class T> struct WalkK {
  const T* q; const T* k; const T* v; T* o; float* of;
  const float* decay; const float* sin; float* sout;
  SegSpec segs; int64_t H, N; int r, d; float scale; int stages; int aligned;
};

struct WalkLayout { int qs, ks, vs, vd, ps, ss, tab, total; };

template <class T, int DT>
__host__ __device__ inline WalkLayout walk_layout(int r, int stages, int mode) {
  constexpr int C = chunk_rows<T>(), PAD = smem_pad<T>();
  const int RP = (int)round_up(r, 16);
  const int LDQ = RP + PAD, LDV = DT + PAD, LDP = C + PAD;
  const bool needq = (mode & (W_INTRA | W_INTER)) != 0;
  const bool needk = (mode & (W_INTRA | W_UPDATE)) != 0;
  const int es = (int)sizeof(T);
  WalkLayout L;
  int off = 0;
  L.qs = off; off += needq ? stages * C * LDQ * es : 0;
  L.ks = off; off += needk ? stages * C * LDQ * es : 0;
  L.vs = off; off += needk ? stages * C * LDV * es : 0;
  L.vd = off; off += (mode & W_UPDATE) ? C * LDV * es : 0;
  L.ps = off; off += (mode & W_INTRA) ? C * LDP * es : 0;
  L.ss = off; off += (mode & W_INTER) ? RP * LDV * es : 0;
  L.tab = off; off += (C + 4) * 4;
  L.total = (off + 15) & ~15;
  return L;
}

template <class T, int DT, int MODE>
__global__ void __launch_bounds__(WT, 1) walk_kernel(const WalkK<T> kp) {
  constexpr int C = chunk_rows<T>(), PAD = smem_pad<T>(), EPV = 16 / (int)sizeof(T);
  constexpr bool INTRA = (MODE & W_INTRA) != 0, INTER = (MODE & W_INTER) != 0;
  constexpr bool UPD = (MODE & W_UPDATE) != 0;
  constexpr bool OF32 = (MODE & W_OUT_F32) != 0, ACC32 = (MODE & W_ACC_F32) != 0;
  constexpr bool EMIT = INTRA || INTER, NEEDQ = EMIT, NEEDK = INTRA || UPD;
  constexpr int MTS = C / 16;          // m-tiles in a chunk
  constexpr int NPS = 8 / MTS;         // warps sharing one m-tile
  constexpr int NTS = (C / 8) / NPS;   // score n-tiles per warp
  constexpr int NTO = (DT / 8) / NPS;  // output n-tiles per warp
  constexpr int NTU = (DT / 8) / 2;    // state n-tiles per warp
  static_assert(NTS >= 1 && NTO >= 1 && NTU >= 1, "tiling");
  extern __shared__ __align__(16) unsigned char smem[];

  // blockIdx.x = segment * slices + slice: the column slices of one (segment, head)
  // run side by side and share their Q/K reads in L2.
  const int nsl = (kp.d + DT - 1) / DT;
  const int64_t segi = blockIdx.x / nsl;
  int64_t b, t0, len;
  if (!seg_get(kp.segs, segi, kp.N, b, t0, len)) return;
  const int h = blockIdx.y, col0 = (int)(blockIdx.x % nsl) * DT;
  const int r = kp.r, d = kp.d, RP = (int)round_up(r, 16);
  const int LDQ = RP + PAD, LDV = DT + PAD, LDP = C + PAD;
  const WalkLayout L = walk_layout<T, DT>(r, kp.stages, MODE);
  T* Qs = reinterpret_cast<T*>(smem + L.qs);
  T* Ks = reinterpret_cast<T*>(smem + L.ks);
  T* Vs = reinterpret_cast<T*>(smem + L.vs);
  T* Vd = reinterpret_cast<T*>(smem + L.vd);
  T* Ps = reinterpret_cast<T*>(smem + L.ps);
  T* Ss = reinterpret_cast<T*>(smem + L.ss);
  float* tab = reinterpret_cast<float*>(smem + L.tab);
  const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31, g = lane >> 2, t = lane & 3;
  const float s = kp.decay[h];
  for (int i = tid; i <= C; i += WT) tab[i] = expf(-s * (float)i);  // gamma^i, i >= 0
  const int64_t rowbase = (b * kp.H + h) * kp.N + t0;
  const int64_t sbase = (segi * kp.H + h) * r;  // state row base
  const int nch = (int)ceil_div(len, C);
  const int mtr = RP / 16;

  // State tiling: warp -> m-tiles mg + 4i (i < uvalid), n-half nh.
  const int mg = warp >> 1, nh = warp & 1, nu0 = nh * NTU * 8;
  const int uvalid = mtr > mg ? (int)ceil_div(mtr - mg, 4) : 0;
  float st[4][NTU][4];
  if constexpr (UPD) {
#pragma unroll
    for (int i = 0; i < 4; ++i)
#pragma unroll
      for (int j = 0; j < NTU; ++j)
#pragma unroll
        for (int e = 0; e < 4; ++e) {
          const int m = (mg + 4 * i) * 16 + g + 8 * (e >> 1), n = col0 + nu0 + 8 * j + 2 * t + (e & 1);
          st[i][j][e] = (kp.sin && i < uvalid && m < r && n < d) ? kp.sin[(sbase + m) * d + n] : 0.f;
        }
  }
  if constexpr (INTER) {
    for (int idx = tid; idx < RP * DT; idx += WT) {
      const int m = idx / DT, n = idx % DT;
      const float x = (kp.sin && m < r && col0 + n < d) ? kp.sin[(sbase + m) * d + col0 + n] : 0.f;
      Ss[m * LDV + n] = Num<T>::from_f(x);
    }
  }

  auto load_chunk = [&](int ci, int stg) {
    const int64_t c0 = (int64_t)ci * C;
    const int clen = (int)(len - c0 < C ? len - c0 : C);
    const int64_t row0 = rowbase + c0;
    T* Qd = Qs + stg * C * LDQ;
    T* Kd = Ks + stg * C * LDQ;
    T* Vdst = Vs + stg * C * LDV;
    if (kp.aligned) {
      const int vq = RP / EPV;
      for (int idx = tid; idx < C * vq; idx += WT) {
        const int row = idx / vq, c = (idx % vq) * EPV;
        const bool ok = row < clen && c < r;
        const int64_t off = ok ? (row0 + row) * r + c : 0;
        if constexpr (NEEDQ) cp_async16(Qd + row * LDQ + c, kp.q + off, ok ? 16 : 0);
        if constexpr (NEEDK) cp_async16(Kd + row * LDQ + c, kp.k + off, ok ? 16 : 0);
      }
      if constexpr (NEEDK) {
        constexpr int vv = DT / EPV;
        for (int idx = tid; idx < C * vv; idx += WT) {
          const int row = idx / vv, c = (idx % vv) * EPV;
          const bool ok = row < clen && col0 + c < d;
          cp_async16(Vdst + row * LDV + c, kp.v + (ok ? (row0 + row) * d + col0 + c : 0), ok ? 16 : 0);
        }
      }
    } else {
      const T zero = Num<T>::from_f(0.f);
      for (int idx = tid; idx < C * RP; idx += WT) {
        const int row = idx / RP, c = idx % RP;
        const bool ok = row < clen && c < r;
        const int64_t off = (row0 + row) * r + c;
        if constexpr (NEEDQ) Qd[row * LDQ + c] = ok ? kp.q[off] : zero;
        if constexpr (NEEDK) Kd[row * LDQ + c] = ok ? kp.k[off] : zero;
      }
      if constexpr (NEEDK) {
        for (int idx = tid; idx < C * DT; idx += WT) {
          const int row = idx / DT, c = idx % DT;
          const bool ok = row < clen && col0 + c < d;
          Vdst[row * LDV + c] = ok ? kp.v[(row0 + row) * d + col0 + c] : zero;
        }
      }
    }
  };

  const int mt = warp % MTS, np = warp / MTS;
  const int S = kp.stages;
  if (S > 1) {  // prologue: chunks 0 .. S-2 in flight
    for (int c = 0; c < S - 1; ++c) {
      if (c < nch) load_chunk(c, c);
      cp_async_commit();
    }
  }
  for (int ci = 0; ci < nch; ++ci) {
    int stg = 0;
    if (S > 1) {
      stg = ci % S;
      cp_async_wait_pending(S - 2);
      __syncthreads();  // chunk ci visible; the stage of chunk ci-1, Ps, Vd are free
      if (ci + S - 1 < nch) load_chunk(ci + S - 1, (ci + S - 1) % S);
      cp_async_commit();
    } else {
      __syncthreads();
      load_chunk(ci, 0);
      cp_async_commit();
      cp_async_wait_all();
      __syncthreads();
    }
    const int64_t c0 = (int64_t)ci * C;
    const int clen = (int)(len - c0 < C ? len - c0 : C);
    const T* Qc = Qs + stg * C * LDQ;
    const T* Kc = Ks + stg * C * LDQ;
    const T* Vc = Vs + stg * C * LDV;
    const bool do_upd = UPD && (ci + 1 < nch || kp.sout != nullptr);

    if constexpr (UPD) {
      if (do_upd) {
        for (int idx = tid; idx < C * DT; idx += WT) {
          const int j = idx / DT, n = idx % DT;
          const float w = j < clen ? tab[clen - 1 - j] : 0.f;  // gamma^(c1-j)
          Vd[j * LDV + n] = Num<T>::from_f(w * Num<T>::to_f(Vc[j * LDV + n]));
        }
      }
    }
    if constexpr (INTRA) {
      const int n0 = np * NTS * 8, rowmax = mt * 16 + 15;
      if (n0 <= rowmax) {
        float sc[1][NTS][4];
        zero_acc(sc);
        warp_gemm<T, false, false, 1, NTS>(sc, Qc, LDQ, mt * 16, 0, 1, Kc, LDQ, n0, RP);
#pragma unroll
        for (int j = 0; j < NTS; ++j)
#pragma unroll
          for (int hf = 0; hf < 2; ++hf) {
            const int i = mt * 16 + g + 8 * hf, jc = n0 + 8 * j + 2 * t;
            const float v0 = (jc <= i && i < clen) ? kp.scale * tab[i - jc] * sc[0][j][2 * hf] : 0.f;
            const float v1 = (jc + 1 <= i && i < clen) ? kp.scale * tab[i - jc - 1] * sc[0][j][2 * hf + 1] : 0.f;
            st2(Ps + i * LDP + jc, v0, v1, true, true);
          }
      }
    }
    __syncthreads();  // Ps, Vd ready

    if constexpr (EMIT) {
      const int n0 = np * NTO * 8;
      float acc[1][NTO][4];
      zero_acc(acc);
      if constexpr (INTRA) warp_gemm<T, false, true, 1, NTO>(acc, Ps, LDP, mt * 16, 0, 1, Vc, LDV, n0, (mt + 1) * 16);
      if constexpr (INTER) {
        float aq[1][NTO][4];
        zero_acc(aq);
        warp_gemm<T, false, true, 1, NTO>(aq, Qc, LDQ, mt * 16, 0, 1, Ss, LDV, n0, RP);
#pragma unroll
        for (int hf = 0; hf < 2; ++hf) {
          const int i = mt * 16 + g + 8 * hf;
          // state sits just before position (UPD ? c0 : t0): factor gamma^(i - pos + 1)
          const float f = kp.scale * (UPD ? tab[i + 1] : expf(-s * (float)(c0 + i + 1)));
#pragma unroll
          for (int j = 0; j < NTO; ++j) {
            acc[0][j][2 * hf] += f * aq[0][j][2 * hf];
            acc[0][j][2 * hf + 1] += f * aq[0][j][2 * hf + 1];
          }
        }
      }
#pragma unroll
      for (int hf = 0; hf < 2; ++hf) {
        const int i = mt * 16 + g + 8 * hf;
        if (i < clen) {
          const int64_t row = rowbase + c0 + i;
#pragma unroll
          for (int j = 0; j < NTO; ++j) {
            const int gc = col0 + n0 + 8 * j + 2 * t;
            if (gc < d) {
              const float a0 = acc[0][j][2 * hf], a1 = acc[0][j][2 * hf + 1];
              const bool two = gc + 1 < d;
              if constexpr (OF32) {
                st2(kp.of + row * d + gc, a0, a1, two, (d & 1) == 0);
              } else if constexpr (ACC32) {
                float* p = kp.of + row * d + gc;
                p[0] += a0;
                if (two) p[1] += a1;
              } else {
                st2(kp.o + row * d + gc, a0, a1, two, (d & 1) == 0);
              }
            }
          }
        }
      }
    }

    if constexpr (UPD) {
      if (do_upd) {
        const float gl = tab[clen];  // gamma^len
#pragma unroll
        for (int i = 0; i < 4; ++i)
#pragma unroll
          for (int j = 0; j < NTU; ++j)
#pragma unroll
            for (int e = 0; e < 4; ++e) st[i][j][e] *= gl;
        warp_gemm<T, true, true, 4, NTU>(st, Kc, LDQ, mg * 16, 64, uvalid, Vd, LDV, nu0, C);
        if (INTER && ci + 1 < nch) {
          __syncthreads();  // every warp finished reading Ss
#pragma unroll
          for (int i = 0; i < 4; ++i)
            if (i < uvalid)
#pragma unroll
              for (int j = 0; j < NTU; ++j)
#pragma unroll
                for (int hf = 0; hf < 2; ++hf) {
                  const int m = (mg + 4 * i) * 16 + g + 8 * hf, n = nu0 + 8 * j + 2 * t;
                  st2(Ss + m * LDV + n, st[i][j][2 * hf], st[i][j][2 * hf + 1], true, true);
                }
        }
      }
    }
  }
  if constexpr (UPD) {
    if (kp.sout) {
#pragma unroll
      for (int i = 0; i < 4; ++i)
        if (i < uvalid)
#pragma unroll
          for (int j = 0; j < NTU; ++j)
#pragma unroll
            for (int hf = 0; hf < 2; ++hf) {
              const int m = (mg + 4 * i) * 16 + g + 8 * hf, n = col0 + nu0 + 8 * j + 2 * t;
              if (m < r && n < d)
                st2(kp.sout + (sbase + m) * d + n, st[i][j][2 * hf], st[i][j][2 * hf + 1], n + 1 < d, (d & 1) == 0);
            }
    }
  }
}

int max_optin_smem() {
  static int v = -1;
  if (v < 0) {
    int dev = 0;
    cudaGetDevice(&dev);
    if (cudaDeviceGetAttribute(&v, cudaDevAttrMaxSharedMemoryPerBlockOptin, dev) != cudaSuccess) v = 48 * 1024;
  }
  return v;
}

template <class T, int DT, int MODE>
void launch_walk(const AttnParams& p, const LaunchContext& ctx, const WalkArgs& a) {
  const int r = (int)p.r, d = (int)p.d;
  // deepest cp.async pipeline (<= 4 stages) that fits in shared memory
  int stages = 4;
  WalkLayout L = walk_layout<T, DT>(r, stages, MODE);
  while (stages > 1 && L.total > max_optin_smem()) L = walk_layout<T, DT>(r, --stages, MODE);
  if (L.total > max_optin_smem()) throw CudaError("cuda: walk kernel needs more shared memory than the device has");
  auto kern = walk_kernel<T, DT, MODE>;
  cuda_check(cudaFuncSetAttribute(kern, cudaFuncAttributeMaxDynamicSharedMemorySize, L.total), "cudaFuncSetAttribute");
  constexpr int EPV = 16 / (int)sizeof(T);
  auto al = [](const void* ptr) { return (reinterpret_cast<uintptr_t>(ptr) & 15) == 0; };
  WalkK<T> kp;
  kp.q = static_cast<const T*>(p.q); kp.k = static_cast<const T*>(p.k); kp.v = static_cast<const T*>(p.v);
  kp.o = static_cast<T*>(p.o); kp.of = a.out_f32;
  kp.decay = ctx.decay_rate; kp.sin = a.state_in; kp.sout = a.state_out;
  kp.segs = a.segs; kp.H = p.H; kp.N = p.N; kp.r = r; kp.d = d; kp.scale = (float)p.scale;
  kp.stages = stages;
  kp.aligned = (r % EPV == 0) && (d % EPV == 0) && al(p.q) && al(p.k) && al(p.v);
  dim3 grid((unsigned)(a.segs.count * ceil_div(d, DT)), (unsigned)p.H);
  kern<<<grid, WT, L.total, ctx.stream>>>(kp);
}

}  // namespace

void walk_chunks(const AttnParams& p, const LaunchContext& ctx, const WalkArgs& a) {
  if (a.segs.count <= 0) return;
  if (p.H > 65535) throw CudaError("cuda: too many heads for one launch");
  constexpr int FULL = W_INTRA | W_INTER | W_UPDATE;
  LEET_CUDA_DISPATCH(p.dtype, T, {
    switch (a.mode) {
      case FULL: {
        int slice = a.slice;
        if (slice == 0) {
          const int64_t ctas64 = a.segs.count * p.H * ceil_div(p.d, 64);
          slice = (p.d > 32 && ctas64 < 2 * (int64_t)ctx.multiprocessors) ? 32 : 64;
        }
        if (slice == 32) launch_walk<T, 32, FULL>(p, ctx, a);
        else launch_walk<T, 64, FULL>(p, ctx, a);
        break;
      }
      case W_UPDATE: launch_walk<T, 64, W_UPDATE>(p, ctx, a); break;
      case W_INTRA | W_OUT_F32: launch_walk<T, 64, W_INTRA | W_OUT_F32>(p, ctx, a); break;
      case W_INTER | W_ACC_F32: launch_walk<T, 64, W_INTER | W_ACC_F32>(p, ctx, a); break;
      default: throw CudaError("cuda: unsupported chunk-walk mode");
    }
  });
}

void launch_lightning(const AttnParams& p, const LaunchContext& ctx) {
  WalkArgs a;
  a.mode = W_INTRA | W_INTER | W_UPDATE;
  a.state_in = p.initial_state;
  a.state_out = p.final_state;
  if (p.cu_seqlens) {
    // one segment per packed sequence
    std::vector<SegInfo> tab = varlen_segments(p, p.N, nullptr);
    SegInfo* dev = static_cast<SegInfo*>(ctx.scratch(tab.size() * sizeof(SegInfo)));
    upload(dev, tab.data(), tab.size() * sizeof(SegInfo), ctx.stream);
    a.segs.table = dev;
    a.segs.count = (int64_t)tab.size();
  } else {
    a.segs = analytic_segments(p, p.N, p.N, 0, 1);
  }
  walk_chunks(p, ctx, a);
}

}  // namespace leet::cuda
