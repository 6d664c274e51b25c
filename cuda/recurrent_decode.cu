// The recurrent method's short inputs (N <= 4 tokens per sequence: a decode step), one
// launch each, no token tiles: the state is read once and written once, and every
// kernel here does the scan's arithmetic (recurrent.cu) operation for operation, so it
// returns the same bits, state and output, for every dtype and shape (checked bitwise,
// in place too, by scripts/gpu-harness). initial_state and final_state may be the same
// buffer. Variants, by grid size:
//  - decode_kernel: state in registers (small grids: latency bound);
//  - decode_staged_kernel: state through shared memory by cp.async;
//  - decode_rows_kernel: whole rows per warp instruction;
//  - decode_bulk_kernel (Hopper, N = 1): the state streamed through shared memory by
//    bulk asynchronous copies issued by a producer warp (large grids: bandwidth bound).
#include <cstdlib>

#include "common.cuh"

namespace leet::cuda {
namespace {

// decode_kernel: N <= DEC_MAXN tokens per sequence (one decode step is N = 1).
// One CTA per (sequence, head, 32-column slice) with ceil(r/16) warps. Lane l of warp w
// is (row lane rl = l >> 3, column lane cl = l & 7) and owns the 4 columns
// col0 + 4cl .. +3 of the rows 16w + rl + 4kk, kk = 0..3: every state load or store of a
// warp touches 4 rows x 128 contiguous bytes (16-byte vectors where d % 4 == 0 and the
// pointers are aligned, scalar loads otherwise, e.g. d = 17).
// Bitwise the same as scan_kernel: the state update is fmaf(gamma_f, S, k*v) per token,
// and the per-tile gamma correction is applied once after the N tokens (one tile,
// N < TT); thread rl's partial q.S over its 4 rows is the scan's accumulator o[rl]
// (same rows, same order), the two xor-shuffles form (o0 + o1) + (o2 + o3), and the
// 16-row groups are summed in order from 0.f in shared memory, as the scan does.
// In place: each state element is read and written by one thread only, the read before
// the write, so initial_state == final_state (the same buffer) is safe; the pointers are
// not __restrict__ for that reason. Packed sequences read their offsets from the cached
// device copy of cu_seqlens (no table upload).
constexpr int DEC_MAXN = 4;

template <class T> struct DecK {
  const T* q; const T* k; const T* v; T* o;
  const float* decay; const float* sin; float* sout;
  const int64_t* cu;  // device cu_seqlens (packed sequences) or nullptr
  int64_t H, N; int r, d; float scale;
};

template <class T, int VW> struct VecOf;  // VW elements of T in one load
template <> struct VecOf<float, 4> { using type = float4; };
template <> struct VecOf<__half, 4> { using type = uint2; };
template <> struct VecOf<__nv_bfloat16, 4> { using type = uint2; };

template <class T, bool VEC>
__device__ __forceinline__ void load4(const T* p, int valid, float (&x)[4]) {
  if constexpr (VEC) {
    if (valid > 0) {
      const typename VecOf<T, 4>::type a = *reinterpret_cast<const typename VecOf<T, 4>::type*>(p);
      const T* e = reinterpret_cast<const T*>(&a);
#pragma unroll
      for (int c = 0; c < 4; ++c) x[c] = Num<T>::to_f(e[c]);
    } else {
#pragma unroll
      for (int c = 0; c < 4; ++c) x[c] = 0.f;
    }
  } else {
#pragma unroll
    for (int c = 0; c < 4; ++c) x[c] = c < valid ? Num<T>::to_f(p[c]) : 0.f;
  }
}

// The scan's once-per-run correction of the rounded gamma: y <- y + cm1 y.
template <int R>
__device__ __forceinline__ void correct_gamma(float (&y)[R][4], float cm1) {
  if (cm1 != 0.f)
#pragma unroll
    for (int i = 0; i < R; ++i)
#pragma unroll
      for (int c = 0; c < 4; ++c) y[i][c] = fmaf(y[i][c], cm1, y[i][c]);
}

// Sequence seq of a decode launch: its batch row, first token and length (packed
// sequences: B = 1, from the device copy of cu_seqlens).
template <class T>
__device__ __forceinline__ void decode_seq(const DecK<T>& kp, int64_t seq, int64_t& b, int64_t& t0, int64_t& len) {
  b = seq;
  t0 = 0;
  len = kp.N;
  if (kp.cu) {
    b = 0;
    t0 = kp.cu[seq];
    len = kp.cu[seq + 1] - t0;
  }
}

// gamma exactly as scan_kernel forms it for a run of len tokens: its float rounding ghi
// (applied per token) and the correction cm1 = (gamma / ghi)^len - 1 from double
// (applied once after the run).
__device__ __forceinline__ void decode_gamma(float s, int64_t len, float& ghi, float& cm1) {
  const double gd = exp(-(double)s);
  ghi = (float)gd;
  const double rel = ghi >= 1.17549435e-38f ? log1p((gd - (double)ghi) / (double)ghi) : 0.0;
  cm1 = (float)expm1(rel * (double)len);
}

template <class T, int NT, bool VEC>
__global__ void __launch_bounds__(512) decode_kernel(const DecK<T> kp) {
  __shared__ __align__(16) float part[16][NT][32];  // [16-row group][token][column of the slice]
  const int nsl = (kp.d + 31) >> 5;
  const int64_t seq = blockIdx.x / nsl;
  const int h = blockIdx.y, col0 = (int)(blockIdx.x % nsl) * 32;
  const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31, rl = lane >> 3, cl = lane & 7;
  const int r = kp.r, d = kp.d, groups = blockDim.x >> 5;
  const int col = col0 + 4 * cl;
  const int cvalid = d - col < 4 ? d - col : 4;  // columns of this thread inside d (<= 0: none)
  int64_t b, t0, len;
  decode_seq(kp, seq, b, t0, len);
  const int64_t sbase = (seq * kp.H + h) * r;
  // the state first: its loads are the long pole
  float y[4][4];
#pragma unroll
  for (int kk = 0; kk < 4; ++kk) {
    const int i = 16 * warp + 4 * kk + rl;
    if (kp.sin && i < r) load4<float, VEC>(kp.sin + (sbase + i) * d + col, cvalid, y[kk]);
    else
#pragma unroll
      for (int c = 0; c < 4; ++c) y[kk][c] = 0.f;
  }
  const int64_t rowbase = (b * kp.H + h) * kp.N + t0;
  float kx[NT][4], qx[NT][4], vv[NT][4];
#pragma unroll
  for (int t = 0; t < NT; ++t) {
    const bool tok = t < len;
    const int64_t row = rowbase + t;
#pragma unroll
    for (int kk = 0; kk < 4; ++kk) {
      const int i = 16 * warp + 4 * kk + rl;
      const bool ok = tok && i < r;
      kx[t][kk] = ok ? ldf(kp.k + row * r + i) : 0.f;
      qx[t][kk] = ok ? ldf(kp.q + row * r + i) : 0.f;
    }
    if (tok) load4<T, VEC>(kp.v + row * d + col, cvalid, vv[t]);
    else
#pragma unroll
      for (int c = 0; c < 4; ++c) vv[t][c] = 0.f;
  }
  // gamma exactly as scan_kernel forms it
  float ghi, cm1;
  decode_gamma(kp.decay[h], len, ghi, cm1);
#pragma unroll
  for (int t = 0; t < NT; ++t) {
    if (t < len) {
      float o[4] = {0.f, 0.f, 0.f, 0.f};
#pragma unroll
      for (int kk = 0; kk < 4; ++kk)
#pragma unroll
        for (int c = 0; c < 4; ++c) {
          y[kk][c] = fmaf(ghi, y[kk][c], kx[t][kk] * vv[t][c]);
          o[c] = fmaf(qx[t][kk], y[kk][c], o[c]);
        }
#pragma unroll
      for (int c = 0; c < 4; ++c) {
        o[c] += __shfl_xor_sync(0xffffffffu, o[c], 8);   // rows rl = 0+1, 2+3
        o[c] += __shfl_xor_sync(0xffffffffu, o[c], 16);  // (0+1) + (2+3)
      }
      if (rl == 0) *reinterpret_cast<float4*>(&part[warp][t][4 * cl]) = make_float4(o[0], o[1], o[2], o[3]);
    }
  }
  correct_gamma(y, cm1);  // the scan's per-tile correction (N < TT: one tile)
  if (kp.sout) {
#pragma unroll
    for (int kk = 0; kk < 4; ++kk) {
      const int i = 16 * warp + 4 * kk + rl;
      if (i < r && cvalid > 0) {
        float* dst = kp.sout + (sbase + i) * d + col;
        if constexpr (VEC) {
          *reinterpret_cast<float4*>(dst) = make_float4(y[kk][0], y[kk][1], y[kk][2], y[kk][3]);
        } else {
#pragma unroll
          for (int c = 0; c < 4; ++c)
            if (c < cvalid) dst[c] = y[kk][c];
        }
      }
    }
  }
  __syncthreads();
  for (int idx = tid; idx < NT * 32; idx += blockDim.x) {  // one warp when r <= 16
    const int t = idx >> 5, cc = idx & 31;
    if (t < len && col0 + cc < d) {
      float sum = 0.f;
      for (int g = 0; g < groups; ++g) sum += part[g][t][cc];
      stf(kp.o + (rowbase + t) * d + col0 + cc, kp.scale * sum);
    }
  }
}

// decode_staged_kernel: the same arithmetic (bitwise), with the state slice [r][32]
// staged through shared memory by cp.async instead of registers, so a CTA of WARPS warps
// (each looping over 16-row groups g = warp, warp + WARPS, ...) keeps all of its state
// in flight with few registers: more CTAs per SM and more bytes in flight at large B.
// Needs 16-byte vectors (d % 4 == 0, aligned state) and its shared memory <= 48 KB.
__host__ __device__ inline int staged_kq_floats(int r, int nt) { return (2 * nt * r + 3) & ~3; }  // 16-byte multiple
template <class T> __host__ __device__ inline int staged_smem_floats(int r, int nt) {
  const int groups = (r + 15) / 16;
  return r * 32 + staged_kq_floats(r, nt) + nt * 32 + groups * nt * 32;  // state, k|q, v, partial sums
}

template <class T, int NT, int WARPS>
__global__ void __launch_bounds__(WARPS * 32) decode_staged_kernel(const DecK<T> kp) {
  extern __shared__ __align__(16) float sm[];
  const int nsl = (kp.d + 31) >> 5;
  const int64_t seq = blockIdx.x / nsl;
  const int h = blockIdx.y, col0 = (int)(blockIdx.x % nsl) * 32;
  const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31, rl = lane >> 3, cl = lane & 7;
  const int r = kp.r, d = kp.d, groups = (r + 15) >> 4;
  const int wcols = d - col0 < 32 ? d - col0 : 32;  // a multiple of 4
  float* st = sm;                 // [r][32]
  float* kf = st + r * 32;        // [NT][r]
  float* qf = kf + NT * r;        // [NT][r]
  float* vf = kf + staged_kq_floats(r, NT);  // [NT][32] (16-byte aligned)
  float* part = vf + NT * 32;     // [groups][NT][32]
  int64_t b, t0, len;
  decode_seq(kp, seq, b, t0, len);
  const int64_t sbase = (seq * kp.H + h) * r;
  if (kp.sin) {
    for (int idx = tid; idx < r * 8; idx += WARPS * 32) {
      const int i = idx >> 3, c = 4 * (idx & 7);
      const bool ok = c < wcols;
      cp_async16(st + i * 32 + c, kp.sin + (ok ? (sbase + i) * d + col0 + c : 0), ok ? 16 : 0);
    }
  }
  cp_async_commit();
  const int64_t rowbase = (b * kp.H + h) * kp.N + t0;
  for (int idx = tid; idx < NT * r; idx += WARPS * 32) {
    const int t = idx / r, i = idx - t * r;
    const bool ok = t < len;
    kf[idx] = ok ? ldf(kp.k + (rowbase + t) * r + i) : 0.f;
    qf[idx] = ok ? ldf(kp.q + (rowbase + t) * r + i) : 0.f;
  }
  for (int idx = tid; idx < NT * 32; idx += WARPS * 32) {
    const int t = idx >> 5, c = idx & 31;
    vf[idx] = (t < len && c < wcols) ? ldf(kp.v + (rowbase + t) * d + col0 + c) : 0.f;
  }
  float ghi, cm1;
  decode_gamma(kp.decay[h], len, ghi, cm1);
  cp_async_wait_all();
  __syncthreads();
  for (int g = warp; g < groups; g += WARPS) {
    float y[4][4];
#pragma unroll
    for (int kk = 0; kk < 4; ++kk) {
      const int i = 16 * g + 4 * kk + rl;
      if (kp.sin && i < r) {
        const float4 a = *reinterpret_cast<const float4*>(st + i * 32 + 4 * cl);
        y[kk][0] = a.x; y[kk][1] = a.y; y[kk][2] = a.z; y[kk][3] = a.w;
      } else {
#pragma unroll
        for (int c = 0; c < 4; ++c) y[kk][c] = 0.f;
      }
    }
#pragma unroll
    for (int t = 0; t < NT; ++t) {
      if (t < len) {
        float o[4] = {0.f, 0.f, 0.f, 0.f};
        const float4 v4 = *reinterpret_cast<const float4*>(vf + t * 32 + 4 * cl);
        const float vv[4] = {v4.x, v4.y, v4.z, v4.w};
#pragma unroll
        for (int kk = 0; kk < 4; ++kk) {
          const int i = 16 * g + 4 * kk + rl;
          const float kx = i < r ? kf[t * r + i] : 0.f, qx = i < r ? qf[t * r + i] : 0.f;
#pragma unroll
          for (int c = 0; c < 4; ++c) {
            y[kk][c] = fmaf(ghi, y[kk][c], kx * vv[c]);
            o[c] = fmaf(qx, y[kk][c], o[c]);
          }
        }
#pragma unroll
        for (int c = 0; c < 4; ++c) {
          o[c] += __shfl_xor_sync(0xffffffffu, o[c], 8);
          o[c] += __shfl_xor_sync(0xffffffffu, o[c], 16);
        }
        if (rl == 0) *reinterpret_cast<float4*>(part + (g * NT + t) * 32 + 4 * cl) = make_float4(o[0], o[1], o[2], o[3]);
      }
    }
    correct_gamma(y, cm1);
    if (kp.sout) {
#pragma unroll
      for (int kk = 0; kk < 4; ++kk) {
        const int i = 16 * g + 4 * kk + rl;
        if (i < r && 4 * cl < wcols)
          *reinterpret_cast<float4*>(kp.sout + (sbase + i) * d + col0 + 4 * cl) =
              make_float4(y[kk][0], y[kk][1], y[kk][2], y[kk][3]);
      }
    }
  }
  __syncthreads();
  for (int idx = tid; idx < NT * 32; idx += WARPS * 32) {
    const int t = idx >> 5, cc = idx & 31;
    if (t < len && col0 + cc < d) {
      float sum = 0.f;
      for (int g = 0; g < groups; ++g) sum += part[(g * NT + t) * 32 + cc];
      stf(kp.o + (rowbase + t) * d + col0 + cc, kp.scale * sum);
    }
  }
}

// decode_rows_kernel: the same arithmetic (bitwise) with whole rows per warp
// instruction: one CTA per (sequence, head, 128-column slice); warp w takes the 16-row
// groups g = w, w + WARPS, ...; lane l owns columns col0 + 4l .. +3 of all 16 rows of
// its group (64 floats in registers), so every state load or store of a warp covers 512
// contiguous bytes of one row (the other variants cover 4 rows x 128 bytes). Lane l's
// partial q.S is kept apart per row lane rl (rows 16g + 4kk + rl) and combined as
// (o0 + o1) + (o2 + o3): decode_kernel's order. q and k are staged once per CTA in shared memory (after the state loads are issued).
// Needs 16-byte vectors. Measured (H200, B=64, in place): with streaming cache hints
// and q, k read by every lane 83 us; without hints 79; staged q, k (this) 74; staged
// with <= 80 registers (3 CTAs per SM) 89.
constexpr int DEC_ROWS_COLS = 128;

template <class T, int NT, int WARPS>
__global__ void __launch_bounds__(WARPS * 32) decode_rows_kernel(const DecK<T> kp) {
  __shared__ __align__(16) float part[16][NT][DEC_ROWS_COLS];  // [16-row group][token][column]
  __shared__ float qk_s[2 * NT * 256];                            // [token][k | q][row]
  const int nsl = (kp.d + DEC_ROWS_COLS - 1) / DEC_ROWS_COLS;
  const int64_t seq = blockIdx.x / nsl;
  const int h = blockIdx.y, col0 = (int)(blockIdx.x % nsl) * DEC_ROWS_COLS;
  const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
  const int r = kp.r, d = kp.d, groups = (r + 15) >> 4;
  const int col = col0 + 4 * lane;
  const bool cok = col < d;  // d % 4 == 0: a lane's 4 columns are all inside or all outside
  int64_t b, t0, len;
  decode_seq(kp, seq, b, t0, len);
  const int64_t sbase = (seq * kp.H + h) * r;
  const int64_t rowbase = (b * kp.H + h) * kp.N + t0;
  float ghi = 0.f, cm1 = 0.f;  // formed below, while the first state loads are in flight
  // Every warp runs the same number of rounds (g may be past the last group: no rows),
  // so the staging barrier in round 0, after the state loads are in flight, is uniform.
  for (int g0 = 0; g0 < groups; g0 += WARPS) {
    const int g = g0 + warp;
    float y[16][4];
#pragma unroll
    for (int i = 0; i < 16; ++i) {
      const int row = 16 * g + i;
      if (kp.sin && row < r && cok) {
        const float4 a = *reinterpret_cast<const float4*>(kp.sin + (sbase + row) * d + col);
        y[i][0] = a.x; y[i][1] = a.y; y[i][2] = a.z; y[i][3] = a.w;
      } else {
#pragma unroll
        for (int c = 0; c < 4; ++c) y[i][c] = 0.f;
      }
    }
    if (g0 == 0) {
      decode_gamma(kp.decay[h], len, ghi, cm1);
      for (int idx = tid; idx < 2 * NT * r; idx += WARPS * 32) {
        const int t = idx / (2 * r), w = idx % (2 * r), row = w % r;
        const T* src = w < r ? kp.k : kp.q;
        qk_s[(2 * t + (w < r ? 0 : 1)) * 256 + row] = t < len ? ldf(src + (rowbase + t) * r + row) : 0.f;
      }
      __syncthreads();
    }
    if (g >= groups) continue;
#pragma unroll
    for (int t = 0; t < NT; ++t) {
      if (t < len) {
        const int64_t row_t = rowbase + t;
        float vv[4];
        load4<T, true>(kp.v + row_t * d + col, cok ? 4 : 0, vv);
        float o[4][4];  // [row lane][column]
#pragma unroll
        for (int i = 0; i < 4; ++i)
#pragma unroll
          for (int c = 0; c < 4; ++c) o[i][c] = 0.f;
#pragma unroll
        for (int i = 0; i < 16; ++i) {  // i = 4 kk + rl: kk in increasing order per rl
          const int row = 16 * g + i;
          const float kx = row < r ? qk_s[(2 * t) * 256 + row] : 0.f;
          const float qx = row < r ? qk_s[(2 * t + 1) * 256 + row] : 0.f;
#pragma unroll
          for (int c = 0; c < 4; ++c) {
            y[i][c] = fmaf(ghi, y[i][c], kx * vv[c]);
            o[i & 3][c] = fmaf(qx, y[i][c], o[i & 3][c]);
          }
        }
        *reinterpret_cast<float4*>(&part[g][t][4 * lane]) =
            make_float4((o[0][0] + o[1][0]) + (o[2][0] + o[3][0]), (o[0][1] + o[1][1]) + (o[2][1] + o[3][1]),
                        (o[0][2] + o[1][2]) + (o[2][2] + o[3][2]), (o[0][3] + o[1][3]) + (o[2][3] + o[3][3]));
      }
    }
    correct_gamma(y, cm1);
    if (kp.sout && cok) {
#pragma unroll
      for (int i = 0; i < 16; ++i) {
        const int row = 16 * g + i;
        if (row < r) {
          *reinterpret_cast<float4*>(kp.sout + (sbase + row) * d + col) = make_float4(y[i][0], y[i][1], y[i][2], y[i][3]);
        }
      }
    }
  }
  __syncthreads();
  for (int idx = tid; idx < NT * DEC_ROWS_COLS; idx += WARPS * 32) {
    const int t = idx / DEC_ROWS_COLS, cc = idx % DEC_ROWS_COLS;
    if (t < len && col0 + cc < d) {
      float sum = 0.f;
      for (int g = 0; g < groups; ++g) sum += part[g][t][cc];
      stf(kp.o + (rowbase + t) * d + col0 + cc, kp.scale * sum);
    }
  }
}

// decode_bulk_kernel (Hopper, N = 1): the same arithmetic (bitwise) with the state
// streamed through shared memory by bulk asynchronous copies instead of per-thread
// loads. Persistent CTAs walk their (sequence, head) items in chunks of 32 state rows
// (two 16-row groups) through a ring of STAGES chunk buffers. Warp specialised: one
// producer warp (its lane 0) keeps the ring loading (state rows, the chunk's q and k
// entries and the item's v row, completing on the buffer's "full" mbarrier) and writes
// each updated chunk back with one bulk store once the compute warps mark the buffer
// done (its "done" mbarrier); the 8 compute warps only wait, update the chunk in shared
// memory and reduce the output. So the SM issues one instruction per 16 KB, reads stay
// in flight across item boundaries, and no compute thread serialises the copies (with
// thread 0 of the compute warps issuing them, H200 B=64: 74 us, 68% of DRAM peak; ncu
// showed the CTA barrier as the top stall).
// Compute warp w = (group gi = w / 4 of the chunk, row lane rl = w % 4) owns rows
// 16 (2c + gi) + 4 kk + rl, kk = 0..3, and lane l columns 4l .. 4l + 3 (+128): the
// thread-level order of decode_kernel. The per-group sums (o0 + o1) + (o2 + o3) and the
// running sum over groups (from 0.f, in order) are formed by one thread per column.
// Needs: r % 8 == 0 and d % 8 == 0 (16-byte rows of q, k, v chunks; r, d % 4 for
// float32), 16-byte aligned pointers, N == 1.
constexpr int DB_ROWS = 32, DB_COMPUTE = 256, DB_THREADS = DB_COMPUTE + 32;

struct DecBulkLayout {
  int q, k, v, stage, part, full, done, gam, total;
};
constexpr int DB_GAMMA_TABLE = 256;  // heads whose (gamma, correction) are tabled per CTA
__host__ __device__ inline DecBulkLayout dec_bulk_layout(int d, int esz, int stages) {
  auto r16 = [](int x) { return (x + 15) & ~15; };
  DecBulkLayout L;
  L.q = DB_ROWS * d * 4;             // state chunk [32][d] float32 at 0
  L.k = L.q + r16(DB_ROWS * esz);
  L.v = L.k + r16(DB_ROWS * esz);
  L.stage = (L.v + r16(d * esz) + 127) & ~127;
  L.part = stages * L.stage;         // [2 parities][2 groups][4 row lanes][d] float32
  L.full = L.part + 2 * 2 * 4 * d * 4;
  L.done = L.full + stages * 8;
  L.gam = L.done + stages * 8;
  L.total = L.gam + DB_GAMMA_TABLE * 8;
  return L;
}

template <class T, int STAGES>
__global__ void __launch_bounds__(DB_THREADS) decode_bulk_kernel(const DecK<T> kp, int64_t items) {
#ifdef LEET_BULK_COPY
  extern __shared__ __align__(128) unsigned char dsm[];
  const int r = kp.r, d = kp.d, esz = (int)sizeof(T);
  const DecBulkLayout L = dec_bulk_layout(d, esz, STAGES);
  float* part = reinterpret_cast<float*>(dsm + L.part);
  uint64_t* full = reinterpret_cast<uint64_t*>(dsm + L.full);
  uint64_t* done = reinterpret_cast<uint64_t*>(dsm + L.done);
  const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
  const int cpi = (r + DB_ROWS - 1) / DB_ROWS;  // chunks per item
  const int64_t my_items = blockIdx.x < items ? (items - 1 - blockIdx.x) / gridDim.x + 1 : 0;
  const int64_t chunks = my_items * cpi;
  // item j of this CTA -> (sequence, head) and its token row
  auto item_of = [&](int64_t j, int64_t& seq, int& h, int64_t& row_t) {
    const int64_t it = blockIdx.x + j * gridDim.x;
    seq = it / kp.H;
    h = (int)(it % kp.H);
    row_t = kp.cu ? (int64_t)h * kp.N + kp.cu[seq] : (seq * kp.H + h) * kp.N;  // packed: B = 1, token cu[seq]
  };
  // gamma (len = 1) tabled per head once per CTA when H <= DB_GAMMA_TABLE
  auto gamma_of = [&](int h, float& ghi, float& cm1) { decode_gamma(kp.decay[h], 1, ghi, cm1); };
  float2* gam = reinterpret_cast<float2*>(dsm + L.gam);
  const bool tabled = kp.H <= DB_GAMMA_TABLE;
  if (tid == 0) {
    for (int i = 0; i < STAGES; ++i) {
      mbar_init(&full[i], 1);
      mbar_init(&done[i], 1);
    }
    mbar_init_fence();
  }
  if (tabled)
    for (int h = tid; h < kp.H; h += DB_THREADS) gamma_of(h, gam[h].x, gam[h].y);
  __syncthreads();

  if (warp == DB_COMPUTE / 32) {  // ------------------------------------------ producer
    if (lane != 0) return;
    int64_t j = 0, seq = 0, row_t = 0;
    int c = 0, h = 0;
    item_of(0, seq, h, row_t);
    auto issue = [&](int64_t lc) {  // chunk lc = (j, c), the next one in order
      const int b = (int)(lc % STAGES);
      const int rows0 = c * DB_ROWS, nrows = min(DB_ROWS, r - rows0);
      unsigned char* st = dsm + b * L.stage;
      const uint32_t sbytes = kp.sin ? (uint32_t)nrows * d * 4 : 0, qbytes = (uint32_t)(nrows * esz), vbytes = (uint32_t)(d * esz);
      mbar_expect_tx(&full[b], sbytes + 2 * qbytes + vbytes);
      if (sbytes) bulk_load(st, kp.sin + ((seq * kp.H + h) * r + rows0) * d, sbytes, &full[b]);
      bulk_load(st + L.q, kp.q + row_t * r + rows0, qbytes, &full[b]);
      bulk_load(st + L.k, kp.k + row_t * r + rows0, qbytes, &full[b]);
      bulk_load(st + L.v, kp.v + row_t * d, vbytes, &full[b]);
      if (++c == cpi) {
        c = 0;
        if (++j < my_items) item_of(j, seq, h, row_t);
      }
    };
    // stores trail the loads: chunk s is stored once done; its buffer is reloaded with
    // chunk s + STAGES after the store has read it
    int64_t loaded = 0;
    for (; loaded < STAGES && loaded < chunks; ++loaded) issue(loaded);
    int64_t sj = 0, sseq = 0, srow = 0;
    int sc = 0, sh = 0;
    item_of(0, sseq, sh, srow);
    for (int64_t lc = 0; lc < chunks; ++lc) {
      const int b = (int)(lc % STAGES);
      mbar_wait(&done[b], (uint32_t)((lc / STAGES) & 1));
      const int rows0 = sc * DB_ROWS, nrows = min(DB_ROWS, r - rows0);
      if (kp.sout) bulk_store(kp.sout + ((sseq * kp.H + sh) * r + rows0) * d, dsm + b * L.stage, (uint32_t)nrows * d * 4);
      bulk_commit();
      if (++sc == cpi) {
        sc = 0;
        if (++sj < my_items) item_of(sj, sseq, sh, srow);
      }
      if (loaded < chunks) {
        bulk_wait_read<0>();  // the store just issued has read buffer b
        issue(loaded++);
      }
    }
    bulk_wait<0>();
    return;
  }

  // ------------------------------------------------------------------- compute warps
  const int gi = warp >> 2, rl = warp & 3;
  float total = 0.f;  // running output sum of column tid (tid < d)
  int cur_h = -1;
  float ghi = 0.f, cm1 = 0.f;
  int64_t j = 0, seq = 0, row_t = 0;
  int c = 0, h = 0;
  item_of(0, seq, h, row_t);
  for (int64_t lc = 0; lc < chunks; ++lc) {
    const int b = (int)(lc % STAGES), par = (int)(lc & 1);
    if (h != cur_h) {
      cur_h = h;
      if (tabled) {
        ghi = gam[h].x;
        cm1 = gam[h].y;
      } else {
        gamma_of(h, ghi, cm1);
      }
    }
    unsigned char* st = dsm + b * L.stage;
    float* S = reinterpret_cast<float*>(st);
    const T* qs = reinterpret_cast<const T*>(st + L.q);
    const T* ks = reinterpret_cast<const T*>(st + L.k);
    const T* vs = reinterpret_cast<const T*>(st + L.v);
    mbar_wait(&full[b], (uint32_t)((lc / STAGES) & 1));
    const int rows0 = c * DB_ROWS;
    for (int c0 = 4 * lane; c0 < d; c0 += 128) {
      float vv[4];
#pragma unroll
      for (int e = 0; e < 4; ++e) vv[e] = Num<T>::to_f(vs[c0 + e]);
      float o[4] = {0.f, 0.f, 0.f, 0.f};
#pragma unroll
      for (int kk = 0; kk < 4; ++kk) {
        const int rc = 16 * gi + 4 * kk + rl;  // row within the chunk
        const bool ok = rows0 + rc < r;
        float y[4] = {0.f, 0.f, 0.f, 0.f};
        if (ok && kp.sin) {
          const float4 a = *reinterpret_cast<const float4*>(S + rc * d + c0);
          y[0] = a.x; y[1] = a.y; y[2] = a.z; y[3] = a.w;
        }
        const float kx = ok ? Num<T>::to_f(ks[rc]) : 0.f, qx = ok ? Num<T>::to_f(qs[rc]) : 0.f;
#pragma unroll
        for (int e = 0; e < 4; ++e) {
          y[e] = fmaf(ghi, y[e], kx * vv[e]);
          o[e] = fmaf(qx, y[e], o[e]);
        }
        if (ok) {
          if (cm1 != 0.f)
#pragma unroll
            for (int e = 0; e < 4; ++e) y[e] = fmaf(y[e], cm1, y[e]);
          *reinterpret_cast<float4*>(S + rc * d + c0) = make_float4(y[0], y[1], y[2], y[3]);
        }
      }
      *reinterpret_cast<float4*>(part + ((par * 2 + gi) * 4 + rl) * d + c0) = make_float4(o[0], o[1], o[2], o[3]);
    }
    fence_async_shared();                                      // the updated rows, before the bulk store reads them
    asm volatile("bar.sync 1, %0;\n" ::"n"(DB_COMPUTE) : "memory");  // the compute warps only
    if (tid == 0) mbar_arrive(&done[b]);
    if (tid < d) {
      const float* pp = part + (par * 2) * 4 * d + tid;
      total += (pp[0] + pp[d]) + (pp[2 * d] + pp[3 * d]);
      if (16 * (2 * c + 1) < r) total += (pp[4 * d] + pp[5 * d]) + (pp[6 * d] + pp[7 * d]);
      if (c == cpi - 1) {
        stf(kp.o + row_t * d + tid, kp.scale * total);
        total = 0.f;
      }
    }
    if (++c == cpi) {
      c = 0;
      if (++j < my_items) item_of(j, seq, h, row_t);
    }
  }
#endif
}

template <class T>
DecK<T> decode_args(const AttnParams& p, const LaunchContext& ctx) {
  DecK<T> kp;
  kp.q = static_cast<const T*>(p.q); kp.k = static_cast<const T*>(p.k); kp.v = static_cast<const T*>(p.v);
  kp.o = static_cast<T*>(p.o);
  kp.decay = ctx.decay_rate; kp.sin = p.initial_state; kp.sout = p.final_state;
  kp.cu = p.cu_seqlens ? ctx.cu_seqlens : nullptr;
  kp.H = p.H; kp.N = p.N; kp.r = (int)p.r; kp.d = (int)p.d; kp.scale = (float)p.scale;
  return kp;
}

template <class T, int NT, int WARPS>
void launch_decode_staged_t(const AttnParams& p, const LaunchContext& ctx, int64_t seqs) {
  const dim3 grid((unsigned)(seqs * ceil_div(p.d, 32)), (unsigned)p.H);
  const size_t smem = (size_t)staged_smem_floats<T>((int)p.r, NT) * 4;
  decode_staged_kernel<T, NT, WARPS><<<grid, WARPS * 32, smem, ctx.stream>>>(decode_args<T>(p, ctx));
}

template <class T, int NT>
void launch_decode_rows_t(const AttnParams& p, const LaunchContext& ctx, int64_t seqs) {
  const dim3 grid((unsigned)(seqs * ceil_div(p.d, DEC_ROWS_COLS)), (unsigned)p.H);
  decode_rows_kernel<T, NT, 8><<<grid, 8 * 32, 0, ctx.stream>>>(decode_args<T>(p, ctx));
}

// Hopper with 16-byte rows: see decode_bulk_kernel.
bool decode_bulk_eligible(const AttnParams& p) {
  static int cc_major = -1;
  if (cc_major < 0) {
    int dev = 0;
    cc_major = 0;
    if (cudaGetDevice(&dev) != cudaSuccess || cudaDeviceGetAttribute(&cc_major, cudaDevAttrComputeCapabilityMajor, dev) != cudaSuccess)
      cc_major = 0;
    cudaGetLastError();
  }
  const int per16 = p.dtype == DType::F32 ? 4 : 8;  // elements per 16 bytes
  auto al = [](const void* x) { return (reinterpret_cast<uintptr_t>(x) & 15) == 0; };
  return cc_major >= 9 && p.N == 1 && p.r % per16 == 0 && p.d % per16 == 0 && al(p.q) && al(p.k) && al(p.v) &&
         al(p.initial_state) && al(p.final_state);
}

template <class T, int STAGES>
void launch_decode_bulk_st(const AttnParams& p, const LaunchContext& ctx, int64_t seqs) {
  const DecBulkLayout L = dec_bulk_layout((int)p.d, (int)sizeof(T), STAGES);
  // Per kernel instance: the largest dynamic shared memory set so far, and the occupancy
  // for the last size asked (no attribute or occupancy query per decode step).
  static int set_bytes = 0, occ_bytes = -1, occ = 1;
  if (L.total > set_bytes) {
    cuda_check(cudaFuncSetAttribute(decode_bulk_kernel<T, STAGES>, cudaFuncAttributeMaxDynamicSharedMemorySize, L.total),
               "cudaFuncSetAttribute");
    set_bytes = L.total;
  }
  if (L.total != occ_bytes) {
    if (cudaOccupancyMaxActiveBlocksPerMultiprocessor(&occ, decode_bulk_kernel<T, STAGES>, DB_THREADS, L.total) != cudaSuccess || occ < 1)
      occ = 1;
    cudaGetLastError();
    occ_bytes = L.total;
  }
  const int64_t items = seqs * p.H;
  const int64_t grid = std::min<int64_t>(items, (int64_t)occ * ctx.multiprocessors);
  decode_bulk_kernel<T, STAGES><<<(unsigned)grid, DB_THREADS, L.total, ctx.stream>>>(decode_args<T>(p, ctx), items);
}

// Ring depth: 6 chunks where the shared memory allows (H200, B=64 H=32 r=d=128, float32:
// 71.0 us vs 71.8 with 4; before the producer warp, 8 stages fit one CTA per SM and took
// 100 us), else 4 (d > ~200 for 6). Developer override LEET_CUDA_DEC5_STAGES=4|6.
template <class T>
void launch_decode_bulk_t(const AttnParams& p, const LaunchContext& ctx, int64_t seqs) {
  static int optin = 0;
  if (optin == 0) {
    int dev = 0;
    if (cudaGetDevice(&dev) != cudaSuccess || cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, dev) != cudaSuccess)
      optin = 48 * 1024;
    cudaGetLastError();
  }
  const char* env = getenv("LEET_CUDA_DEC5_STAGES");
  const bool six = env ? env[0] == '6' : true;
  if (six && dec_bulk_layout((int)p.d, (int)sizeof(T), 6).total <= optin) launch_decode_bulk_st<T, 6>(p, ctx, seqs);
  else launch_decode_bulk_st<T, 4>(p, ctx, seqs);
}

template <class T, int NT, bool VEC>
void launch_decode_t(const AttnParams& p, const LaunchContext& ctx, int64_t seqs) {
  const dim3 grid((unsigned)(seqs * ceil_div(p.d, 32)), (unsigned)p.H);
  decode_kernel<T, NT, VEC><<<grid, (unsigned)(ceil_div(p.r, 16) * 32), 0, ctx.stream>>>(decode_args<T>(p, ctx));
}

// The short-input path, when it applies (returns false otherwise: the scan runs).
// Variants (all bitwise equal): 1 = decode_kernel (state in registers), 2 / 3 =
// decode_staged_kernel with 4 / 8 warps (state through shared memory), 4 =
// decode_rows_kernel (whole rows per warp instruction), 5 = decode_bulk_kernel (Hopper
// bulk copies, N = 1). Developer override LEET_CUDA_DECODE=0 (the scan; the harness
// compares them), 1, 2, 3, 4 or 5.
// Default: the register kernel (1) for small grids (small B: latency bound, one wave);
// for grids many waves deep (large B: bandwidth bound) the bulk kernel (5) where it
// applies (Hopper, N = 1, 16-byte rows), else the staged kernel (2). H200, B=64 H=32
// r=d=128, events after a read flush: 1 / 2 / 4 / 5 = 74-81 / 75 / 74 / 73 us (floor 63).
int decode_variant(const AttnParams& p, const LaunchContext& ctx, int64_t seqs) {
  const int64_t ctas = seqs * p.H * ceil_div(p.d, 32);
  if (ctas < 8 * (int64_t)ctx.multiprocessors) return 1;
  return decode_bulk_eligible(p) ? 5 : 2;
}

}  // namespace

bool launch_recurrent_short(const AttnParams& p, const LaunchContext& ctx) {
  const char* env = getenv("LEET_CUDA_DECODE");
  if ((env && env[0] == '0') || p.N > DEC_MAXN || p.r > 256 || p.d > 256) return false;
  if (p.cu_seqlens && !ctx.cu_seqlens) return false;
  const int64_t seqs = num_sequences(p);
  if (seqs <= 0 || seqs > 0x7fffffff / ceil_div(p.d, 32) || p.H > 65535) return false;
  // 16-byte state vectors and 4-element v vectors: d % 4 == 0 and aligned pointers
  auto al = [](const void* ptr, uintptr_t a) { return (reinterpret_cast<uintptr_t>(ptr) & (a - 1)) == 0; };
  const uintptr_t va = p.dtype == DType::F32 ? 16 : 8;
  const bool vec = p.d % 4 == 0 && al(p.initial_state, 16) && al(p.final_state, 16) && al(p.v, va);
  int variant = (env && env[0] >= '1' && env[0] <= '5') ? env[0] - '0' : decode_variant(p, ctx, seqs);
  if (variant == 5 && !decode_bulk_eligible(p)) variant = 2;
  if (variant == 4 && !vec) variant = 1;
  if ((variant == 2 || variant == 3) && (!vec || staged_smem_floats<float>((int)p.r, (int)p.N) * 4 > 48 * 1024)) variant = 1;
  LEET_CUDA_DISPATCH(p.dtype, T, {
    if (variant == 5) {
      launch_decode_bulk_t<T>(p, ctx, seqs);
    } else if (variant == 1) {
      switch ((int)p.N) {
        case 1: vec ? launch_decode_t<T, 1, true>(p, ctx, seqs) : launch_decode_t<T, 1, false>(p, ctx, seqs); break;
        case 2: vec ? launch_decode_t<T, 2, true>(p, ctx, seqs) : launch_decode_t<T, 2, false>(p, ctx, seqs); break;
        case 3: vec ? launch_decode_t<T, 3, true>(p, ctx, seqs) : launch_decode_t<T, 3, false>(p, ctx, seqs); break;
        default: vec ? launch_decode_t<T, 4, true>(p, ctx, seqs) : launch_decode_t<T, 4, false>(p, ctx, seqs); break;
      }
    } else if (variant == 4) {
      switch ((int)p.N) {
        case 1: launch_decode_rows_t<T, 1>(p, ctx, seqs); break;
        case 2: launch_decode_rows_t<T, 2>(p, ctx, seqs); break;
        case 3: launch_decode_rows_t<T, 3>(p, ctx, seqs); break;
        default: launch_decode_rows_t<T, 4>(p, ctx, seqs); break;
      }
    } else if (variant == 2) {
      switch ((int)p.N) {
        case 1: launch_decode_staged_t<T, 1, 4>(p, ctx, seqs); break;
        case 2: launch_decode_staged_t<T, 2, 4>(p, ctx, seqs); break;
        case 3: launch_decode_staged_t<T, 3, 4>(p, ctx, seqs); break;
        default: launch_decode_staged_t<T, 4, 4>(p, ctx, seqs); break;
      }
    } else {
      switch ((int)p.N) {
        case 1: launch_decode_staged_t<T, 1, 8>(p, ctx, seqs); break;
        case 2: launch_decode_staged_t<T, 2, 8>(p, ctx, seqs); break;
        case 3: launch_decode_staged_t<T, 3, 8>(p, ctx, seqs); break;
        default: launch_decode_staged_t<T, 4, 8>(p, ctx, seqs); break;
      }
    }
  });
  return true;
}

}  // namespace leet::cuda
