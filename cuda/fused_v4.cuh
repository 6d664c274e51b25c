// Version 4 of method `fused` on CUDA: float32 at "exact" precision on the FP64 tensor
// cores (mma.sync m16n8k16 .f64, sm_90), any r and d, fixed-length or packed. A launch
// covers one block of up to R = 128 (or 64) of r (a.rb0 on; fewer are zero-padded on load)
// and d in blocks of the CTA's value columns (the last masked); r above 128 takes one pass
// per block, each adding its part to the output (a.accumulate). Included from
// fused_kernels.cuh after fused_v3.cuh (reuses Args, WgPlace, wg_slot and the host side).
// Design and measurements: docs/fused-design.md, "Fifth session" to "Seventh session", and
// "Thirteenth session" (the 128-column output CTAs).
//
// Why float64: 3xTF32 (version 3x) represents each float32 operand to 2^-22 and the
// tensor cores' float32 accumulation truncates, so its error stays several times that of
// a float32 recurrence. Float32 inputs are exact in float64, so here every product and
// every sum (the state included) is float64; the only roundings to float32 are the
// output, the staged segment states and the final state.
//
// Chunks of 32 tokens. Each CTA has eight mma warps and a producer warpgroup. The
// producer stages each chunk's Q, K and V by cp.async as float32 and widens them once into
// one of two float64 tile buffers (named barriers hand the buffers back and forth), so the
// mma warps never convert or wait on a copy. Every fragment load below is free of bank
// conflicts, and every 16-byte load lands in the registers the mma reads:
//   tiles   Q and V: rows of 128 or DV doubles, 16-byte pairs XOR-swizzled by row.
//           K: token pairs, (K[j][r], K[j + 8][r]) in one 16 bytes (v4k_off), which is
//           both an A fragment's row pair (P^T) and a B fragment's k pair (state update).
//   state   S^T[dv][r] stays in registers as mma accumulators, float64.
//   P^T     = K Q^T (six 16x8 tiles on or above the diagonal, 48 DMMA, 12 per scheduler),
//             masked and scaled by scale g^(i-j), into shared memory as P[i][j].
//   O^T     = S^T Q^T: A = the S^T accumulators themselves (the k order inside each
//             16-slot step is r = 2t, 2t+1, 8+2t, 9+2t, the accumulator's own order),
//             B = Q pairs (two 16-byte loads). Each warp sums a slice of r; the slices
//             meet through shared memory, each warp keeping some of the 32 tokens.
//   O^T     = diag(scale g^(i+1)) O^T + V^T P^T, stored as float32.
//   S^T     = g^Lc S^T + (V diag g^(Lc-1-j))^T K.
// Output CTA: 64 value columns (two per 128-column state block); mma warp w owns S^T rows
// dv 16(w&3).., r half w>>2. The 32-column variant (lightning's one walk per sequence at
// small B H) splits r in four: warp w owns dv 16(w&1).., r quarter w>>1, and keeps one
// token tile of 8 after the exchange. The 128-column variant (VF, fused where the segment
// model prefers it) is the state CTA's layout plus the output: no exchange, P once per
// head and chunk, made by the producer warpgroup beside the widening (into one of two P
// buffers, with the chunk's tiles), V kept float32 (a ring of three tiles) and widened
// where its fragments are loaded. State CTA: 128 columns, warp w owns dv rows 16w.. and
// all of r (128 accumulator registers).
#pragma once

constexpr int kV4C = 32;  // chunk (tokens)
constexpr int kV4Threads = 256;  // the mma warps
// Each CTA also has a producer warpgroup: it stages each chunk by cp.async and widens it
// into one of two float64 tile buffers while the eight mma warps work on the other. Each
// scheduler then holds three warps; setmaxnreg moves registers from the producer (56) to
// the mma warps (224) within the CTA's 168 per thread: 2 x 224 + 56 = 3 x 168.
constexpr int kV4ProdThreads = 128;
constexpr int kV4CtaThreads = kV4Threads + kV4ProdThreads;
// (The 128-column output kernel, VF below, takes the same split: its producer makes P with
// DMMA, and 40 registers, which served it before, spill 1 KB there.)
constexpr int kV4ProdRegs = 56, kV4MmaRegs = 224;
static_assert(2 * kV4MmaRegs + kV4ProdRegs <= 3 * ((65536 / kV4CtaThreads) & ~7), "setmaxnreg within the CTA's registers");

// DVO: the output kernel's value columns per CTA: 64 (fused, blocked: two CTAs per
// 128-column state block), or 32 (lightning's one walk per sequence when B H is small: four
// CTAs per 128 columns, twice the CTAs for the same walks). R: the r a CTA holds, 128 or
// 64 (the GEN kernels for r <= 64: half the tiles and half the products).
template <bool STATE_ONLY, int DVO = 64, int R = 128>
struct V4Layout {
  static constexpr int DV = STATE_ONLY ? 128 : DVO;  // value columns per CTA
  static constexpr int RS = STATE_ONLY ? 1 : 128 / DV;  // r slices (warps per dv rows)
  static constexpr int XT = 4 - 4 / RS;                 // token tiles a warp hands on
  // VF (the 128-column output kernel): V is never widened. Its float32 tiles land in a ring
  // of three (swizzled as K's staging) that the mma warps read and convert themselves;
  // float64 Q, K and V tiles in two buffers would not fit beside the staging.
  static constexpr bool VF = !STATE_ONLY && DVO == 128;
  // float32 staging (cp.async targets, rows): Q [32][R] (output kernel), K [32][R]
  // (pieces swizzled, v4_stage), V [32][DV] (VF: three of them, chunk c in c % 3)
  static constexpr int stk = STATE_ONLY ? 0 : kV4C * R * 4;
  static constexpr int stv = stk + kV4C * R * 4;
  static constexpr int vtile = kV4C * DV * 4;
  static constexpr int st_end = stv + (VF ? 3 : 1) * vtile;
  // float64 tiles, two buffers of `buf` bytes at t64: Q (output kernel; swizzled rows), K
  // (token pairs), V (swizzled rows; not with VF)
  static constexpr int qo = 0;
  static constexpr int ko = STATE_ONLY ? 0 : kV4C * R * 8;
  static constexpr int vo = ko + kV4C * R * 8;
  static constexpr int buf = vo + (VF ? 0 : kV4C * DV * 8);
  static constexpr int t64 = st_end;
  // P [32][pld] doubles (P[i][j], j <= i; the unused P[0..15][16..31] holds the second
  // k-halves of P[16..31][16..31], row i - 16); VF: two of them (chunk c in c & 1: the
  // producer makes P, see the kernel), rows of 32 swizzled (v4_p_at; 36 would not fit, and
  // rows of 34 measured 2-way conflicts on P V's loads). Then the r-slice partial sums of
  // O^T exchanged between warps (not with VF).
  static constexpr int pld = VF ? 32 : 36;
  static constexpr int np = VF ? 2 : 1;
  static constexpr int p64 = t64 + 2 * buf;
  static constexpr int x64 = p64 + (STATE_ONLY ? 0 : np * kV4C * pld * 8);
  // tables: dec[n + 32] = g^n, pd[n + 32] = scale g^n (0 for n < 0), n = -32..32
  static constexpr int tab = x64 + (STATE_ONLY ? 0 : 8 * XT * 4 * 32 * 8);
  static constexpr int bytes = tab + 2 * 65 * 8 + 16;  // + alignment to 16 bytes
};
static_assert(V4Layout<false>::bytes <= 232448, "v4 output kernel shared memory");
static_assert(V4Layout<false, 32>::bytes <= 232448, "v4 32-column output kernel shared memory");
static_assert(V4Layout<false, 128>::bytes <= 232448, "v4 128-column output kernel shared memory");
static_assert(V4Layout<true>::bytes <= 232448, "v4 state kernel shared memory");

// Byte offset of double (row j, col c) in a float64 tile with rows of `rw` doubles: the
// 16-byte pair c/2 is XORed with h(j) = 4(j & 1) + (j & 2), which spreads the four rows
// j..j+3 of a k-step (and two neighbouring rows of a 16-byte pair load) over all banks.
__device__ __forceinline__ uint32_t v4_off(int j, int c, int rw) {
  const int h = ((j & 1) << 2) | (j & 2);
  return (uint32_t)(j * rw * 8 + ((((c >> 1) ^ h)) << 4) + (c & 1) * 8);
}

// Byte offset of float (row j, col c) in a VF float32 V tile (rows of `rw` floats; the
// 16-byte piece c/4 XORed with 2(j & 3), as v4_stage's SWZ writes it). The fragment
// pattern, four rows t + 4n by eight columns g.., then falls on 32 banks.
__device__ __forceinline__ uint32_t v4f_off(int j, int c, int rw) {
  return (uint32_t)(j * rw * 4 + (((c >> 2) ^ ((j & 3) << 1)) << 4) + (c & 3) * 4);
}

// A V tile's offset (v4_off, or v4f_off for VF's float32 tiles), and the element dj rows
// further on from such an offset, as float64.
template <bool VF>
__device__ __forceinline__ uint32_t v4_voff(int j, int c, int rw) {
  return VF ? v4f_off(j, c, rw) : v4_off(j, c, rw);
}
template <bool VF, int DV>
__device__ __forceinline__ double v4_vat(const unsigned char* at, int dj) {
  if constexpr (VF) return (double)*reinterpret_cast<const float*>(at + dj * DV * 4);
  else return *reinterpret_cast<const double*>(at + dj * DV * 8);
}

// The K tile: 16 token pairs jp (tokens j = 16(jp >> 3) + (jp & 7) and j + 8) x 128 r,
// one 16-byte unit (K[j][r], K[j + 8][r]) each; unit r of pair jp sits at r ^ f(jp & 3),
// f = 0, 5, 2, 7. That keeps the three access patterns conflict-free: two neighbouring
// pairs x four even r (P^T's A), four pairs x two neighbouring r (the state update's B),
// and four pairs x two r four apart (the widening's stores).
__device__ __forceinline__ int v4k_f(int jp) { return ((jp & 1) ? 5 : 0) ^ ((jp & 2) ? 2 : 0); }
template <int R = 128>
__device__ __forceinline__ uint32_t v4k_off(int jp, int r) {
  return (uint32_t)((jp * R + (r ^ v4k_f(jp))) << 4);
}

#ifdef LEET_FUSED_V2_DEVICE
// D += A B, m16n8k16, float64 (A 16x16 row, B 16x8 col); fragment element e of a thread
// (g = lane / 4, t = lane % 4): A[g + 8(e & 1)][t + 4(e >> 1)], B[t + 4e][g],
// D[g + 8(e >> 1)][2t + (e & 1)]
__device__ __forceinline__ void dmma(double (&d)[4], const double (&a)[8], const double (&b)[4]) {
  asm("mma.sync.aligned.m16n8k16.row.col.f64.f64.f64.f64 {%0,%1,%2,%3}, {%4,%5,%6,%7,%8,%9,%10,%11}, "
      "{%12,%13,%14,%15}, {%0,%1,%2,%3};\n"
      : "+d"(d[0]), "+d"(d[1]), "+d"(d[2]), "+d"(d[3])
      : "d"(a[0]), "d"(a[1]), "d"(a[2]), "d"(a[3]), "d"(a[4]), "d"(a[5]), "d"(a[6]), "d"(a[7]),
        "d"(b[0]), "d"(b[1]), "d"(b[2]), "d"(b[3]));
}
#endif

// ROWS x COLS float32 rows (row stride ld) -> staging rows, by T threads; rows >=
// rows_valid and columns >= cols_valid zero (r below R, the last value columns). vec:
// the rows and g are 16-byte aligned, one 16-byte copy per piece; else four 4-byte copies
// (r or d not a multiple of 4). With SWZ (the K staging) 16-byte piece ch of row j sits at
// ch ^ 2(j & 3), so that V4WidenK's loads are conflict-free.
template <int COLS, bool SWZ, int T>
__device__ __forceinline__ void v4_stage(uint32_t dst, const float* g, int64_t ld, int rows_valid, int cols_valid,
                                         bool vec, int tid) {
  constexpr int CPR = COLS / 4;  // 16-byte pieces per row
  static_assert(T % CPR == 0, "whole rows per pass");
  const int ch = tid % CPR;
  const int cols = min(4, max(0, cols_valid - 4 * ch));  // floats of this piece inside the row
  auto piece = [&](int i, int& n, const float*& src) {  // pass i's piece: its shared address
    const int row = tid / CPR + i * (T / CPR);
    n = row < rows_valid ? cols : 0;
    src = n ? g + (int64_t)row * ld + ch * 4 : g;
    return dst + (uint32_t)(row * CPR + (SWZ ? ch ^ ((row & 3) << 1) : ch)) * 16;
  };
  if (vec && cols_valid >= COLS) {  // whole rows (r = 128, whole value blocks): the common case
#pragma unroll 1
    for (int i = 0; i < kV4C * CPR / T; ++i) {
      const int row = tid / CPR + i * (T / CPR);
      const bool ok = row < rows_valid;
      const int pos = row * CPR + (SWZ ? ch ^ ((row & 3) << 1) : ch);
      cp_async16_z(dst + (uint32_t)pos * 16, g + (ok ? (int64_t)row * ld : 0) + ch * 4, ok ? 16 : 0);
    }
  } else if (vec) {
#pragma unroll 1
    for (int i = 0; i < kV4C * CPR / T; ++i) {
      int n;
      const float* src;
      const uint32_t at = piece(i, n, src);
      cp_async16_z(at, src, 4 * n);
    }
  } else {
#pragma unroll 1
    for (int i = 0; i < kV4C * CPR / T; ++i) {
      int n;
      const float* src;
      const uint32_t at = piece(i, n, src);
#pragma unroll 1
      for (int e = 0; e < 4; ++e) cp_async4_z(at + 4 * e, e < n ? src + e : g, e < n ? 4 : 0);
    }
  }
}

// Staging rows of COLS floats -> float64 tile (v4_off layout). T threads share the
// kV4C * COLS / 4 pieces (piece p = tid + T i: row p / (COLS/4), four columns); a call
// moves N pieces per thread from piece index i0 on. All N loads come before any store:
// the compiler cannot move a shared-memory load above a store that may alias it, and one
// load, four conversions and two stores in a row measured as a latency-bound chain.
// Lanes whose column c has bit 4 set store their second pair first, so each group of 8
// lanes writes all 32 banks. A thread's rows are 4k apart, so their swizzle is the same
// and every address is one of two per-thread bases plus a constant.
template <int COLS, int T, int N>
struct V4Widen {
  static constexpr int CPR = COLS / 4, RPP = T / CPR;  // rows per pass
  static_assert(T % CPR == 0 && RPP % 4 == 0, "whole rows per pass, the same swizzle");
  float4 x[N];
  __device__ __forceinline__ void load(const unsigned char* stg, int tid, int i0) {
#pragma unroll
    for (int i = 0; i < N; ++i) x[i] = *reinterpret_cast<const float4*>(stg + (tid + T * (i0 + i)) * 16);
  }
  __device__ __forceinline__ void store(unsigned char* dst, int tid, int i0) const {
    const int row = tid / CPR, c = (tid % CPR) * 4, sw = (c >> 4) & 1;
    unsigned char* const d0 = dst + v4_off(row, c + 2 * sw, COLS);
    unsigned char* const d1 = dst + v4_off(row, c + 2 - 2 * sw, COLS);
#pragma unroll
    for (int i = 0; i < N; ++i) {
      const int off = (i0 + i) * RPP * COLS * 8;
      const float2 first = sw ? make_float2(x[i].z, x[i].w) : make_float2(x[i].x, x[i].y);
      const float2 second = sw ? make_float2(x[i].x, x[i].y) : make_float2(x[i].z, x[i].w);
      *reinterpret_cast<double2*>(d0 + off) = make_double2(first.x, first.y);
      *reinterpret_cast<double2*>(d1 + off) = make_double2(second.x, second.y);
    }
  }
};

// The K staging ([32][R] floats, v4_stage<R, true, T>) -> the token-pair tile
// (v4k_off). Piece p (0..4R-1) = tid + T i: token pair jp = (p & 3) | 4(p >> PB), 16-byte
// piece (four r) c4 = ((p >> 2) & 7) | 8((p >> 5) & (R/32 - 1)), PB = 7 (R = 128) or 6
// (R = 64). It loads rows j and j + 8 there and stores four units. Each group of 8 lanes
// covers four pairs x two pieces: all banks, loads and stores (row strides of 512 or 256
// bytes and pairs of 2048 or 1024 are whole multiples of the 128 banked bytes). A thread's
// pairs share jp & 3 (their swizzle): one load base and four store bases plus constants.
template <int T, int N, int R = 128>
struct V4WidenK {
  static constexpr int PB = R == 128 ? 7 : 6, PR = 1 << PB;  // pieces per 4 token pairs
  static_assert(R == 128 || R == 64, "r per CTA");
  static_assert(T % PR == 0, "piece bits 0..PB-1 from the thread");
  float4 x[N][2];  // [piece][row j, row j + 8]
  // piece tid + T i: q = p >> PB = (tid >> PB) + i T / PR (0..3), jp = (tid & 3) + 4q, and
  // row j = 16 (jp >> 3) + (jp & 7) = (tid & 3) + 4 (q & 1) + 16 (q >> 1)
  __device__ __forceinline__ static int q_of(int tid, int i) { return (tid >> PB) + i * (T / PR); }
  __device__ __forceinline__ static int c4_of(int tid) { return ((tid >> 2) & 7) | (((tid >> 5) & (R / 32 - 1)) << 3); }
  __device__ __forceinline__ void load(const unsigned char* stg, int tid, int i0) {
    const int j0 = tid & 3;
    const unsigned char* const s0 = stg + (j0 * (R / 4) + (c4_of(tid) ^ (j0 << 1))) * 16;  // (j + 8) & 3 == j & 3 == j0
#pragma unroll
    for (int i = 0; i < N; ++i) {
      const int q = q_of(tid, i0 + i), dj = 4 * (q & 1) + 16 * (q >> 1);
      x[i][0] = *reinterpret_cast<const float4*>(s0 + dj * (R * 4));
      x[i][1] = *reinterpret_cast<const float4*>(s0 + (dj + 8) * (R * 4));
    }
  }
  __device__ __forceinline__ void store(unsigned char* dst, int tid, int i0) const {
    const int r = 4 * c4_of(tid), jp0 = tid & 3;
    unsigned char* const d[4] = {dst + v4k_off<R>(jp0, r), dst + v4k_off<R>(jp0, r + 1), dst + v4k_off<R>(jp0, r + 2),
                                 dst + v4k_off<R>(jp0, r + 3)};
#pragma unroll
    for (int i = 0; i < N; ++i) {
      const int off = q_of(tid, i0 + i) * 4 * R * 16;  // jp + 4q: same swizzle
      const float4 &u = x[i][0], &w = x[i][1];
      *reinterpret_cast<double2*>(d[0] + off) = make_double2(u.x, w.x);
      *reinterpret_cast<double2*>(d[1] + off) = make_double2(u.y, w.y);
      *reinterpret_cast<double2*>(d[2] + off) = make_double2(u.z, w.z);
      *reinterpret_cast<double2*>(d[3] + off) = make_double2(u.w, w.w);
    }
  }
};

#ifdef LEET_FUSED_V2_DEVICE
// The output kernels' O[u] += S^T Q^T for token tiles nt0 + u (8 tokens each, u < NTL), over
// the KS k-steps of this warp's r slice: A is the S^T accumulators as they stand (k order
// r = 2t, 2t+1, 8+2t, 9+2t in each 16-slot step), B two Q pairs (offsets qs).
template <int NTL, int KS, int NT, int R>
__device__ __forceinline__ void v4_out_sq(double (&O)[NTL][4], const double (&S)[NT][4], const unsigned char* sQ,
                                          const uint32_t (&qs)[2], int nt0) {
#pragma unroll
  for (int ks = 0; ks < KS; ++ks) {
    // A[g + 8(e & 1)][slot t + 4(e >> 1)] = S^T[..][r = RW rs + 16ks + 8(e >> 2) + 2t + ((e >> 1) & 1)]
    double A[8];
#pragma unroll
    for (int e = 0; e < 8; ++e) A[e] = S[2 * ks + (e >> 2)][((e >> 1) & 1) + 2 * (e & 1)];
#pragma unroll
    for (int u = 0; u < NTL; ++u) {
      const int nt = nt0 + u;
      const double2 y0 = *reinterpret_cast<const double2*>(sQ + qs[0] + nt * (64 * R) + ks * 128);
      const double2 y1 = *reinterpret_cast<const double2*>(sQ + qs[1] + nt * (64 * R) + ks * 128);
      const double B[4] = {y0.x, y0.y, y1.x, y1.y};
      dmma(O[u], A, B);
    }
  }
}
#endif

#ifdef LEET_FUSED_V2_DEVICE
// P^T = K Q^T, one k-step of tile (rows j of token pairs ka, columns i of Q pairs qa): k in
// pair order (r = 16ks + 2t, 2t+1, 8+2t, 9+2t), A four token-pair units of K, B two r pairs
// of Q (see the kernel).
template <int R>
__device__ __forceinline__ void v4_pt_kstep(double (&p)[4], const unsigned char* sK, const unsigned char* sQ,
                                            const uint32_t (&ka)[2], const uint32_t (&qa)[2], int ks) {
  double A[8], B[4];
#pragma unroll
  for (int u = 0; u < 4; ++u) {  // r = 16ks + 8(u >> 1) + 2t + (u & 1)
    const double2 x = *reinterpret_cast<const double2*>(sK + ka[u & 1] + (16 * ks + 8 * (u >> 1)) * 16);
    A[2 * u] = x.x; A[2 * u + 1] = x.y;
  }
  const double2 y0 = *reinterpret_cast<const double2*>(sQ + qa[0] + ks * 128);
  const double2 y1 = *reinterpret_cast<const double2*>(sQ + qa[1] + ks * 128);
  B[0] = y0.x; B[1] = y0.y; B[2] = y1.x; B[3] = y1.y;
  dmma(p, A, B);
}
// Index of P[i][j] in a P buffer with rows of pld doubles. Rows of 32 (VF) are swizzled: j's
// groups of four XORed with h(i) = (i ^ (i >> 1)) & 3, which depends on i & 7 only (so rows
// 16 apart agree) and keeps both the stores below (rows 2t + c, columns g + c) and P V's
// loads (rows g + c, columns t + 4e + c) free of bank conflicts; rows of 34 or 36 are padded.
__device__ __forceinline__ int v4_p_at(int i, int j, int pld) {
  return i * pld + (pld == 32 ? j ^ (4 * ((i ^ (i >> 1)) & 3)) : j);
}
// Stores P^T tile (mj, ni) from its two accumulators, masked and scaled, as P[i][j] at dst
// (rows of pld doubles); g, t: the lane's.
__device__ __forceinline__ void v4_pt_store(const double (&p)[2][4], int mj, int ni, double* dst, int pld,
                                            const double* pd, int g, int t) {
#pragma unroll
  for (int e = 0; e < 4; ++e) {
    const int j = 16 * mj + g + 8 * (e >> 1), i = 8 * ni + 2 * t + (e & 1);
    dst[v4_p_at(i, j, pld)] = (p[0][e] + p[1][e]) * pd[i - j];
  }
}
// P^T tile (mj, ni) over NKS k-steps from ks0, two accumulators (alternate k-steps),
// stored masked and scaled as P[i][j] at dst (rows of pld doubles); g, t: the lane's.
template <int R, int NKS>
__device__ __forceinline__ void v4_pt_tile(const unsigned char* sK, const unsigned char* sQ, int mj, int ni, int ks0,
                                           double* dst, int pld, const double* pd, int g, int t) {
  double p[2][4] = {{0.0, 0.0, 0.0, 0.0}, {0.0, 0.0, 0.0, 0.0}};
  const uint32_t ka[2] = {v4k_off<R>(8 * mj + g, 2 * t), v4k_off<R>(8 * mj + g, 2 * t + 1)};
  const uint32_t qa[2] = {v4_off(8 * ni + g, 2 * t, R), v4_off(8 * ni + g, 8 + 2 * t, R)};
#pragma unroll
  for (int ks = 0; ks < NKS; ++ks) v4_pt_kstep<R>(p[ks & 1], sK, sQ, ka, qa, ks0 + ks);
  v4_pt_store(p, mj, ni, dst, pld, pd, g, t);
}
#endif

__device__ __forceinline__ void v4_bar_sync(int id, int n) {
  asm volatile("bar.sync %0, %1;\n" ::"r"(id), "r"(n) : "memory");
}
__device__ __forceinline__ void v4_bar_arrive(int id, int n) {
  asm volatile("bar.arrive %0, %1;\n" ::"r"(id), "r"(n) : "memory");
}
// Named barriers (barrier 0, __syncthreads, is not used): chunk in buffer b ready
// (kV4Full + b; the producer arrives, the mma warps wait), buffer b free again
// (kV4Empty + b; the reverse), the mma warps' exchange (kV4Xch) and the producer's own
// (kV4Prod: its staging landed, or was read).
constexpr int kV4Full = 1, kV4Empty = 3, kV4Xch = 5, kV4Prod = 6;

// GEN: any r block (a.rb0, a.r) and d, rows of any alignment, the r blocks after the
// first adding to o, and packed sequences (a.cu: the segment table, the scan, no inline
// prefix); else r == 128, whole 128-column blocks, 16-byte aligned rows, fixed length (the
// shapes issue 6 measures, whose code GEN leaves as it was).
template <bool STATE_ONLY, int DVO = 64, bool GEN = false, int R = 128>
__global__ void __launch_bounds__(kV4CtaThreads, 1) fused_v4_kernel(const Args a) {
#ifdef LEET_FUSED_V2_DEVICE
  static_assert(R == 128 || GEN, "r below 128 per CTA: the GEN kernels only");
  static_assert(!(V4Layout<STATE_ONLY, DVO, R>::VF && GEN), "128-column output CTAs: r = 128, whole blocks only");
  using L = V4Layout<STATE_ONLY, DVO, R>;
  constexpr int DV = L::DV;
  constexpr int DMW = DV / 16;       // warps across the value rows (8 = all warps: state kernel)
  constexpr int RS = L::RS;          // r slices: 2 (64 columns), 4 (32), 1 (state kernel)
  constexpr int RW = R / RS;         // r per slice
  constexpr int NT = RW / 8;         // n8 tiles of r per warp
  constexpr int TK = 4 / RS;         // token tiles (of 8) a warp keeps after the exchange
  constexpr int XT = L::XT;
  extern __shared__ __align__(1024) unsigned char smem_raw[];
  const uint32_t raw = smem_u32(smem_raw);
  const uint32_t base = (raw + 15u) & ~15u;
  unsigned char* const sp = smem_raw + (base - raw);
  const double* const dec = reinterpret_cast<const double*>(sp + L::tab) + 32;
  const double* const pd = dec + 65;

  const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
  const int g = lane >> 2, t = lane & 3;
  // warp w: dv rows 16 dm.. (dm = w % DMW), r slice rs = w / DMW
  const int dm = warp % DMW, rs = warp / DMW;

  // (GEN: packed sequences too.) kPad: a short first segment (pad_plan), which only the
  // 128-column output CTAs and their state pass take; the other kernels leave its code out.
  constexpr bool kPad = !GEN && (STATE_ONLY || DV == 128);
  const WgPlace<STATE_ONLY, GEN, kPad> P(a);
  if (P.idle) return;
  const int dvb = P.dvb, seglen = P.seglen;
  // Q and K's row stride and first r; the first value column, the value columns in range
  // (GEN: none for the second 64-column CTA of a last 128-column block at most half full),
  // and the r of this pass's block in range
  const int64_t ldqk = GEN ? a.r : 128, rb0 = GEN ? a.rb0 : 0;
  const int64_t dv0 = (int64_t)dvb * DV;
  const int dvv = GEN ? (int)imin64(DV, a.d - dv0) : DV, rv = GEN ? (int)imin64(R, a.r - rb0) : R;
  if (dvv <= 0) return;
  const int nch = (seglen + kV4C - 1) / kV4C;
  const int64_t h = P.h, nseg = P.nseg, gs = P.gs, seq = P.seq, seg = P.seg, start = P.start;
  const double rate = (double)a.rate[h];
  // the tables, by the mma warps; VF: by the producer, which reads them first (P), the mma
  // warps after the first chunk's barrier
  for (int i = L::VF ? tid - kV4Threads : tid; (!L::VF || i >= 0) && i < 130;
       i += L::VF ? kV4ProdThreads : kV4Threads) {
    const int n = (i % 65) - 32;
    const double x = n >= 0 ? exp(-rate * (double)n) : 0.0;
    reinterpret_cast<double*>(sp + L::tab)[i] = i < 65 ? x : a.scale_d * x;
  }

  const int64_t row0 = GEN ? P.row0 : (seq * a.H + h) * a.N + start;
  const float* gq = static_cast<const float*>(a.q) + row0 * ldqk + rb0;
  const float* gk = static_cast<const float*>(a.k) + row0 * ldqk + rb0;
  const float* gv = static_cast<const float*>(a.v) + row0 * a.d + dv0;
  // The producer warpgroup: chunk c is staged, widened into buffer c & 1 once the mma warps
  // are done with chunk c - 2 there (VF: and its P made), and announced; then chunk c + 1
  // is staged.
  if (warp >= 8) {
    asm volatile("setmaxnreg.dec.sync.aligned.u32 %0;\n" ::"n"(kV4ProdRegs));
    constexpr int T = kV4ProdThreads;
    constexpr int NV = DV / 16, BV = NV < 4 ? NV : 4;  // V pieces per thread, per batch
    const int ti = tid & (T - 1);  // tid - kV4Threads
    auto issue = [&](int c) {  // cp.async of chunk c into the staging area
      const int rows = min(kV4C, seglen - c * kV4C);
      const bool vqk = !GEN || a.fast_qk, vv = !GEN || a.fast_v;
      if constexpr (!STATE_ONLY) v4_stage<R, false, T>(base, gq + (int64_t)c * kV4C * ldqk, ldqk, rows, rv, vqk, ti);
      v4_stage<R, true, T>(base + L::stk, gk + (int64_t)c * kV4C * ldqk, ldqk, rows, rv, vqk, ti);
      if constexpr (L::VF)
        v4_stage<DV, true, T>(base + L::stv + (uint32_t)(c % 3) * L::vtile, gv + (int64_t)c * kV4C * a.d, a.d, rows,
                              dvv, vv, ti);
      else
        v4_stage<DV, false, T>(base + L::stv, gv + (int64_t)c * kV4C * a.d, a.d, rows, dvv, vv, ti);
      cp_async_commit();
    };
    issue(0);
    for (int c = 0; c < nch; ++c) {
      const int b = c & 1;
      cp_async_wait<0>();
      v4_bar_sync(kV4Prod, T);
      if (c >= 2) v4_bar_sync(kV4Empty + b, kV4CtaThreads);
      unsigned char* const dst = sp + L::t64 + b * L::buf;
      if constexpr (!STATE_ONLY) {
#pragma unroll
        for (int i = 0; i < R / 16; i += 4) {  // Q: R / 16 pieces per thread
          V4Widen<R, T, 4> w;
          w.load(sp, ti, i);
          w.store(dst + L::qo, ti, i);
        }
      }
#pragma unroll
      for (int i = 0; i < R / 32; i += 2) {  // K: R / 32 (each two rows)
        V4WidenK<T, 2, R> w;
        w.load(sp + L::stk, ti, i);
        w.store(dst + L::ko, ti, i);
      }
      if constexpr (!L::VF) {
#pragma unroll
        for (int i = 0; i < NV; i += BV) {
          V4Widen<DV, T, BV> w;
          w.load(sp + L::stv, ti, i);
          w.store(dst + L::vo, ti, i);
        }
      }
      v4_bar_sync(kV4Prod, T);
      if (c + 1 < nch) issue(c + 1);
      if constexpr (L::VF) {
        // P^T of this chunk into P buffer b (free again: its last readers, chunk c - 2, are
        // done), from the tiles just widened: producer warp q takes the tiles of mma warps q
        // and q + 4 in the other kernels. It runs beside the mma warps' products of the
        // chunk before, instead of as a step of its own between them.
        const int q = warp - 8;
        const unsigned char* const tq = dst + L::qo;
        const unsigned char* const tk = dst + L::ko;
        double* const sPb = reinterpret_cast<double*>(sp + L::p64) + b * (kV4C * L::pld);
        v4_pt_tile<R, R / 16>(tk, tq, 0, q, 0, sPb, L::pld, pd, g, t);
        v4_pt_tile<R, R / 32>(tk, tq, 1, 2 + (q >> 1), (R / 32) * (q & 1), (q & 1) ? sPb - 16 * L::pld : sPb, L::pld,
                              pd, g, t);
        // as for the tiles, the producer's own barrier between its stores and its arrival
        // (without it racecheck reports the mma warps' reads of P as hazards)
        v4_bar_sync(kV4Prod, T);
      }
      v4_bar_arrive(kV4Full + b, kV4CtaThreads);
    }
    cp_async_wait<0>();
    return;
  }
  asm volatile("setmaxnreg.inc.sync.aligned.u32 %0;\n" ::"n"(kV4MmaRegs));

  // S^T: element (dv = 16 dm + g + 8(e >> 1), r = RW rs + 8 nt + 2t + (e & 1)) in S[nt][e]
  // (dv local to the CTA's DV columns)
  double S[NT][4];
  auto rr_of = [&](int nt, int e) { return RW * rs + 8 * nt + 2 * t + (e & 1); };
  auto dv_of = [&](int e) { return 16 * dm + g + 8 * (e >> 1); };
  // element (r, dv) of this block in an [r][d] state (initial or final): in range, its
  // index. in_state is called under GEN only (if constexpr, !GEN ||): called in the other
  // kernels, it cost them spills and O^T in local memory (docs/fused-design.md, "Seventh
  // session").
  auto in_state = [&](int nt, int e) {
    return !GEN || (rr_of(nt, e) < a.r - a.rb0 && dv_of(e) < a.d - dvb * DV);
  };
  auto state_at = [&](int nt, int e) {
    return ((seq * a.H + h) * ldqk + rb0 + rr_of(nt, e)) * a.d + dvb * DV + dv_of(e);
  };
  auto init_load = [&]() {
#pragma unroll
    for (int nt = 0; nt < NT; ++nt)
#pragma unroll
      for (int e = 0; e < 4; ++e)
        if constexpr (GEN)
          S[nt][e] = (!STATE_ONLY && a.init && in_state(nt, e)) ? (double)a.init[state_at(nt, e)] : 0.0;
        else
          S[nt][e] = (!STATE_ONLY && a.init) ? (double)a.init[state_at(nt, e)] : 0.0;
  };
  auto add_slot = [&](const float* src, double decL) {  // S = decL S + slot ([dv][r] floats)
#pragma unroll
    for (int nt = 0; nt < NT; ++nt)
#pragma unroll
      for (int e2 = 0; e2 < 2; ++e2) {
        const float2 x = __ldcg(reinterpret_cast<const float2*>(src + dv_of(2 * e2) * 128 + rr_of(nt, 0)));
        S[nt][2 * e2] = fma(decL, S[nt][2 * e2], (double)x.x);
        S[nt][2 * e2 + 1] = fma(decL, S[nt][2 * e2 + 1], (double)x.y);
      }
  };
  if (STATE_ONLY || seg == 0) {
    init_load();
  } else {
    asm volatile("griddepcontrol.wait;\n" ::: "memory");
    if (a.prefix_inline) {
      init_load();
      // S = the initial state and the earlier pieces' slots, each decayed to this segment's
      // start. With a short first segment (a.pad), the pieces before s0 lie wholly before
      // row 0 (idle, no slot written), and the first step decays the initial state from
      // row 0 to the end of piece s0.
      const double decL = exp(-rate * (double)(a.Lseg / a.ksub));
      const int64_t base_slot = seq * nseg * a.ksub;
      int64_t s0 = 0;
      double dec0 = decL;
      if constexpr (kPad) {
        if (a.pad) {
          const PadFirst pf = pad_first_piece(a);
          s0 = pf.s0;
          dec0 = exp(-rate * (double)pf.len0);
        }
      }
      for (int64_t s = s0; s < seg * a.ksub; ++s) add_slot(wg_slot(a, base_slot + s, h, dvb), s == s0 ? dec0 : decL);
    } else {
#pragma unroll
      for (int nt = 0; nt < NT; ++nt)
#pragma unroll
        for (int e = 0; e < 4; ++e) S[nt][e] = 0.0;
      add_slot(wg_slot(a, gs - 1, h, dvb), 0.0);
    }
  }

  double* const sP = reinterpret_cast<double*>(sp + L::p64);
  // Per-lane fragment offsets in the swizzled tiles. The swizzle h(j) depends on j & 3 and
  // changes only the low three bits of a 16-byte pair's index, so rows 8n + g (Q) or
  // t + 4n (V) and columns further on by multiples of 16 add constants to these:
  //   Q (O^T's B): row g, r pairs (RW rs + 2t, +1) and (RW rs + 8 + 2t, +1);
  //   V (A of P V and of the state update): row t, columns 16 dm + g and 16 dm + g + 8
  //   (VF: in the float32 tile).
  const uint32_t qs[2] = {v4_off(g, RW * rs + 2 * t, R), v4_off(g, RW * rs + 8 + 2 * t, R)};
  const uint32_t vs[2] = {v4_voff<L::VF>(t, 16 * dm + g, DV), v4_voff<L::VF>(t, 16 * dm + g + 8, DV)};
  double* const sX = reinterpret_cast<double*>(sp + L::x64);
  float* go = static_cast<float*>(a.o) + row0 * a.d + dv0;

  // Per chunk: wait for the producer, then P, O^T's r-slice partials, their sum, P V and
  // the store, and the state update; then hand the buffer back.
  int vslot = 0;  // VF: chunk c's float32 V tile, c % 3
  for (int c = 0; c < nch; ++c) {
    const int b = c & 1;
    const unsigned char* const sQ = sp + L::t64 + b * L::buf + L::qo;
    const unsigned char* const sK = sp + L::t64 + b * L::buf + L::ko;
    const unsigned char* const sV = L::VF ? sp + L::stv + vslot * L::vtile : sp + L::t64 + b * L::buf + L::vo;
    v4_bar_sync(kV4Full + b, kV4CtaThreads);
    const int Lc = min(kV4C, seglen - c * kV4C);

    if constexpr (!STATE_ONLY) {
      // P^T = K Q^T in six 16x8 tiles (rows j, columns i), 48 DMMA spread evenly over the
      // four schedulers (warps w and w + 4 share one): warps 0..3 take tiles (0, w) whole,
      // warps 4..7 half the k-steps of (1, 2 + ((w - 4) >> 1)); the odd warps' halves go
      // 16 rows up (P[i - 16][j]) and are added where P V reads them. k in pair order
      // (r = 16ks + 2t, 2t+1, 8+2t, 9+2t): A is four token-pair units of K, B two r pairs
      // of Q. Two accumulators (alternate k-steps) halve the dependency chain. Stored as
      // P[i][j]. VF: the producer makes P (below the widening), so the mma warps find it
      // whole with the chunk.
      if constexpr (!L::VF) {
        const bool part = warp >= 4;
        const int mj = part ? 1 : 0, ni = part ? 2 + ((warp - 4) >> 1) : warp;
        double p[2][4] = {{0.0, 0.0, 0.0, 0.0}, {0.0, 0.0, 0.0, 0.0}};
        // units (pair 8 mj + g, r = 2t and 2t + 1); r + 8n keeps r's position in the unit
        // order (f < 8), so the other k-steps are these plus 128 n bytes
        const uint32_t ka[2] = {v4k_off<R>(8 * mj + g, 2 * t), v4k_off<R>(8 * mj + g, 2 * t + 1)};
        // Q row 8 ni + g, r pairs (2t, 2t+1) and (8+2t, 9+2t); k-step ks adds 128 bytes
        const uint32_t qa[2] = {v4_off(8 * ni + g, 2 * t, R), v4_off(8 * ni + g, 8 + 2 * t, R)};
        auto kstep = [&](int ks) { v4_pt_kstep<R>(p[ks & 1], sK, sQ, ka, qa, ks); };
        if (!part) {
#pragma unroll
          for (int ks = 0; ks < R / 16; ++ks) kstep(ks);
        } else {
          const int ks0 = (R / 32) * (warp & 1);
#pragma unroll
          for (int ks = 0; ks < R / 32; ++ks) kstep(ks0 + ks);
        }
        v4_pt_store(p, mj, ni, part && (warp & 1) ? sP - 16 * L::pld : sP, L::pld, pd, g, t);
      }
      if constexpr (!L::VF) {
        // O^T partial = S^T Q^T over this warp's r slice: tokens 8 nt.. (4 tiles)
        double O[4][4];
#pragma unroll
        for (int nt = 0; nt < 4; ++nt)
#pragma unroll
          for (int e = 0; e < 4; ++e) O[nt][e] = 0.0;
        v4_out_sq<4, RW / 16, NT, R>(O, S, sQ, qs, 0);
        // The slices meet: warp (dm, rs) keeps token tiles TK rs .. TK rs + TK - 1 and hands
        // every other tile to the warp of the same dm that keeps it (XT slots per warp, the
        // tiles it does not keep, in order).
#pragma unroll
        for (int nt = 0; nt < 4; ++nt)
          if (nt / TK != rs) {
            const int slot = nt < TK * rs ? nt : nt - TK;
#pragma unroll
            for (int e = 0; e < 4; ++e) sX[((warp * XT + slot) * 4 + e) * 32 + lane] = O[nt][e];
          }
        v4_bar_sync(kV4Xch, kV4Threads);
        double Y[TK][4];
#pragma unroll
        for (int nt = 0; nt < 4; ++nt)
          if (nt / TK == rs) {
#pragma unroll
            for (int e = 0; e < 4; ++e) {
              double y = O[nt][e];
#pragma unroll
              for (int q = 0; q < RS; ++q)
                if (q != rs) y += sX[(((dm + DMW * q) * XT + (nt < TK * q ? nt : nt - TK)) * 4 + e) * 32 + lane];
              Y[nt % TK][e] = y * pd[8 * nt + 2 * t + (e & 1) + 1];
            }
          }
        // + V^T P^T over the tokens j <= the kept tiles' last
#pragma unroll
        for (int ks = 0; ks < 2; ++ks) {
          if (2 * ks > TK * rs + TK - 1) break;
          double A[8];
#pragma unroll
          for (int e = 0; e < 8; ++e) A[e] = v4_vat<L::VF, DV>(sV + vs[e & 1], 16 * ks + 4 * (e >> 1));
#pragma unroll
          for (int u = 0; u < TK; ++u) {
            const int nt = TK * rs + u;
            if (2 * ks > nt) continue;
            double B[4];
#pragma unroll
            for (int e = 0; e < 4; ++e) {
              B[e] = sP[v4_p_at(8 * nt + g, 16 * ks + t + 4 * e, L::pld)];
              if (ks == 1) B[e] += sP[v4_p_at(8 * nt + g - 16, 16 + t + 4 * e, L::pld)];  // nt >= 2 here
            }
            dmma(Y[u], A, B);
          }
        }
        if constexpr (!GEN) {
#pragma unroll
          for (int u = 0; u < TK; ++u)
#pragma unroll
            for (int e = 0; e < 4; ++e) {
              const int tok = 8 * (TK * rs + u) + 2 * t + (e & 1);
              if (tok < Lc) go[(int64_t)(c * kV4C + tok) * a.d + dv_of(e)] = (float)Y[u][e];
            }
        } else {
#pragma unroll
          for (int u = 0; u < TK; ++u)
#pragma unroll
            for (int e = 0; e < 4; ++e) {
              const int tok = 8 * (TK * rs + u) + 2 * t + (e & 1);
              if (tok < Lc && dv_of(e) < dvv) {
                float* const y = go + (int64_t)(c * kV4C + tok) * a.d + dv_of(e);
                *y = (float)(a.accumulate ? Y[u][e] + (double)*y : Y[u][e]);
              }
            }
        }
      } else {
        // VF: one r slice (RS = 1), so nothing to exchange, and P (buffer b) came whole with
        // the chunk. Two token halves, each O^T = S^T Q^T, scaled, + V^T P^T, stored: one
        // half's accumulators live at a time. With the 128 S^T registers, all four tiles at
        // once spill 172 bytes and ran 8-10% slower (docs/fused-design.md, run zzs).
        const double* const sPb = sP + b * (kV4C * L::pld);
        // v4_p_at for the rows P V reads (8 nt + g, and 16 less), whose swizzle depends on g
        // alone. Its XOR comes from %laneid read here, in the loop. Computed from g, it left
        // the addresses loop-invariant: 212 bytes of spill against 104 (ptxas presumably
        // keeps them formed), and the kernel ran 2% slower than with rows of 34; this way
        // 184 bytes and 1-1.6% faster (docs/fused-design.md, "Fifteenth session").
        static_assert(L::pld == 32, "VF: swizzled P rows");
        int lid;
        asm volatile("mov.u32 %0, %%laneid;\n" : "=r"(lid));
        const int hm = 4 * (((lid >> 2) ^ (lid >> 3)) & 3);  // 4 h(g), g = lid >> 2
        auto p_at = [&](int i, int j) { return i * 32 + (j ^ hm); };
#pragma unroll
        for (int hh = 0; hh < 2; ++hh) {
          double Y[2][4];
#pragma unroll
          for (int u = 0; u < 2; ++u)
#pragma unroll
            for (int e = 0; e < 4; ++e) Y[u][e] = 0.0;
          v4_out_sq<2, RW / 16, NT, R>(Y, S, sQ, qs, 2 * hh);
#pragma unroll
          for (int u = 0; u < 2; ++u)
#pragma unroll
            for (int e = 0; e < 4; ++e) Y[u][e] *= pd[8 * (2 * hh + u) + 2 * t + (e & 1) + 1];
#pragma unroll
          for (int ks = 0; ks <= hh; ++ks) {
            double A[8];
#pragma unroll
            for (int e = 0; e < 8; ++e) A[e] = v4_vat<true, DV>(sV + vs[e & 1], 16 * ks + 4 * (e >> 1));
#pragma unroll
            for (int u = 0; u < 2; ++u) {
              const int nt = 2 * hh + u;
              double B[4];
#pragma unroll
              for (int e = 0; e < 4; ++e) {
                B[e] = sPb[p_at(8 * nt + g, 16 * ks + t + 4 * e)];
                if (ks == 1) B[e] += sPb[p_at(8 * nt + g - 16, 16 + t + 4 * e)];  // nt >= 2 here
              }
              dmma(Y[u], A, B);
            }
          }
#pragma unroll
          for (int u = 0; u < 2; ++u)
#pragma unroll
            for (int e = 0; e < 4; ++e) {
              const int tok = 8 * (2 * hh + u) + 2 * t + (e & 1);
              if (tok < Lc) go[(int64_t)(c * kV4C + tok) * a.d + dv_of(e)] = (float)Y[u][e];
            }
        }
      }
    }

    // S^T = g^Lc S^T + (V diag g^(Lc-1-j))^T K. Token order inside each 16-slot step:
    // slots t, t+4, t+8, t+12 are tokens t, t+8, t+4, t+12, so that B's (b0, b1) and
    // (b2, b3) are K token-pair units.
    const double dL = dec[Lc];
    // unit (pair t, r = RW rs + g); pair 8 ks + t + 4q, r + 8 nt: plus ((8ks + 4q) R + 8nt) 16
    const uint32_t kb = v4k_off<R>(t, g) + RW * rs * 16;
#pragma unroll
    for (int nt = 0; nt < NT; ++nt)
#pragma unroll
      for (int e = 0; e < 4; ++e) S[nt][e] *= dL;
#pragma unroll
    for (int ks = 0; ks < 2; ++ks) {
      double A[8];
#pragma unroll
      for (int e = 0; e < 8; ++e) {
        const int j = 16 * ks + t + 8 * ((e >> 1) & 1) + 4 * (e >> 2);
        A[e] = v4_vat<L::VF, DV>(sV + vs[e & 1], j - t) * dec[Lc - 1 - j];
      }
#pragma unroll
      for (int nt = 0; nt < NT; ++nt) {
        const double2 y0 = *reinterpret_cast<const double2*>(sK + kb + (8 * ks * R + 8 * nt) * 16);
        const double2 y1 = *reinterpret_cast<const double2*>(sK + kb + ((8 * ks + 4) * R + 8 * nt) * 16);
        const double B[4] = {y0.x, y0.y, y1.x, y1.y};
        dmma(S[nt], A, B);
      }
    }
    // buffer b (VF: and V tile vslot) is free for chunk c + 2 (c + 3)
    if (c + 2 < nch) v4_bar_arrive(kV4Empty + b, kV4CtaThreads);
    if constexpr (L::VF) vslot = vslot == 2 ? 0 : vslot + 1;
  }

  if constexpr (STATE_ONLY) {
    // (P.slot is blockIdx.x without kPad; reading it there changed the GEN kernels' code)
    float* dst = a.states + (kPad ? P.slot : (int64_t)blockIdx.x) * kTile;
#pragma unroll
    for (int nt = 0; nt < NT; ++nt)
#pragma unroll
      for (int e2 = 0; e2 < 2; ++e2)
        __stcg(reinterpret_cast<float2*>(dst + dv_of(2 * e2) * 128 + rr_of(nt, 0)),
               make_float2((float)S[nt][2 * e2], (float)S[nt][2 * e2 + 1]));
  } else if (seg == nseg - 1 && a.fin) {
#pragma unroll
    for (int nt = 0; nt < NT; ++nt)
#pragma unroll
      for (int e = 0; e < 4; ++e)
        if (!GEN || in_state(nt, e)) a.fin[state_at(nt, e)] = (float)S[nt][e];
  }
#else
  __trap();
#endif
}
