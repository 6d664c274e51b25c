// Lightning Attention-2 (Qin et al. 2024): one CTA per (sequence, head, column slice)
// walks the sequence in chunks of C tokens (C = 64 for fp16/bf16 and for float32 TF32
// with r <= 128, else 32 for float32) with the running state KV (r x slice) in registers:
//   o_c = [(Q_c K_c^T) . D] V_c  +  diag(gamma^(i-c0+1)) Q_c KV          (tensor cores)
//   KV  = gamma^len KV + K_c^T diag(gamma^(c1-j)) V_c                     (tensor cores)
// Every decay factor has a non-positive exponent. Chunks are loaded with cp.async, two
// stages deep where shared memory allows, so the next chunk streams in during compute.
//
// On Hopper (sm_90a code, r = 128, d a multiple of 128, fixed-length batches; 16-bit
// inputs, float32 at TF32, or float32 at Exact on the 3xTF32 body) the walk runs on the
// warpgroup-MMA chunk body of `fused` instead (launch_wgmma_schedule, one segment per
// sequence): a CTA per (sequence, head, value-column block), the running state in wgmma
// accumulators. LEET_CUDA_WGMMA=0 keeps the kernels below.
// The same chunk walker (walk_chunks, modes in common.cuh) is the building block of
// blocked (per-segment passes), recursive (leaves and cross terms) and the state
// helpers of vanilla: it is the chunk body, the schedules differ per method.
//
// Precision: fp16/bf16 operands, float32 accumulation, state float32 in registers and in
// every buffer that leaves the kernel. The state's copy used as an mma operand (Q S) is
// rounded to the input type: for bf16 that is a relative rounding of 2^-9, below the
// output's own rounding; for fp16 it limits |state| entries to 65504 (fp16's range):
// inputs whose decayed running sums sum_j gamma^(t-j) |k_j||v_j| exceed that overflow
// (use bf16 or float32 for them). Likewise the masked scores P = scale (Q K^T) . D are
// staged in the input type. float32 inputs follow p.precision (policy SPLIT in
// common.cuh): Exact = 3xTF32, each chunk's state update formed in a fresh accumulator
// and added with FMA under a compensated gamma^len (hi + lo from a double exp), ~1e-6
// relative; TF32 = one TF32 product, ~4e-4. The decay table gamma^i is formed in double
// and rounded once.
//
// Register/occupancy variants of the kernel (template VAR): wide (state tiles for r up
// to 256, 1 CTA per SM), lean (16-bit, r <= 128, <= 128 registers, 2 CTAs per SM) and
// full-width (16-bit, r <= 128, DT = 128: one CTA per head covers d = 128, so Q K^T is
// not recomputed per column slice). Slice width DT (16..128) trades that redundant
// Q K^T work for CTAs; walk_chunks picks from the CTA count.
// float32 TF32 with r <= 128 (full walk) uses VAR 4: 64-token chunks, no Vd pass, fused
// two-chain P V + Q S loop (H200: 10-13% faster than the 32-token wide kernel). Developer
// override: LEET_CUDA_WALK=wide32|wide64|wide128|lean16|lean32|x16w32|tf64w32|tf64w64
// (x16w32: 16 warps, 16-bit; lean also forces the lean state pass of blocked; wide32/64
// give float32 TF32 the old 32-token kernel, tf64w32/64 force VAR 4's slice width).
#include <cstdlib>

#include "common.cuh"

namespace leet::cuda {
namespace {

// Warps per CTA: 8, or 16 for VAR 3 (more warps per scheduler to hide the latency of
// the mma/ldmatrix chains where the CTA count cannot fill the GPU twice).
template <int VAR> constexpr int walk_warps() { return VAR == 3 ? 16 : 8; }
// Chunk rows: VAR 4 (float32 TF32, r <= 128) walks 64-token chunks; else chunk_rows<T>().
template <class T, int VAR> constexpr int walk_rows() { return VAR == 4 ? 64 : chunk_rows<T>(); }

template <class T> struct WalkK {
  const T* q; const T* k; const T* v; T* o; float* of;
  const float* decay; const float* sin; float* sout;
  SegSpec segs; int64_t H, N; int r, d; float scale; int stages; int aligned;
};

struct WalkLayout { int qs, ks, vs, vd, ps, ss, tab, total; };

template <class T, int DT, int VAR = 0>
__host__ __device__ inline WalkLayout walk_layout(int r, int stages, int mode) {
  constexpr int C = walk_rows<T, VAR>(), PAD = smem_pad<T>();
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
  L.vd = off; off += ((mode & W_UPDATE) && VAR != 4) ? C * LDV * es : 0;  // VAR 4: decay applied to V on load
  L.ps = off; off += (mode & W_INTRA) ? C * LDP * es : 0;
  L.ss = off; off += (mode & W_INTER) ? RP * LDV * es : 0;
  L.tab = off; off += (C + 4) * 4;
  L.total = (off + 15) & ~15;
  return L;
}

// VAR: 0 = wide (r <= 256, 1 CTA/SM), 1 = lean (r <= 128, <= 128 registers, 2 CTAs/SM),
// 2 = full-width (r <= 128, 1 CTA/SM; used with DT = 128, one CTA per head and chunk),
// 3 = 16 warps (r <= 256, 1 CTA/SM, <= 128 registers), 4 = float32 TF32 only, r <= 128:
// 64-token chunks, no Vd buffer (gamma^(c1-j) applied to V's fragments in the update),
// Q S and P V fused into one k-loop with two accumulator sets each (independent chains).
template <class T, int DT, int MODE, int SPLIT, int VAR>
__global__ void __launch_bounds__(walk_warps<VAR>() * 32, VAR == 1 ? 2 : 1) walk_kernel(const WalkK<T> kp) {
  constexpr int NW = walk_warps<VAR>(), WT = NW * 32;
  constexpr int MST = NW / 2;          // state m-tile stride between a warp's tiles
  constexpr bool V4 = VAR == 4;
  static_assert(!V4 || (sizeof(T) == 4 && SPLIT == 1 && MODE == (W_INTRA | W_INTER | W_UPDATE)), "VAR 4");
  constexpr int C = walk_rows<T, VAR>(), PAD = smem_pad<T>(), EPV = 16 / (int)sizeof(T);
  constexpr bool INTRA = (MODE & W_INTRA) != 0, INTER = (MODE & W_INTER) != 0;
  constexpr bool UPD = (MODE & W_UPDATE) != 0;
  constexpr bool OF32 = (MODE & W_OUT_F32) != 0, ACC32 = (MODE & W_ACC_F32) != 0;
  constexpr bool EMIT = INTRA || INTER, NEEDQ = EMIT, NEEDK = INTRA || UPD;
  constexpr int MTS = C / 16;          // m-tiles in a chunk
  constexpr int NPS = NW / MTS;        // warps sharing one m-tile
  constexpr int NTS = (C / 8) / NPS;   // score n-tiles per warp
  constexpr int NTO = (DT / 8) / NPS;  // output n-tiles per warp
  constexpr int NTU = (DT / 8) / 2;    // state n-tiles per warp
  constexpr int MR = VAR == 0 ? 4 : 2;  // state m-tiles per warp (r <= 16 * MST * MR)
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
  const WalkLayout L = walk_layout<T, DT, VAR>(r, kp.stages, MODE);
  T* Qs = reinterpret_cast<T*>(smem + L.qs);
  T* Ks = reinterpret_cast<T*>(smem + L.ks);
  T* Vs = reinterpret_cast<T*>(smem + L.vs);
  T* Vd = reinterpret_cast<T*>(smem + L.vd);
  T* Ps = reinterpret_cast<T*>(smem + L.ps);
  T* Ss = reinterpret_cast<T*>(smem + L.ss);
  float* tab = reinterpret_cast<float*>(smem + L.tab);
  const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31, g = lane >> 2, t = lane & 3;
  const float s = kp.decay[h];
  for (int i = tid; i <= C; i += WT) tab[i] = (float)exp(-(double)s * i);  // gamma^i, i >= 0
  // gamma^C as a compensated pair for the Exact float32 state decay
  const double gC = exp(-(double)s * C);
  const float gC_hi = (float)gC, gC_lo = (float)(gC - (double)gC_hi);
  const int64_t rowbase = (b * kp.H + h) * kp.N + t0;
  const int64_t sbase = (segi * kp.H + h) * r;  // state row base
  const int nch = (int)ceil_div(len, C);
  const int mtr = RP / 16;

  // State tiling: warp -> m-tiles mg + MST i (i < uvalid), n-half nh.
  const int mg = warp >> 1, nh = warp & 1, nu0 = nh * NTU * 8;
  const int uvalid = mtr > mg ? (int)ceil_div(mtr - mg, MST) : 0;
  float st[MR][NTU][4];
  if constexpr (UPD) {
#pragma unroll
    for (int i = 0; i < MR; ++i)
#pragma unroll
      for (int j = 0; j < NTU; ++j)
#pragma unroll
        for (int e = 0; e < 4; ++e) {
          const int m = (mg + MST * i) * 16 + g + 8 * (e >> 1), n = col0 + nu0 + 8 * j + 2 * t + (e & 1);
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

    if constexpr (UPD && !V4) {
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
        warp_gemm<T, false, false, 1, NTS, SPLIT>(sc, Qc, LDQ, mt * 16, 0, 1, Kc, LDQ, n0, RP);
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
      if constexpr (V4) {
        // P V (k < (mt+1)*16) and Q S (k < RP) in one loop, two accumulator sets each
        float a2[2][NTO][4], q2[2][NTO][4];
        zero_acc(a2);
        zero_acc(q2);
        const int kpv = (mt + 1) * 16, kend = RP > kpv ? RP : kpv;
#pragma unroll 2
        for (int k = 0; k < kend; k += 16) {
#pragma unroll
          for (int h2 = 0; h2 < 2; ++h2) {
            const int kk = k + 8 * h2;
            uint32_t a[4], al[4], b[NTO][2], bl[NTO][2];
            if (kk < RP) {
              Mma<T>::template load_a<false>(a, Qc, LDQ, mt * 16, kk);
              prep_frag<T, 1>(a, al);
#pragma unroll
              for (int j = 0; j < NTO; ++j) {
                Mma<T>::template load_b<true>(b[j], Ss, LDV, kk, n0 + 8 * j);
                prep_frag<T, 1>(b[j], bl[j]);
                Mma<T>::mma(q2[h2][j], a, b[j]);
              }
            }
            if (kk < kpv) {
              Mma<T>::template load_a<false>(a, Ps, LDP, mt * 16, kk);
              prep_frag<T, 1>(a, al);
#pragma unroll
              for (int j = 0; j < NTO; ++j) {
                Mma<T>::template load_b<true>(b[j], Vc, LDV, kk, n0 + 8 * j);
                prep_frag<T, 1>(b[j], bl[j]);
                Mma<T>::mma(a2[h2][j], a, b[j]);
              }
            }
          }
        }
#pragma unroll
        for (int hf = 0; hf < 2; ++hf) {
          const int i = mt * 16 + g + 8 * hf;
          const float f = kp.scale * tab[i + 1];
#pragma unroll
          for (int j = 0; j < NTO; ++j)
#pragma unroll
            for (int e = 2 * hf; e < 2 * hf + 2; ++e)
              acc[0][j][e] = (a2[0][j][e] + a2[1][j][e]) + f * (q2[0][j][e] + q2[1][j][e]);
        }
      } else {
      if constexpr (INTRA) warp_gemm<T, false, true, 1, NTO, SPLIT>(acc, Ps, LDP, mt * 16, 0, 1, Vc, LDV, n0, (mt + 1) * 16);
      if constexpr (INTER) {
        float aq[1][NTO][4];
        zero_acc(aq);
        warp_gemm<T, false, true, 1, NTO, SPLIT>(aq, Qc, LDQ, mt * 16, 0, 1, Ss, LDV, n0, RP);
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
      }  // !V4
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
        if constexpr (SPLIT == 3) {
          // Exact: the chunk's K^T Vd goes into a fresh accumulator and is added to the
          // state with FMA, S <- gamma^len S + dS, gamma^len as hi + lo. (Accumulating the
          // state inside the mma accumulator over many chunks lets the tensor core's
          // float32 additions, which do not round to nearest, drift: ~2e-5 at N = 4096.)
          float ghi = gC_hi, glo = gC_lo;
          if (clen != C) {
            const double gl = exp(-(double)s * clen);
            ghi = (float)gl;
            glo = (float)(gl - (double)ghi);
          }
#pragma unroll
          for (int i = 0; i < MR; ++i) {
            if (i < uvalid) {
              float ds[1][NTU][4];
              zero_acc(ds);
              warp_gemm<T, true, true, 1, NTU, SPLIT>(ds, Kc, LDQ, (mg + MST * i) * 16, 0, 1, Vd, LDV, nu0, C);
#pragma unroll
              for (int j = 0; j < NTU; ++j)
#pragma unroll
                for (int e = 0; e < 4; ++e) st[i][j][e] = fmaf(st[i][j][e], ghi, fmaf(st[i][j][e], glo, ds[0][j][e]));
            }
          }
        } else if constexpr (V4) {
          // TF32, 64-token chunks: S <- gamma^len S + K^T (diag(gamma^(c1-j)) V), the
          // decay applied to V's fragments (no Vd pass), in the mma accumulator.
          const float gl = tab[clen];
#pragma unroll
          for (int i = 0; i < MR; ++i)
#pragma unroll
            for (int j = 0; j < NTU; ++j)
#pragma unroll
              for (int e = 0; e < 4; ++e) st[i][j][e] *= gl;
#pragma unroll 2
          for (int k = 0; k < C; k += 8) {
            const int j0 = k + t, j1 = k + t + 4;
            const float w0 = j0 < clen ? tab[clen - 1 - j0] : 0.f, w1 = j1 < clen ? tab[clen - 1 - j1] : 0.f;
            uint32_t b[NTU][2];
#pragma unroll
            for (int j = 0; j < NTU; ++j) {
              b[j][0] = to_tf32(w0 * Vc[j0 * LDV + nu0 + 8 * j + g]);
              b[j][1] = to_tf32(w1 * Vc[j1 * LDV + nu0 + 8 * j + g]);
            }
#pragma unroll
            for (int i = 0; i < MR; ++i) {
              if (i < uvalid) {
                uint32_t a[4], al[4];
                Mma<T>::template load_a<true>(a, Kc, LDQ, (mg + MST * i) * 16, k);
                prep_frag<T, 1>(a, al);
#pragma unroll
                for (int j = 0; j < NTU; ++j) Mma<T>::mma(st[i][j], a, b[j]);
              }
            }
          }
        } else {
          // fp16/bf16/TF32: accumulate in the mma accumulator (its truncating adds drift
          // by at most ~N/16 * 2^-24 relative, 2.4e-4 at N = 65536: under fp16 rounding).
          const float gl = tab[clen];  // gamma^len
#pragma unroll
          for (int i = 0; i < MR; ++i)
#pragma unroll
            for (int j = 0; j < NTU; ++j)
#pragma unroll
              for (int e = 0; e < 4; ++e) st[i][j][e] *= gl;
          warp_gemm<T, true, true, MR, NTU, SPLIT>(st, Kc, LDQ, mg * 16, 16 * MST, uvalid, Vd, LDV, nu0, C);
        }
        if (INTER && ci + 1 < nch) {
          __syncthreads();  // every warp finished reading Ss
#pragma unroll
          for (int i = 0; i < MR; ++i)
            if (i < uvalid)
#pragma unroll
              for (int j = 0; j < NTU; ++j)
#pragma unroll
                for (int hf = 0; hf < 2; ++hf) {
                  const int m = (mg + MST * i) * 16 + g + 8 * hf, n = nu0 + 8 * j + 2 * t;
                  st2(Ss + m * LDV + n, st[i][j][2 * hf], st[i][j][2 * hf + 1], true, true);
                }
        }
      }
    }
  }
  if constexpr (UPD) {
    if (kp.sout) {
#pragma unroll
      for (int i = 0; i < MR; ++i)
        if (i < uvalid)
#pragma unroll
          for (int j = 0; j < NTU; ++j)
#pragma unroll
            for (int hf = 0; hf < 2; ++hf) {
              const int m = (mg + MST * i) * 16 + g + 8 * hf, n = col0 + nu0 + 8 * j + 2 * t;
              if (m < r && n < d)
                st2(kp.sout + (sbase + m) * d + n, st[i][j][2 * hf], st[i][j][2 * hf + 1], n + 1 < d, (d & 1) == 0);
            }
    }
  }
}

int device_attr(cudaDeviceAttr what, int fallback) {
  int dev = 0, v = 0;
  if (cudaGetDevice(&dev) != cudaSuccess || cudaDeviceGetAttribute(&v, what, dev) != cudaSuccess) {
    cudaGetLastError();
    return fallback;
  }
  return v;
}
int max_optin_smem() {
  static int v = device_attr(cudaDevAttrMaxSharedMemoryPerBlockOptin, 48 * 1024);
  return v;
}
// Shared memory one CTA may take so that two fit on a multiprocessor (1 KB per CTA is
// reserved by the hardware).
int half_sm_smem() {
  static int v = std::min(max_optin_smem(), device_attr(cudaDevAttrMaxSharedMemoryPerMultiprocessor, 0) / 2 - 1024);
  return v;
}

// Deepest cp.async pipeline (<= 4 stages) whose layout fits `limit`; 0 if none does.
template <class T, int DT, int MODE, int VAR = 0>
int walk_stages(int r, int limit) {
  for (int st = 4; st >= 1; --st)
    if (walk_layout<T, DT, VAR>(r, st, MODE).total <= limit) return st;
  return 0;
}
// The lean variant: 16-bit inputs (float32 tiles do not fit 128 registers without
// spilling), r <= 128, and at least 2 stages with two CTAs per SM.
template <class T, int DT, int MODE>
bool lean_fits(int r) {
  return sizeof(T) == 2 && r <= 128 && walk_stages<T, DT, MODE>(r, half_sm_smem()) >= 2;
}

template <class T, int DT, int MODE, int SPLIT, int VAR>
void launch_walk(const AttnParams& p, const LaunchContext& ctx, const WalkArgs& a) {
  const int r = (int)p.r, d = (int)p.d;
  const int stages = walk_stages<T, DT, MODE, VAR>(r, VAR == 1 ? half_sm_smem() : max_optin_smem());
  if (stages < 1) throw CudaError("cuda: walk kernel needs more shared memory than the device has");
  const WalkLayout L = walk_layout<T, DT, VAR>(r, stages, MODE);
  auto kern = walk_kernel<T, DT, MODE, SPLIT, VAR>;
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
  kern<<<grid, walk_warps<VAR>() * 32, L.total, ctx.stream>>>(kp);
}

// Developer override of the full-walk variant (see the header); read per call.
int walk_override() {
  const char* e = getenv("LEET_CUDA_WALK");
  if (!e || !*e) return 0;
  const std::string v(e);
  if (v == "wide32") return 32;
  if (v == "wide64") return 64;
  if (v == "wide128") return 128;
  if (v == "lean16") return -16;
  if (v == "lean32") return -32;
  if (v == "x16w32") return 1032;  // 16 warps, 32-column slices
  if (v == "tf64w32") return 2032;  // float32 TF32: 64-token chunks (VAR 4), 32-column slices
  if (v == "tf64w64") return 2064;  // the same, 64-column slices
  return 0;
}

template <class T, int SPLIT>
void walk_full(const AttnParams& p, const LaunchContext& ctx, const WalkArgs& a) {
  constexpr int FULL = W_INTRA | W_INTER | W_UPDATE;
  const int r = (int)p.r;
  const int64_t sms = ctx.multiprocessors > 0 ? ctx.multiprocessors : 1;
  auto ctas = [&](int dt) { return a.segs.count * p.H * ceil_div(p.d, dt); };
  int choice = walk_override();  // > 0: wide DT, < 0: lean -DT
  if (a.slice != 0) choice = a.slice;
  // full width: 16-bit inputs only (float32 tiles of 128 columns spill)
  if (choice == 128 && (sizeof(T) != 2 || r > 128 || walk_stages<T, 128, FULL>(r, max_optin_smem()) < 2)) choice = 0;
  if (choice < 0) {
    const bool ok = (choice == -16 && lean_fits<T, 16, FULL>(r)) || (choice == -32 && lean_fits<T, 32, FULL>(r));
    if (!ok) choice = 0;
  }
  if constexpr (sizeof(T) == 4 && SPLIT == 1) {
    // float32 TF32, r <= 128: 64-token chunks (VAR 4) unless a slice width is forced;
    // 32-column slices when 64 would not give every SM two CTAs.
    if (r <= 128 && (choice == 0 || choice == 2032 || choice == 2064)) {
      const bool w32 = choice == 2032 || (choice == 0 && p.d > 32 && ctas(64) < 2 * sms) || (choice == 0 && p.d <= 32);
      if (w32) return launch_walk<T, 32, FULL, SPLIT, 4>(p, ctx, a);
      return launch_walk<T, 64, FULL, SPLIT, 4>(p, ctx, a);
    }
  }
  if (choice >= 2000) choice = 0;
  if (choice == 0) {
    // Lean (2 CTAs/SM) with the widest slice that still gives every SM two CTAs;
    // else the wide kernel, 32-column slices when 64 would leave SMs idle.
    if (sizeof(T) == 2 && r <= 128 && p.d > 64 && ctas(128) >= sms) choice = 128;
    else if (lean_fits<T, 32, FULL>(r) && ctas(32) >= 2 * sms) choice = -32;
    else choice = (p.d > 32 && ctas(64) < 2 * sms) ? 32 : 64;
    // few CTAs, 32-column slices: 16 warps per CTA (measured 3% faster, H200 fp16 1x65536)
    if (choice == 32 && sizeof(T) == 2) choice = 1032;
  }
  if constexpr (sizeof(T) == 2) {  // lean and full-width variants: 16-bit inputs only
    if (choice == -16) return launch_walk<T, 16, FULL, SPLIT, 1>(p, ctx, a);
    if (choice == -32) return launch_walk<T, 32, FULL, SPLIT, 1>(p, ctx, a);
    if (choice == 128) return launch_walk<T, 128, FULL, SPLIT, 2>(p, ctx, a);
    if (choice == 1032) return launch_walk<T, 32, FULL, SPLIT, 3>(p, ctx, a);
  }
  // float32 Exact: the 64-column tile with the separate update accumulator fits the
  // registers only with state tiles for r <= 128 (VAR 2); else 32-column slices.
  if constexpr (sizeof(T) == 4 && SPLIT == 3) {
    if (choice != 32 && r <= 128) launch_walk<T, 64, FULL, SPLIT, 2>(p, ctx, a);
    else launch_walk<T, 32, FULL, SPLIT, 0>(p, ctx, a);
  } else {
    if (choice == 32) launch_walk<T, 32, FULL, SPLIT, 0>(p, ctx, a);
    else launch_walk<T, 64, FULL, SPLIT, 0>(p, ctx, a);
  }
}

}  // namespace

void walk_chunks(const AttnParams& p, const LaunchContext& ctx, const WalkArgs& a) {
  if (a.segs.count <= 0) return;
  if (p.H > 65535) throw CudaError("cuda: too many heads for one launch");
  constexpr int FULL = W_INTRA | W_INTER | W_UPDATE;
  LEET_CUDA_DISPATCH_PREC(p, T, SPLIT, {
    switch (a.mode) {
      case FULL: walk_full<T, SPLIT>(p, ctx, a); break;
      case W_UPDATE: {
        // lean (2 CTAs/SM) when it fits and there are CTAs for it, or when forced
        const int ov = walk_override();
        const bool many = a.segs.count * p.H * ceil_div(p.d, 64) >= 2 * (int64_t)ctx.multiprocessors;
        bool lean = lean_fits<T, 64, W_UPDATE>((int)p.r) && (ov < 0 || (ov == 0 && many));
        if constexpr (sizeof(T) == 2) {
          if (lean) launch_walk<T, 64, W_UPDATE, SPLIT, 1>(p, ctx, a);
        }
        if (!lean || sizeof(T) != 2) launch_walk<T, 64, W_UPDATE, SPLIT, 0>(p, ctx, a);
        break;
      }
      case W_INTRA | W_OUT_F32: launch_walk<T, 64, W_INTRA | W_OUT_F32, SPLIT, 0>(p, ctx, a); break;
      case W_INTER | W_ACC_F32: launch_walk<T, 64, W_INTER | W_ACC_F32, SPLIT, 0>(p, ctx, a); break;
      default: throw CudaError("cuda: unsupported chunk-walk mode");
    }
  });
}

void launch_lightning(const AttnParams& p, const LaunchContext& ctx_in) {
  const ShortDone shorts = launch_short_sequences(p, ctx_in, true);
  if (shorts == ShortDone::All) return;
  LaunchContext ctx = ctx_in;
  if (shorts == ShortDone::Some) ctx.skip_upto = kShortMax;
  // Hopper: one walk per (sequence, head, 128 value columns) on the wgmma chunk body
  // (launch_wgmma_schedule with one segment per sequence)
  if (launch_wgmma_schedule(p, ctx, p.N)) return;
  WalkArgs a;
  a.mode = W_INTRA | W_INTER | W_UPDATE;
  a.state_in = p.initial_state;
  a.state_out = p.final_state;
  if (p.cu_seqlens) {
    // one segment per packed sequence
    std::vector<SegInfo> tab = varlen_segments(p, p.N, nullptr, ctx.skip_upto);
    if (tab.empty()) return;
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
