// Packed batches of short sequences for the chunked methods (blocked, lightning, fused).
//
// A packed sequence of at most one chunk (64 tokens) is, for each of those methods, a
// single chunk with a zero state: O = ((Q K^T) . D) V with D[i][j] = scale gamma^(i-j)
// for j <= i in the same sequence. Their own kernels give each such sequence a CTA, a
// chunk padded to 64 tokens and (blocked, fused) a state in scratch: a batch of 4096
// sequences of 4 tokens took 4.6 to 57 ms on an H100 at H = 32, r = d = 128, against a
// memory floor of 0.18 ms (bench/h100-2026-11-26-za, `bench-auto --grid varlen`).
//
// Here one CTA takes a tile of consecutive whole sequences, at most 64 tokens in all, for
// one head: Q, K and V of the tile are widened to float32 in shared memory; the 4 x 4
// blocks of Q K^T that hold a pair of one sequence with j <= i are listed, and each thread
// computes one by float32 FMA (the others are left zero); the blocks are masked and
// decayed into P^T in shared memory, and each thread then sums 4 rows x 8 value columns of
// P V. Every product is float32 FMA on CUDA cores whatever the input type or precision: as
// accurate as the float32 recurrence, and a tile's work is small.
//
// It applies where no initial state comes in (its term q_i S0 would need each sequence's
// r x d state in shared memory), for 16-bit inputs where the short sequences average at
// most 48 tokens, and:
// - where every packed sequence has at most 64 tokens: the whole call, final states
//   (returnState) included, from the K and V tiles;
// - for lightning and fused, also where at least 32 short sequences sit among longer ones
//   and no final state is asked for: the short ones, the methods' kernels then skipping
//   them (LaunchContext::skip_upto).
// LEET_CUDA_SHORT=0 turns it off; LEET_CUDA_SHORT=all drops the 16-bit mean limit.
#include <cstdlib>
#include <cstring>
#include <type_traits>
#include <vector>

#include "common.cuh"

namespace leet::cuda {
namespace {

constexpr int kTile = (int)kShortMax;  // tokens per tile (and the longest sequence taken)
constexpr int kThreads = 256;  // 16 x 16 blocks of 4 x 4 over a 64 x 64 tile

// A tile: tokens [t0, t0 + len) of the packed stream, sequences seq0 .. seq0 + nseq - 1.
struct ShortTile {
  int64_t t0;
  int32_t len, seq0, nseq, pad;
};

template <class T> struct ShortK {
  const T* q; const T* k; const T* v; T* o;
  float* fin;  // [S, H, r, d] final states, or null
  const ShortTile* tiles; const int64_t* cu; const float* decay;
  int64_t N; int r, d; float scale;
  int qk_vec, v_vec, o_vec;  // 4-element loads of Q and K, of V; 8-element stores of O
};

// Shared-memory layout (floats): A = Q tile, later P^T; K tile; V tile; then the decay
// tables (scale gamma^n and gamma^n) and each token's sequence start. Q and K rows hold a
// multiple of 32 floats, their 16-byte groups XOR-swizzled by the row's 4-row block
// (qk_swz): the 4 x 4 blocks of Q K^T that a warp's lanes take read rows of different
// blocks, which then fall in different bank groups.
struct ShortLayout {
  int ldq, ldv, ldp, a, k, v, gp, g1, st, bytes;
};
// The 16-byte group of float4 column c4 of Q or K row `row` in shared memory.
__device__ __forceinline__ int qk_swz(int row, int c4) { return c4 ^ ((row >> 2) & 7); }
__host__ __device__ inline ShortLayout short_layout(int r, int d) {
  ShortLayout L;
  L.ldq = ((r + 31) / 32) * 32;
  L.ldv = ((d + 7) / 8) * 8;
  L.ldp = kTile + 4;
  L.a = 0;
  L.k = L.a + kTile * (L.ldq > L.ldp ? L.ldq : L.ldp);
  L.v = L.k + kTile * L.ldq;
  L.gp = L.v + kTile * L.ldv;
  L.g1 = L.gp + kTile;
  L.st = L.g1 + kTile;  // st[64], then the list of blocks with pairs and per-warp counts
  L.bytes = (L.st + kTile + 16 * 16 + kThreads / 32) * 4;
  return L;
}

// One tensor's rows [0, len) of the tile into float rows of ld, by 4-element vector loads
// (width a multiple of 4; the columns from width to 4 * per are zero-filled). Item m of
// thread t is item t + m * kThreads: (row, column) advance by constant steps, so there is
// no division per item. All U loads are issued before any conversion or store.
template <class T, int U> struct RowLoader {
  using Raw = std::conditional_t<sizeof(T) == 4, float4, uint2>;
  Raw raw[U];
  int row0, c0, per, total, drow, dc;
  __device__ __forceinline__ RowLoader(int len, int per_) : per(per_) {
    total = len * per;
    row0 = threadIdx.x / per;
    c0 = threadIdx.x % per;
    drow = kThreads / per;
    dc = kThreads % per;
  }
  __device__ __forceinline__ void step(int& row, int& c) const {
    row += drow;
    c += dc;
    if (c >= per) {
      c -= per;
      ++row;
    }
  }
  // items base + u * kThreads, starting at (row, c)
  __device__ __forceinline__ void load(const T* src, int width, int base, int row, int c) {
#pragma unroll
    for (int u = 0; u < U; ++u, step(row, c)) {
      if (base + u * kThreads >= total) break;
      if (4 * c < width) raw[u] = *reinterpret_cast<const Raw*>(src + (int64_t)row * width + 4 * c);
      else raw[u] = Raw{};
    }
  }
  __device__ __forceinline__ void store(float* dst, int ld, bool swz, int base, int row, int c) const {
#pragma unroll
    for (int u = 0; u < U; ++u, step(row, c)) {
      if (base + u * kThreads >= total) break;
      float4 x;
      if constexpr (sizeof(T) == 4) {
        x = raw[u];
      } else {
        const T* e = reinterpret_cast<const T*>(&raw[u]);
        x = make_float4(Num<T>::to_f(e[0]), Num<T>::to_f(e[1]), Num<T>::to_f(e[2]), Num<T>::to_f(e[3]));
      }
      *reinterpret_cast<float4*>(dst + row * ld + 4 * (swz ? qk_swz(row, c) : c)) = x;
    }
  }
};

// Rows [0, len) element by element (r or d not a multiple of 4, or unaligned tensors).
template <class T>
__device__ __forceinline__ void load_rows_scalar(float* dst, int ld, bool swz, const T* src, int len, int width, int padded) {
  for (int idx = threadIdx.x; idx < len * padded; idx += kThreads) {
    const int row = idx / padded, c = idx % padded;
    const int at = swz ? 4 * qk_swz(row, c >> 2) + (c & 3) : c;
    dst[row * ld + at] = c < width ? ldf(src + (int64_t)row * width + c) : 0.f;
  }
}

// The tile's Q, K and V into shared memory. Vector path: batches of U items per tensor and
// thread, the three tensors' loads in flight together (at r = d = 128 one batch).
template <class T>
__device__ __forceinline__ void load_tile(float* Qs, float* Ks, float* Vs, const ShortLayout& L, const ShortK<T>& kp,
                                          int64_t row0, int len) {
  constexpr int U = sizeof(T) == 4 ? 4 : 8;
  const T* q = kp.q + row0 * kp.r;
  const T* k = kp.k + row0 * kp.r;
  const T* v = kp.v + row0 * kp.d;
  if (!kp.qk_vec || !kp.v_vec) {
    load_rows_scalar(Qs, L.ldq, true, q, len, kp.r, L.ldq);
    load_rows_scalar(Ks, L.ldq, true, k, len, kp.r, L.ldq);
    load_rows_scalar(Vs, L.ldv, false, v, len, kp.d, L.ldv);
    return;
  }
  RowLoader<T, U> lq(len, L.ldq / 4), lk(len, L.ldq / 4), lv(len, L.ldv / 4);
  int rq = lq.row0, cq = lq.c0, rv = lv.row0, cv = lv.c0;
  const int n = lq.total > lv.total ? lq.total : lv.total;
  for (int base = threadIdx.x; base < n; base += U * kThreads) {
    lq.load(q, kp.r, base, rq, cq);
    lk.load(k, kp.r, base, rq, cq);
    lv.load(v, kp.d, base, rv, cv);
    lq.store(Qs, L.ldq, true, base, rq, cq);
    lk.store(Ks, L.ldq, true, base, rq, cq);
    lv.store(Vs, L.ldv, false, base, rv, cv);
    for (int u = 0; u < U; ++u) {
      lq.step(rq, cq);
      lv.step(rv, cv);
    }
  }
}

template <class T>
__global__ void __launch_bounds__(kThreads, 2) short_seqs_kernel(const ShortK<T> kp) {
  extern __shared__ __align__(16) float sm[];
  const ShortTile tile = kp.tiles[blockIdx.x];
  const int h = blockIdx.y, tid = threadIdx.x, len = tile.len;
  const int r = kp.r, d = kp.d;
  const ShortLayout L = short_layout(r, d);
  float* Qs = sm + L.a;
  float* Pt = sm + L.a;  // P^T [j][i] replaces Q once Q K^T is in registers
  float* Ks = sm + L.k;
  float* Vs = sm + L.v;
  float* gp = sm + L.gp;
  float* g1 = sm + L.g1;
  int* st = reinterpret_cast<int*>(sm + L.st);

  // decay tables scale gamma^n and gamma^n (from double: no rounding compounds) and
  // sequence starts
  if (tid < kTile) {
    const double gn = exp(-(double)kp.decay[h] * tid);
    gp[tid] = (float)((double)kp.scale * gn);
    g1[tid] = (float)gn;
    st[tid] = tid + 1;  // tokens past the tile: no pair
  }
  __syncthreads();
  for (int s = tid; s < tile.nseq; s += kThreads) {
    const int a = (int)(kp.cu[tile.seq0 + s] - tile.t0), e = (int)(kp.cu[tile.seq0 + s + 1] - tile.t0);
    for (int i = a; i < e; ++i) st[i] = a;
  }
  const int64_t row0 = h * kp.N + tile.t0;
  load_tile(Qs, Ks, Vs, L, kp, row0, len);
  __syncthreads();

  // P = Q K^T on the 4 x 4 blocks (ib, jb) that hold a pair of one sequence with j <= i,
  // listed first so that threads (and whole warps) without one do nothing: for sequences
  // of a few tokens only the diagonal blocks.
  const int lane = tid & 31, warp = tid >> 5;
  int* list = st + kTile;
  int* wsum = list + 16 * 16;
  {
    const int i0 = (tid >> 4) * 4, j0 = (tid & 15) * 4;
    bool active = false;
#pragma unroll
    for (int a = 0; a < 4; ++a) active |= (i0 + a < len && st[i0 + a] <= j0 + 3 && j0 <= i0 + a);
    const unsigned m = __ballot_sync(0xffffffffu, active);
    if (lane == 0) wsum[warp] = __popc(m);
    __syncthreads();
    int off = 0;
    for (int w = 0; w < warp; ++w) off += wsum[w];
    if (active) list[off + __popc(m & ((1u << lane) - 1))] = tid;
  }
  __syncthreads();
  int nact = 0;
  for (int w = 0; w < kThreads / 32; ++w) nact += wsum[w];
  const int blk = tid < nact ? list[tid] : -1;
  const int i0 = blk >= 0 ? (blk >> 4) * 4 : 0, j0 = blk >= 0 ? (blk & 15) * 4 : 0;
  // four partial sums per entry (the x, y, z, w lanes of the rows), added at the end: each
  // is a chain of r / 4 FMAs, as accurate as the float32 recurrence's split sums
  float4 acc[4][4];
#pragma unroll
  for (int a = 0; a < 4; ++a)
#pragma unroll
    for (int b = 0; b < 4; ++b) acc[a][b] = make_float4(0.f, 0.f, 0.f, 0.f);
  if (blk >= 0) {
    const int kq = (i0 >> 2) & 7, kk = (j0 >> 2) & 7;  // the block's swizzle keys (qk_swz)
    for (int c4 = 0; c4 < L.ldq / 4; ++c4) {
      float4 qa[4], kb[4];
#pragma unroll
      for (int a = 0; a < 4; ++a) qa[a] = *reinterpret_cast<const float4*>(Qs + (i0 + a) * L.ldq + 4 * (c4 ^ kq));
#pragma unroll
      for (int b = 0; b < 4; ++b) kb[b] = *reinterpret_cast<const float4*>(Ks + (j0 + b) * L.ldq + 4 * (c4 ^ kk));
#pragma unroll
      for (int a = 0; a < 4; ++a)
#pragma unroll
        for (int b = 0; b < 4; ++b) {
          float4& s = acc[a][b];
          s.x = fmaf(qa[a].x, kb[b].x, s.x);
          s.y = fmaf(qa[a].y, kb[b].y, s.y);
          s.z = fmaf(qa[a].z, kb[b].z, s.z);
          s.w = fmaf(qa[a].w, kb[b].w, s.w);
        }
    }
  }
  __syncthreads();  // every Q read: its space takes P^T
  {
    // this thread's own block id, when it holds no pair: zeros
    const int zi = (tid >> 4) * 4, zj = (tid & 15) * 4;
    bool active = false;
#pragma unroll
    for (int a = 0; a < 4; ++a) active |= (zi + a < len && st[zi + a] <= zj + 3 && zj <= zi + a);
    if (!active)
#pragma unroll
      for (int b = 0; b < 4; ++b) *reinterpret_cast<float4*>(Pt + (zj + b) * L.ldp + zi) = make_float4(0.f, 0.f, 0.f, 0.f);
  }
  if (blk >= 0) {
#pragma unroll
    for (int b = 0; b < 4; ++b) {
      const int j = j0 + b;
      float p[4];
#pragma unroll
      for (int a = 0; a < 4; ++a) {
        const int i = i0 + a;
        const float4 s = acc[a][b];
        p[a] = (i < len && st[i] <= j && j <= i) ? gp[i - j] * ((s.x + s.y) + (s.z + s.w)) : 0.f;
      }
      *reinterpret_cast<float4*>(Pt + j * L.ldp + i0) = make_float4(p[0], p[1], p[2], p[3]);
    }
  }
  __syncthreads();

  // O = P V: item (row group, 8-column group); a warp shares row groups (P broadcast).
  // Row groups in the order 0, 15, 1, 14, ...: a warp's two groups sum to one full row of
  // the triangle, so warps get even work.
  const int ncg = (d + 7) / 8;
  for (int item = tid; item < 16 * ncg; item += kThreads) {
    const int g = item / ncg, ig = 4 * ((g & 1) ? 15 - (g >> 1) : (g >> 1)), c0 = (item % ncg) * 8;
    if (ig >= len) continue;
    const int jlo = st[ig], jhi = ig + 3 < len ? ig + 3 : len - 1;
    float o[4][8] = {};
    for (int j = jlo; j <= jhi; ++j) {
      const float4 pj = *reinterpret_cast<const float4*>(Pt + j * L.ldp + ig);
      const float4 v0 = *reinterpret_cast<const float4*>(Vs + j * L.ldv + c0);
      const float4 v1 = *reinterpret_cast<const float4*>(Vs + j * L.ldv + c0 + 4);
      const float pa[4] = {pj.x, pj.y, pj.z, pj.w};
      const float vb[8] = {v0.x, v0.y, v0.z, v0.w, v1.x, v1.y, v1.z, v1.w};
#pragma unroll
      for (int a = 0; a < 4; ++a)
#pragma unroll
        for (int b = 0; b < 8; ++b) o[a][b] = fmaf(pa[a], vb[b], o[a][b]);
    }
#pragma unroll
    for (int a = 0; a < 4; ++a) {
      if (ig + a >= len) break;
      T* dst = kp.o + (row0 + ig + a) * d + c0;
      if (kp.o_vec) {
        if constexpr (sizeof(T) == 4) {
          reinterpret_cast<float4*>(dst)[0] = make_float4(o[a][0], o[a][1], o[a][2], o[a][3]);
          reinterpret_cast<float4*>(dst)[1] = make_float4(o[a][4], o[a][5], o[a][6], o[a][7]);
        } else {
          uint4 u;
          T* e = reinterpret_cast<T*>(&u);
#pragma unroll
          for (int b = 0; b < 8; ++b) e[b] = Num<T>::from_f(o[a][b]);
          *reinterpret_cast<uint4*>(dst) = u;
        }
      } else {
#pragma unroll
        for (int b = 0; b < 8; ++b)
          if (c0 + b < d) stf(dst + b, o[a][b]);
      }
    }
  }

  // Final states (returnState): S = sum_j gamma^(L-1-j) k_j^T v_j over each sequence, from
  // the K and V tiles still in shared memory; 4 x 4 blocks of S per thread, the value
  // columns fastest so that a warp's stores are contiguous.
  if (kp.fin) {
    const int nrb = (r + 3) / 4, ncb = (d + 3) / 4;
    const bool vec = (d & 3) == 0 && (reinterpret_cast<uintptr_t>(kp.fin) & 15) == 0;
    for (int s = 0; s < tile.nseq; ++s) {
      const int a = (int)(kp.cu[tile.seq0 + s] - tile.t0), e = (int)(kp.cu[tile.seq0 + s + 1] - tile.t0);
      float* dst = kp.fin + ((int64_t)(tile.seq0 + s) * gridDim.y + h) * r * d;  // gridDim.y = H
      for (int blk = tid; blk < nrb * ncb; blk += kThreads) {
        const int r0 = (blk / ncb) * 4, c0 = (blk % ncb) * 4;
        float acc[4][4] = {};
        for (int j = a; j < e; ++j) {
          const float w = g1[e - 1 - j];
          const float4 kk = *reinterpret_cast<const float4*>(Ks + j * L.ldq + 4 * qk_swz(j, r0 >> 2));
          const float4 vv = *reinterpret_cast<const float4*>(Vs + j * L.ldv + c0);
          const float ka[4] = {w * kk.x, w * kk.y, w * kk.z, w * kk.w};
          const float vb[4] = {vv.x, vv.y, vv.z, vv.w};
#pragma unroll
          for (int x = 0; x < 4; ++x)
#pragma unroll
            for (int y = 0; y < 4; ++y) acc[x][y] = fmaf(ka[x], vb[y], acc[x][y]);
        }
#pragma unroll
        for (int x = 0; x < 4; ++x) {
          if (r0 + x >= r) break;
          float* row = dst + (int64_t)(r0 + x) * d + c0;
          if (vec) {
            *reinterpret_cast<float4*>(row) = make_float4(acc[x][0], acc[x][1], acc[x][2], acc[x][3]);
          } else {
#pragma unroll
            for (int y = 0; y < 4; ++y)
              if (c0 + y < d) row[y] = acc[x][y];
          }
        }
      }
    }
  }
}

template <class T>
void run_short(const AttnParams& p, const LaunchContext& ctx, const std::vector<ShortTile>& tiles) {
  ShortTile* dev = static_cast<ShortTile*>(ctx.scratch(tiles.size() * sizeof(ShortTile)));
  upload(dev, tiles.data(), tiles.size() * sizeof(ShortTile), ctx.stream);
  ShortK<T> kp;
  kp.q = static_cast<const T*>(p.q); kp.k = static_cast<const T*>(p.k); kp.v = static_cast<const T*>(p.v);
  kp.o = static_cast<T*>(p.o);
  kp.fin = p.final_state;
  kp.tiles = dev; kp.cu = ctx.cu_seqlens; kp.decay = ctx.decay_rate;
  kp.N = p.N; kp.r = (int)p.r; kp.d = (int)p.d; kp.scale = (float)p.scale;
  auto al = [](const void* x, int bytes) { return (reinterpret_cast<uintptr_t>(x) % bytes) == 0; };
  constexpr int S = (int)sizeof(T);
  kp.qk_vec = p.r % 4 == 0 && al(p.q, 4 * S) && al(p.k, 4 * S);
  kp.v_vec = p.d % 4 == 0 && al(p.v, 4 * S);
  kp.o_vec = p.d % 8 == 0 && al(p.o, 8 * S);
  const int smem = short_layout(kp.r, kp.d).bytes;
  cuda_check(cudaFuncSetAttribute(short_seqs_kernel<T>, cudaFuncAttributeMaxDynamicSharedMemorySize, smem),
             "cudaFuncSetAttribute");
  short_seqs_kernel<T><<<dim3((unsigned)tiles.size(), (unsigned)p.H), kThreads, smem, ctx.stream>>>(kp);
}

}  // namespace

ShortDone launch_short_sequences(const AttnParams& p, const LaunchContext& ctx, bool some) {
  if (!p.cu_seqlens || p.initial_state || !ctx.cu_seqlens) return ShortDone::None;
  const char* env = getenv("LEET_CUDA_SHORT");  // 0: off; "all": also 16-bit of any mean
  if (env && env[0] == '0') return ShortDone::None;
  // tiles of consecutive short sequences; a longer sequence closes the tile before it
  std::vector<ShortTile> tiles;
  ShortTile cur{0, 0, 0, 0, 0};
  int64_t nshort = 0, short_tokens = 0;
  for (int64_t s = 0; s < p.num_seqs; ++s) {
    const int64_t t0 = p.cu_seqlens[s], n = p.cu_seqlens[s + 1] - t0;
    if (n > kTile || cur.len + n > kTile) {
      if (cur.nseq > 0) tiles.push_back(cur);
      cur = ShortTile{t0, 0, (int32_t)s, 0, 0};
      if (n > kTile) {
        cur.t0 = p.cu_seqlens[s + 1];
        cur.seq0 = (int32_t)(s + 1);
        continue;
      }
    }
    cur.len += (int32_t)n;
    cur.nseq += 1;
    ++nshort;
    short_tokens += n;
  }
  if (cur.nseq > 0) tiles.push_back(cur);
  const bool all = nshort == p.num_seqs;
  // Only some short sequences: worth a launch of its own from 32 of them (the methods'
  // kernels then skip them, LaunchContext::skip_upto), and only without final states
  // (lightning's walk indexes them by its segment table).
  if (tiles.empty() || (!all && (!some || nshort < 32 || p.final_state))) return ShortDone::None;
  // 16-bit inputs averaging more than 48 tokens a sequence: the methods' tensor-core
  // kernels are faster where the lengths are even (fp16, 256 sequences of 64 tokens,
  // H = 32, r = d = 128: 0.71 ms here, lightning 0.58; of 16 tokens: 0.40 against 2.1;
  // random lengths of 1 to 64 tokens: lightning 1.07)
  const bool any_mean = env && std::strcmp(env, "all") == 0;
  if (p.dtype != DType::F32 && short_tokens > 48 * nshort && !any_mean) return ShortDone::None;
  LEET_CUDA_DISPATCH(p.dtype, T, run_short<T>(p, ctx, tiles));
  return all ? ShortDone::All : ShortDone::Some;
}

}  // namespace leet::cuda
