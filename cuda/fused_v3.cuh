// Version 3 of method `fused` on CUDA: warpgroup MMA (wgmma, sm_90a) for float32 inputs
// at TF32 precision, r == 128, d a multiple of 128, fixed-length batches. Included from
// fused_kernels.cuh after fused_v2.cuh (reuses its helpers, Args, the scan kernel and
// the host helpers). Design and measurements: docs/fused-design.md, "Version 3".
//
// TF32 wgmma takes both shared-memory operands K-major only (no transpose bit), so the
// product orientations are chosen so that only V needs a transposed copy:
//   state  S[r][dv] (not S^T): per warpgroup (64 dv columns) two m64n64 accumulators,
//          r 0..63 and r 64..127 (64 fp32 registers per thread).
//   P      = Q K^T            m64n64k8 x 16, A = Q, B = K (both natural [tok][r] tiles)
//   O      = Q S              m64n64k8 x 16, A = Q, B = S^T written by this warpgroup to
//                             shared memory [dv][r], one r-half at a time (16 KB each)
//   O      = diag(scale g^(i+1)) O + (P o scale g^(i-j) [j<=i]) V
//                             m64n64k8 x 8, A = P from registers, B = V^T [dv][j]
//   S      = g^Lc S + (K diag g^(Lc-1-j))^T V
//                             m64n64k8 x 16, A = K^T gathered from the K tile into
//                             registers, B = V^T
// V^T: in the TF32 kernels of 128 or 64 value columns, V comes by 16-byte cp.async into
// V^T's place and the CTA transposes it there once it has landed (v3_load_v16,
// v3_transpose_v); in the others it is written straight by 4-byte cp.async (coalesced
// 32-byte row pieces, bank-conflict free; 7-10% slower per chunk). Either way the tokens
// of every group of 8 are stored in the order 0,2,4,6,1,3,5,7: that is
// the k order in which the P accumulator's registers already form the A fragments of
// P V (slot t <-> token 2t, slot t+4 <-> 2t+1), so P never goes through shared memory.
// Tiles are 128-byte swizzled, chunks of 64 tokens, 2 stages (96 KB each): 227 KB of
// shared memory, 1 CTA of 2 warpgroups per SM. O is stored from the accumulator with
// 8-byte stores (every 32-byte sector whole). The DEC forms take their tiles by TMA (V's
// boxes transposed per warpgroup): the decoupled output kernel, which stores O by TMA
// too (staged in its S^T buffer, or, in EARLY's order, in its V^T region: OVT), and the
// three-stage state kernel. The operands computed in registers are rounded to TF32 by
// tf32_rn (two instructions; float32's range narrowed to about 4e34).
#pragma once

constexpr int kV3Threads = 256;
constexpr int kV3Tile = 64 * 128 * 4;  // one 64 x 128 fp32 tile (32 KB)

// NWG: warpgroups per CTA; DVW: value columns per warpgroup (2 x 64: the default; 1 x 64
// or 1 x 32: the narrow output kernels for one-walk schedules, as in version 2).
// EXACT: float32 at "exact" precision by 3xTF32 (each product as lo*hi + hi*lo + hi*hi);
// the shared-memory B operands then need their low parts too (K_lo, V^T_lo, S^T_lo), which
// fits the state kernel and the 32-column output kernel only.
// STAGES: chunks of tiles in shared memory; 3 (kV3DeepStages) only in the state kernel's
// deep form, which then has two chunks in flight instead of one.
constexpr int kV3DeepStages = 3;
// DEC: the kernels fed by TMA (fused_v3_kernel's DEC): each warpgroup's V^T is its own
// 16 KB, and an mbarrier and a counter per stage follow the tables.
template <bool STATE_ONLY, int NWG = 2, int DVW = 64, bool EXACT = false, int STAGES = 2, bool DEC = false>
struct V3Layout {
  // byte offsets from a 1024-aligned base
  static constexpr int threads = 128 * NWG;
  static constexpr int vsub = NWG * DVW * 128;    // V^T sub-tile: [NWG DVW dv][32 slots]
  static constexpr int ssub = DVW * 128;          // S^T sub-tile: [DVW dv][32 r]
  static constexpr int per_stage = (STATE_ONLY ? 1 : 2) * kV3Tile + 2 * vsub;  // (Q,) K, V^T
  static constexpr int v_in = (STATE_ONLY ? 1 : 2) * kV3Tile;                 // V^T's offset in a stage
  static constexpr int s_off = STAGES * per_stage;                            // S^T halves
  // S^T buffers: one r-half at a time per warpgroup (16 KB each); the narrow kernels have
  // room for both halves, so their Q S needs one wgmma round trip, not two. EXACT: the
  // low parts follow the high ones (s_lo bytes further).
  static constexpr int s_lo = STATE_ONLY ? 0 : (NWG == 2 ? 32768 : 4 * ssub);
  static constexpr int s_bytes = s_lo * (EXACT ? 2 : 1);
  // EXACT: one (unstaged) copy of the current chunk's low parts: K_lo (output kernel:
  // K is a B operand of Q K^T) and V^T_lo
  static constexpr int klo_off = s_off + s_bytes;
  static constexpr int vlo_off = klo_off + (EXACT && !STATE_ONLY ? kV3Tile : 0);
  static constexpr int t_off = vlo_off + (EXACT ? 2 * vsub : 0);              // tables
  // DEC: stage s's "landed" mbarrier at mb_off + 8 s, its release counter (the output
  // kernel's) at mb_off + 8 STAGES + 4 s
  static constexpr int mb_off = t_off + 129 * 8 + 129 * 4 + 4;
  static constexpr int bytes = (DEC ? mb_off + 12 * STAGES : t_off + 129 * 8 + 129 * 4) + 1024;
};
static_assert(V3Layout<false>::bytes <= 232448, "v3 shared memory");
static_assert(V3Layout<false, 1, 32, true>::bytes <= 232448, "v3 exact output kernel shared memory");
static_assert(V3Layout<true, 2, 64, true>::bytes <= 232448, "v3 exact state kernel shared memory");
static_assert(V3Layout<true, 2, 64, false, kV3DeepStages>::bytes <= 232448, "v3 deep state kernel shared memory");
static_assert(V3Layout<false, 2, 64, false, 2, true>::bytes <= 232448, "v3 decoupled output kernel shared memory");
static_assert(V3Layout<true, 2, 64, false, kV3DeepStages, true>::bytes <= 232448, "v3 TMA deep state kernel shared memory");

#ifdef LEET_FUSED_V2_DEVICE
__device__ __forceinline__ void wg_ss_tf32(float* d, uint64_t da, uint64_t db, int acc) {
  asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, %34, 0;\n"
    "wgmma.mma_async.sync.aligned.m64n64k8.f32.tf32.tf32 {%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15,%16,%17,%18,%19,%20,%21,%22,%23,%24,%25,%26,%27,%28,%29,%30,%31}, %32, %33, p, 1, 1;\n}\n"
    : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31])
    : "l"(da), "l"(db), "r"(acc));
}

__device__ __forceinline__ void wg_rs_tf32(float* d, const uint32_t* a, uint64_t db) {
  asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, %37, 0;\n"
    "wgmma.mma_async.sync.aligned.m64n64k8.f32.tf32.tf32 {%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15,%16,%17,%18,%19,%20,%21,%22,%23,%24,%25,%26,%27,%28,%29,%30,%31}, {%32,%33,%34,%35}, %36, p, 1, 1;\n}\n"
    : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31])
    : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(db), "r"(1));
}

__device__ __forceinline__ void wg_ss_tf32_n32(float* d, uint64_t da, uint64_t db, int acc) {
  asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, %18, 0;\n"
    "wgmma.mma_async.sync.aligned.m64n32k8.f32.tf32.tf32 {%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15}, %16, %17, p, 1, 1;\n}\n"
    : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15])
    : "l"(da), "l"(db), "r"(acc));
}

__device__ __forceinline__ void wg_rs_tf32_n32(float* d, const uint32_t* a, uint64_t db) {
  asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, %21, 0;\n"
    "wgmma.mma_async.sync.aligned.m64n32k8.f32.tf32.tf32 {%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15}, {%16,%17,%18,%19}, %20, p, 1, 1;\n}\n"
    : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15])
    : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(db), "r"(1));
}

// m64 x N x k8 TF32, N = 64 or 32 (the value-column width of a warpgroup)
template <int N> __device__ __forceinline__ void wg_ss_tf32v(float* d, uint64_t da, uint64_t db, int acc) {
  if constexpr (N == 64) wg_ss_tf32(d, da, db, acc);
  else wg_ss_tf32_n32(d, da, db, acc);
}
template <int N> __device__ __forceinline__ void wg_rs_tf32v(float* d, const uint32_t* a, uint64_t db) {
  if constexpr (N == 64) wg_rs_tf32(d, a, db);
  else wg_rs_tf32_n32(d, a, db);
}
#endif  // LEET_FUSED_V2_DEVICE

__device__ __forceinline__ void cp_async4_z(uint32_t dst, const void* src, int src_bytes) {
  asm volatile("cp.async.ca.shared.global [%0], [%1], 4, %2;\n" ::"r"(dst), "l"(src),
               "r"(src_bytes));
}
__device__ __forceinline__ float lds_f32(uint32_t addr) {
  float x;
  asm volatile("ld.shared.f32 %0, [%1];\n" : "=f"(x) : "r"(addr));
  return x;
}
__device__ __forceinline__ void sts_b32(uint32_t addr, uint32_t x) {
  asm volatile("st.shared.b32 [%0], %1;\n" ::"r"(addr), "r"(x) : "memory");
}
__device__ __forceinline__ void sts_f32x2(uint32_t addr, float x, float y) {
  asm volatile("st.shared.v2.f32 [%0], {%1, %2};\n" ::"r"(addr), "f"(x), "f"(y) : "memory");
}
// byte offset of fp32 element (row, col) in a 64- or 128-row tile of [rows][128] floats,
// stored as 32-column swizzled sub-tiles of `sub` bytes each
__device__ __forceinline__ uint32_t v3_off(int row, int col, int sub) {
  return (uint32_t)((col >> 5) * sub + row * 128 + ((((col & 31) >> 2) ^ (row & 7)) << 4) +
                    (col & 3) * 4);
}

// 3xTF32 split of a shared-memory B operand, in place: the tile keeps x rounded to TF32 and
// `lo` (same layout) gets the exact remainder x - hi, which the tensor core reads to its
// top 11 bits (|lo| <= 2^-12 |x|, so the part dropped is below 2^-22 |x|). hi + lo == x.
template <int THREADS>
__device__ __forceinline__ void v3_split_tile(uint32_t tile, uint32_t lo, int bytes, int tid) {
  for (int i = tid * 16; i < bytes; i += THREADS * 16) {
    float4 x;
    asm volatile("ld.shared.v4.f32 {%0,%1,%2,%3}, [%4];\n" : "=f"(x.x), "=f"(x.y), "=f"(x.z), "=f"(x.w) : "r"(tile + i));
    const float h0 = __uint_as_float(cvt_tf32(x.x)), h1 = __uint_as_float(cvt_tf32(x.y));
    const float h2 = __uint_as_float(cvt_tf32(x.z)), h3 = __uint_as_float(cvt_tf32(x.w));
    asm volatile("st.shared.v4.f32 [%0], {%1,%2,%3,%4};\n" ::"r"(tile + i), "f"(h0), "f"(h1), "f"(h2), "f"(h3) : "memory");
    asm volatile("st.shared.v4.f32 [%0], {%1,%2,%3,%4};\n" ::"r"(lo + i), "f"(x.x - h0), "f"(x.y - h1), "f"(x.z - h2), "f"(x.w - h3)
                 : "memory");
  }
}
// keeps A-operand registers alive (and unmodified) until the wgmma reading them is waited on
template <int N>
__device__ __forceinline__ void reg_fence_u(uint32_t* r) {
#pragma unroll
  for (int i = 0; i < N; ++i) asm volatile("" : "+r"(r[i])::"memory");
}
// The descriptor of tile + off from the tile's own (sw128_desc): the start address sits in
// the low word's 14 low bits (shared addresses < 2^18, so adding off >> 4 never carries
// out of them), so one 32-bit add instead of rebuilding the 64-bit descriptor.
__device__ __forceinline__ uint64_t desc_at(uint64_t d, uint32_t off) {
  uint64_t r;
  asm("mov.b64 %0, {%1, %2};\n" : "=l"(r) : "r"((uint32_t)d + (off >> 4)), "r"((uint32_t)(d >> 32)));
  return r;
}
#ifdef LEET_FUSED_V2_DEVICE
// 3xTF32 D += A B = lo*hi + hi*lo + hi*hi, A = (ah, al) registers, B = (bh, bl) shared-
// memory descriptors, in two calls: the two small terms (wg_rs_tf32_lo), then the big one
// (wg_rs_tf32v). Callers issue every k-step's small terms before the big ones, so that
// few of the accumulator's roundings happen at its full size.
template <int N>
__device__ __forceinline__ void wg_rs_tf32_lo(float* d, const uint32_t* ah, const uint32_t* al, uint64_t bh, uint64_t bl) {
  wg_rs_tf32v<N>(d, al, bh);
  wg_rs_tf32v<N>(d, ah, bl);
}
#endif

// TF32 rounding of the operands the TF32 kernels compute in registers (S^T, the decayed P
// and K^T) in two instructions, FMUL and FFMA, where cvt.rna.tf32.f32 takes four (a
// finiteness test, an add, a select and a mask). Veltkamp's split: s = 8193 x rounds at
// 2^13 times x's ulp, so s - 8192 x is exact, x to the nearest with 11 significant bits
// (|error| <= 2^-11 |x|, as cvt.rna's; ties and values within 2^-13 of a power of two may
// round the other way). NaN stays NaN. The range is narrower than float32's: |x| above
// 2^128 / 8193 (about 4.15e34) gives an infinity, and an infinity gives NaN. Run zr: 1.4-2.5%
// off the TF32 walk (bench/h200-2026-11-28-zr).
__device__ __forceinline__ uint32_t tf32_rn(float x) {
  const float s = x * 8193.f;
  return __float_as_uint(__fmaf_rn(-x, 8192.f, s));
}

// Q or K: 64 rows x 128 floats (row stride 128) -> 4 swizzled [64][32] sub-tiles.
template <int THREADS = kV3Threads>
__device__ __forceinline__ void v3_load_qk(uint32_t dst, const float* g, int rows_valid, int tid) {
#pragma unroll
  for (int i = 0; i < 2048 / THREADS; ++i) {
    const int idx = tid + THREADS * i;
    const int row = idx >> 5, c32 = idx & 31;
    const bool ok = row < rows_valid;
    const float* src = g + (ok ? row * 128 : 0) + c32 * 4;
    cp_async16_z(dst + (c32 >> 3) * 8192 + swz(row, c32 & 7), src, ok ? 16 : 0);
  }
}
// V [64 tok][NWG DVW dv] (row stride ld) -> V^T [NWG DVW dv][64 slots] as 2 swizzled
// [NWG DVW][32] sub-tiles; slot p holds token (p & ~7) + perm(p & 7), perm = 0,2,4,6,1,3,5,7.
// A warp instruction covers 8 dv x 4 slots: 4 rows of 32 contiguous bytes in global memory,
// 32 distinct banks in shared memory. Warp w (of 4 NWG) copies dv 8w + (0..7) and, for
// DVW = 64, the same + 32 NWG.
template <int NWG = 2, int DVW = 64>
__device__ __forceinline__ void v3_load_vt(uint32_t dst, const float* g, int64_t ld,
                                           int rows_valid, int warp, int lane) {
  constexpr int VSUB = NWG * DVW * 128, HALF = 32 * NWG, E = DVW / 32;
  // slot p = 4q + l3 (q = 0..15, l3 = lane >> 3) holds token 8(q >> 1) + 2 l3 + (q & 1)
  const int l3 = lane >> 3, dv0 = 8 * warp + (lane & 7);
  const uint32_t d0 = dst + dv0 * 128 + l3 * 4;
  const float* gb = g + (int64_t)(2 * l3) * ld + dv0;
#pragma unroll 1
  for (int q2 = 0; q2 < 8; ++q2) {
#pragma unroll
    for (int odd = 0; odd < 2; ++odd) {
      const int q = 2 * q2 + odd;
      const int j = 8 * q2 + 2 * l3 + odd;
      const bool ok = j < rows_valid;
      const float* src = ok ? gb + (int64_t)(8 * q2 + odd) * ld : g;
      const uint32_t dq = d0 + (q >> 3) * VSUB + ((((q & 7) ^ (lane & 7))) << 4);
#pragma unroll
      for (int e = 0; e < E; ++e) cp_async4_z(dq + e * HALF * 128, src + HALF * e, ok ? 4 : 0);
    }
  }
}

// V [64 tok][DVB dv] (row stride ld) by 16-byte copies into V^T's place as a swizzled
// natural tile [64 tok][DVB] (token j's 16-byte piece k at piece k ^ (j & 7)), for
// v3_transpose_v once it has landed. Rows past rows_valid are zeros.
template <int THREADS, int DVB>
__device__ __forceinline__ void v3_load_v16(uint32_t dst, const float* g, int64_t ld, int rows_valid, int tid) {
  static_assert(DVB == 128 || DVB == 64, "V tiles of 128 or 64 columns");
  constexpr int PR = DVB / 4, LG = DVB == 128 ? 5 : 4;  // 16-byte pieces per row
#pragma unroll
  for (int i = 0; i < 64 * PR / THREADS; ++i) {
    const int idx = tid + THREADS * i, j = idx >> LG, k = idx & (PR - 1);
    const bool ok = j < rows_valid;
    cp_async16_z(dst + j * (DVB * 4) + ((k ^ (j & 7)) << 4), g + (ok ? (int64_t)j * ld : 0) + 4 * k, ok ? 16 : 0);
  }
}
// A natural V tile -> V^T in v3_load_vt's layout ([DVB dv][64 slots] as two swizzled
// [DVB dv][32 slots] sub-tiles), in place: every thread reads its 32 elements, `sync`
// waits for all the tile's readers, every thread writes them. Warp w moves value columns
// 16w .. 16w + 15; in each instruction the 32 lanes cover 8 columns x 4 slots, 32 banks on
// both sides. The caller syncs (and fences for wgmma) after it. The natural tile:
// - BOXES = false: v3_load_v16's, rows of DVB floats (token j's 16-byte piece k at piece
//   k ^ (j & 7));
// - BOXES = true: TMA boxes of [64 tok][32 dv], 128-byte swizzled, 8 KB apart.
template <int DVB, bool BOXES, class Sync>
__device__ __forceinline__ void v3_transpose(uint32_t t, int warp, int lane, Sync sync) {
  constexpr int VSUB = DVB * 128;
  const int l3 = lane >> 3;
  float x[2][16];
#pragma unroll
  for (int h = 0; h < 2; ++h)
#pragma unroll
    for (int q = 0; q < 16; ++q) {
      const int dv = 16 * warp + 8 * h + (lane & 7), j = 8 * (q >> 1) + 2 * l3 + (q & 1);
      if constexpr (BOXES) {
        const int c = dv & 31;
        x[h][q] = lds_f32(t + (dv >> 5) * 8192 + j * 128 + (((c >> 2) ^ (j & 7)) << 4) + (c & 3) * 4);
      } else {
        x[h][q] = lds_f32(t + j * (DVB * 4) + (((dv >> 2) ^ (j & 7)) << 4) + (dv & 3) * 4);
      }
    }
  sync();
#pragma unroll
  for (int h = 0; h < 2; ++h)
#pragma unroll
    for (int q = 0; q < 16; ++q) {  // slot p = 4q + l3 holds token j (as in v3_load_vt)
      const int dv = 16 * warp + 8 * h + (lane & 7);
      sts_b32(t + (q >> 3) * VSUB + dv * 128 + ((((q & 7) ^ (dv & 7))) << 4) + l3 * 4, __float_as_uint(x[h][q]));
    }
}
// The tile of v3_load_v16 (the CTA's DVB columns), the CTA syncing
template <int THREADS, int DVB>
__device__ __forceinline__ void v3_transpose_v(uint32_t t, int warp, int lane) {
  static_assert(DVB == THREADS / 2, "16 value columns per warp");
  v3_transpose<DVB, false>(t, warp, lane, [] { __syncthreads(); });
}
// DEC: one warpgroup's 64 columns from two TMA boxes at t, in place, its named barrier
// bar_id syncing it (warp w4 of the warpgroup moves columns 16 w4 .. 16 w4 + 15)
__device__ __forceinline__ void v3_transpose_v_wg(uint32_t t, int w4, int lane, int bar_id) {
  v3_transpose<64, true>(t, w4, lane, [bar_id] { bar_wg(bar_id); });
}

// NWG = 1: the narrow output kernels (one warpgroup, DVW = 64 or 32 value columns per
// CTA): for one-walk schedules; (DVW = 64) the output kernel of V3NFamily, two CTAs per
// 128-column state block that read staged states (a.dv_split = 2); and (EXACT, DVW = 32)
// the output kernel of float32 "exact" (a.dv_split = 4).
// EXACT: every product in 3xTF32. Q reaches the tensor cores from registers (hi, lo split
// per fragment), K and V^T are split in shared memory once per chunk (v3_split_tile), S^T
// is written as (hi, lo), P and the decayed K^T are split in registers.
// STAGES = kV3DeepStages: the TF32 state kernel's deep form (three stages, 194 KB): chunk
// c + 2's tiles are issued at the top of chunk c's step, so two chunks are in flight while
// it runs (one CTA per SM either way).
// DEC (the two-warpgroup TF32 output kernel, ArgsTma): the warpgroups run decoupled, with
// no CTA barrier in the walk. Q, K and V come by TMA (32-column boxes), issued for chunk
// c + 2 by the warpgroup that is the second to finish chunk c (a counter per stage); each
// warpgroup waits for a stage's mbarrier and transposes its own 64 columns of V behind
// its named barrier. The host takes it only where every chunk is whole or ends at N
// (TMA's zeros). DEC = 1 stores O from registers (8-byte stores); DEC = 2 stages each
// warpgroup's 64 x 64 O tile in its S^T buffer, which the step's Q S has finished reading,
// and stores it by TMA (two 32-column boxes, rows past N not written); the buffer takes
// the next S^T half once the store has read it.
// DEC = 1 in the state kernel (three stages): K and V by TMA onto an mbarrier per stage,
// chunk c + 2 issued by thread 0 after the CTA barrier at the top of chunk c's step, V
// transposed per warpgroup as above; the same condition on the chunks.
// LEAD (the lead plan; the TMA-fed two-warpgroup kernels, WgPlace's LEAD): 2, an output
// launch of the first segments only, which starts with the initial state and leaves its
// end state in the first segment's last state slot; 1, the state kernel (whose CTAs return
// only once that launch is done, griddepcontrol.wait) and the output launch of the other
// segments, which sum the states from that slot on. With the plan's small pieces (a.small,
// WgPlace) the state kernel's first-segment CTAs walk each first segment's last a.small
// tokens into a slot of their own, without waiting for the first launch, and the last
// CTAs of the other segments' launch (seg 0) walk them from the first launch's end state.
// EARLY (the two-warpgroup TF32 output kernel, the default in its DEC forms): the state's
// first r-half, staged for Q S and decayed right after, takes its update (K^T fragments
// gathered while Q S's first half runs) ahead of Q S's second half instead of after P V.
template <bool STATE_ONLY, int NWG = 2, int DVW = 64, bool EXACT = false, int STAGES = 2, int DEC = 0, int LEAD = 0,
          bool EARLY = false>
__global__ void __launch_bounds__(128 * NWG, 1)
    fused_v3_kernel(const __grid_constant__ std::conditional_t<DEC != 0, ArgsTma, Args> a) {
#ifdef LEET_FUSED_V2_DEVICE
  using L = V3Layout<STATE_ONLY, NWG, DVW, EXACT, STAGES, DEC != 0>;
  static_assert(STAGES == 2 || (STATE_ONLY && NWG == 2 && !EXACT), "three stages: the TF32 state kernel only");
  static_assert(!DEC || (NWG == 2 && !EXACT && (STATE_ONLY || STAGES == 2)), "TMA: the two-warpgroup TF32 kernels only");
  static_assert(DEC >= 0 && DEC <= (STATE_ONLY ? 1 : 2), "DEC: 0, 1 or (output kernel) 2");
  static_assert(LEAD == 0 || (DEC != 0 && (LEAD == 1 || !STATE_ONLY)), "LEAD: the TMA-fed kernels");
  static_assert(NWG == 2 || !STATE_ONLY, "the narrow kernel has no state pass");
  static_assert(DVW == 64 || NWG == 1, "32-column warpgroups only in the narrow kernel");
  static_assert(!EXACT || STATE_ONLY || (NWG == 1 && DVW == 32), "exact output: the 32-column kernel only");
  static_assert(!EARLY || (!STATE_ONLY && !EXACT && NWG == 2), "EARLY: the two-warpgroup TF32 output kernel");
  constexpr bool KSPLIT = EXACT && !STATE_ONLY;  // K is split in place (a B operand of Q K^T)
  constexpr int DVB = DVW * NWG;  // value columns per CTA
  // V by 16-byte copies, transposed in shared memory (TF32 kernels of 128 or 64 value
  // columns: 10% (128) and ~7% (64) faster per chunk than V^T by 4-byte copies, runs zz and
  // zze); the 32-column and 3xTF32 kernels copy V^T directly
  constexpr bool VT16 = (NWG == 2 || DVW == 64) && !EXACT;
  // QKA, the two-warpgroup TF32 output kernel: chunk c + 1's P = Q K^T is issued at the end
  // of chunk c's step and runs while the CTA transposes chunk c + 1's V; chunk c + 2's
  // tiles are issued right behind it (docs/fused-design.md, nineteenth session)
  constexpr bool QKA = !STATE_ONLY && !EXACT && NWG == 2;
  // V^T: this warpgroup's part starts VWG bytes after the previous one's; its two 32-slot
  // sub-tiles are VS bytes apart (DEC: each warpgroup's own 16 KB)
  constexpr int VWG = DEC ? 2 * DVW * 128 : DVW * 128, VS = DEC ? DVW * 128 : L::vsub;
  constexpr int NB = DVW / 8;     // 8-column blocks per warpgroup
  constexpr int NS = DVW / 2;     // accumulator registers of one m64 x DVW tile
  extern __shared__ __align__(1024) unsigned char smem_raw[];
  const WgSmem M(smem_raw, L::t_off);
  const uint32_t base = M.base;
  float2* const ptab = M.ptab;
  float* const pwz = M.pwz;

  const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
  const int wg = warp >> 2, w4 = warp & 3;
  const int g = lane >> 2, t = lane & 3;

  // kPad: a short first segment (pad_plan), in the TF32 128-column output kernel and the
  // state kernel (the narrow kernels' PTX stays as it was)
  constexpr bool kPad = !EXACT && (STATE_ONLY || NWG == 2);
  // (LEAD = 2: the state kernel, launched next, may start at once)
  if constexpr (LEAD == 2) asm volatile("griddepcontrol.launch_dependents;\n" ::: "memory");
  const WgPlace<STATE_ONLY, false, kPad, LEAD> pl(a);
  if (pl.idle) return;
#ifdef LEET_FUSED_LEAD_STAMPS
  unsigned long long* const stamp = LEAD != 0 ? lead_stamp_open(a.prof) : nullptr;
#endif
  const int dvb = pl.dvb, seglen = pl.seglen, nch = pl.nch;
  const int64_t h = pl.h, nseg = pl.nseg, gs = pl.gs, seq = pl.seq, seg = pl.seg, start = pl.start;
  const float rate = a.rate[h];
  wg_decay_tables<L::threads>(ptab, pwz, rate, a.scale, tid);

  const int64_t row0 = (seq * a.H + h) * a.N + start;
  const float* gq = static_cast<const float*>(a.q) + row0 * 128;
  const float* gk = static_cast<const float*>(a.k) + row0 * 128;
  const float* gv = static_cast<const float*>(a.v) + row0 * a.d + (int64_t)dvb * DVB;
  float* go = static_cast<float*>(a.o) + row0 * a.d + (int64_t)dvb * DVB + DVW * wg;

  // chunk c's stage
  auto stage_of = [&](int c) -> uint32_t {
    if constexpr (STAGES == 2) return base + (c & 1) * L::per_stage;
    else return base + (uint32_t)(c % STAGES) * L::per_stage;
  };
  // OVT (the decoupled TF32 output kernels with TMA stores, in EARLY's order): O is staged
  // in the warpgroup's own V^T region once P V and the state update have read it, not in
  // its S^T buffer. The next S^T half is then staged under the state update, with no wait
  // for the O store; the store's read is waited for only before the stage is released,
  // after chunk c + 1's Q K^T is issued (run zr: 1.0-2.5% off the walk)
  constexpr bool OVT = DEC == 2 && EARLY;
  // DEC: stage s's mbarrier and release counter; chunk c's mbarrier
  [[maybe_unused]] const uint32_t mbar = base + L::mb_off;
  [[maybe_unused]] unsigned* const rel = reinterpret_cast<unsigned*>(M.basep + L::mb_off + 8 * STAGES);
  [[maybe_unused]] auto mbar_of = [&](int c) -> uint32_t {
    if constexpr (STAGES == 2) return mbar + 8 * (c & 1);
    else return mbar + 8 * (uint32_t)(c % STAGES);
  };
  // DEC: chunk c's (Q,) K and V (four 32-column boxes each) into its stage, by one thread
  [[maybe_unused]] auto issue_tma = [&](int c) {
    if constexpr (DEC) {
      const uint32_t st = stage_of(c), bar = mbar_of(c);
      const int y = (int)start + c * kC, z = (int)(seq * a.H + h), xv = dvb * DVB;
      mbar_expect_tx(bar, (STATE_ONLY ? 2 : 3) * kV3Tile);
#pragma unroll
      for (int b = 0; b < 4; ++b) {
        if constexpr (!STATE_ONLY) tma_load3(st + 8192 * b, &a.map_q, 32 * b, y, z, bar);
        tma_load3(st + (STATE_ONLY ? 0 : kV3Tile) + 8192 * b, &a.map_k, 32 * b, y, z, bar);
        tma_load3(st + L::v_in + 8192 * b, &a.map_v, xv + 32 * b, y, z, bar);
      }
    }
  };
  // DEC output kernels, a warpgroup's first thread: this warpgroup is done with chunk c's
  // stage; the second warpgroup to say so issues chunk c + 2 into it
  [[maybe_unused]] auto release_stage = [&](int c) {
    __threadfence_block();
    if (atomicAdd(rel + (c & 1), 1u) & 1u) {
      __threadfence_block();
      if (c + 2 < nch) issue_tma(c + 2);
    }
  };
  auto issue = [&](int c) {
    const uint32_t st = stage_of(c);
    const int rows = min(kC, seglen - c * kC);
    if constexpr (!STATE_ONLY) v3_load_qk<L::threads>(st, gq + (int64_t)c * kC * 128, rows, tid);
    v3_load_qk<L::threads>(st + (STATE_ONLY ? 0 : kV3Tile), gk + (int64_t)c * kC * 128, rows, tid);
    if constexpr (VT16) v3_load_v16<L::threads, DVB>(st + L::v_in, gv + (int64_t)c * kC * a.d, a.d, rows, tid);
    else v3_load_vt<NWG, DVW>(st + L::v_in, gv + (int64_t)c * kC * a.d, a.d, rows, warp, lane);
  };
  if constexpr (DEC && !STATE_ONLY) {
    if (tid == 0) {
      mbar_init(mbar, 1);
      mbar_init(mbar + 8, 1);
      rel[0] = rel[1] = 0;
      mbar_init_fence();
      if (nch > 0) issue_tma(0);
      if (nch > 1) issue_tma(1);
    }
  } else if constexpr (DEC) {  // (the state kernel: the loop's first barrier orders the inits)
    if (tid == 0) {
#pragma unroll
      for (int s = 0; s < STAGES; ++s) mbar_init(mbar + 8 * s, 1);
      mbar_init_fence();
#pragma unroll
      for (int s = 0; s < STAGES - 1; ++s)
        if (s < nch) issue_tma(s);
    }
  } else {
    issue(0);
    cp_async_commit();
#pragma unroll
    for (int s = 1; s < STAGES - 1; ++s) {  // (deep form: chunk 1 too)
      if (s < nch) issue(s);
      cp_async_commit();
    }
  }

  // state S[r][dv]: element (r = 64m + 16w4 + g + 8hh, dv = DVW wg + 8nb + 2t + e) in
  // S[m][4nb + 2hh + e]
  float S[2][NS];
  auto init_load = [&]() {
#pragma unroll
    for (int m = 0; m < 2; ++m)
#pragma unroll
      for (int nb = 0; nb < NB; ++nb)
#pragma unroll
        for (int hh = 0; hh < 2; ++hh) {
          const int rr = 64 * m + 16 * w4 + g + 8 * hh, dv = DVW * wg + 8 * nb + 2 * t;
          float2 x = make_float2(0.f, 0.f);
          if (!STATE_ONLY && a.init)
            x = *reinterpret_cast<const float2*>(
                a.init + ((seq * a.H + h) * 128 + rr) * a.d + dvb * DVB + dv);
          S[m][4 * nb + 2 * hh] = x.x;
          S[m][4 * nb + 2 * hh + 1] = x.y;
        }
  };
  if (STATE_ONLY || (seg == 0 && LEAD != 1)) {
    init_load();
  } else {
    asm volatile("griddepcontrol.wait;\n" ::: "memory");
    if (a.prefix_inline) {
      // (LEAD: from the first segment's end state, which holds the initial state's part)
      if constexpr (LEAD == 1) {
#pragma unroll
        for (int m = 0; m < 2; ++m)
#pragma unroll
          for (int i = 0; i < NS; ++i) S[m][i] = 0.f;
      } else {
        init_load();
      }
      // (a short first segment: the sum starts at piece s0, whose decay dec0 covers only
      // its tokens from row 0; LEAD: at the first segment's last piece)
      const float decL = expf(-rate * (float)(a.Lseg / a.ksub));
      const int64_t base_slot = wg_seq_slot<LEAD>(a, seq, nseg * a.ksub);
      int64_t s0 = 0;
      float dec0 = decL;
      if constexpr (LEAD == 1) {
        s0 = a.ksub - 1;
      } else if constexpr (kPad) {
        if (a.pad) {
          const PadFirst pf = pad_first_piece(a);
          s0 = pf.s0;
          dec0 = expf(-rate * (float)pf.len0);
        }
      }
      // S = dec S + the slot's state, for each term of the sum
      auto add_slot = [&](const float* src, float dec) {
#pragma unroll
        for (int m = 0; m < 2; ++m)
#pragma unroll
          for (int i = 0; i < NS; ++i) {
            const int rr = 64 * m + 16 * w4 + g + 8 * ((i >> 1) & 1);
            const int dv = DVW * wg + 8 * (i >> 2) + 2 * t + (i & 1);
            S[m][i] = fmaf(dec, S[m][i], __ldcg(src + dv * 128 + rr));
          }
      };
      if constexpr (LEAD == 1) {
        // the first segment's end state in any case (the small piece, seg 0, starts from
        // it); then, with small pieces, the small piece's state, a.small tokens (the slot
        // after it: WgPlace); then the pieces of segments 1 to seg - 1
        const int64_t extra = seg > 0 && a.small ? 1 : 0;
        const int64_t nterms = (seg * a.ksub <= s0 ? 1 : seg * a.ksub - s0) + extra;
        const float decS = expf(-rate * (float)a.small);
        for (int64_t j = 0; j < nterms; ++j)
          add_slot(wg_slot(a, base_slot + s0 + j, h, dvb), j == 0 ? dec0 : extra && j == 1 ? decS : decL);
      } else {
        for (int64_t sp = s0; sp < seg * a.ksub; ++sp)
          add_slot(wg_slot(a, base_slot + sp, h, dvb), sp == s0 ? dec0 : decL);
      }
    } else {
      const float* src = wg_slot(a, gs - 1, h, dvb);
#pragma unroll
      for (int m = 0; m < 2; ++m)
#pragma unroll
        for (int i = 0; i < NS; ++i) {
          const int rr = 64 * m + 16 * w4 + g + 8 * ((i >> 1) & 1);
          const int dv = DVW * wg + 8 * (i >> 2) + 2 * t + (i & 1);
          S[m][i] = __ldcg(src + dv * 128 + rr);
        }
    }
  }

#ifdef LEET_FUSED_LEAD_STAMPS
  if (stamp && tid == 0) stamp[1] = global_ns();
#endif
  const uint32_t sS = base + L::s_off + wg * 16384;  // this warpgroup's S^T half [DVW dv][64 r]
  // Byte offsets, inside a [rows][32]-float swizzled tile set, of element (row = 8u + 2t + o,
  // col = 16 w4 + g + 8 hi) minus 1024 u (+ 8192 per 32 columns): the K^T gathers (row =
  // token) and the S^T stores (row = dv) both use them, with the rest as immediates.
  uint32_t xo[2][2];
#pragma unroll
  for (int hi = 0; hi < 2; ++hi)
#pragma unroll
    for (int o = 0; o < 2; ++o)
      xo[hi][o] = 8192u * (w4 >> 1) + 256u * t + 128u * o + 4u * (g & 3) +
                  ((uint32_t)((4 * (w4 & 1) + (g >> 2) + 2 * hi) ^ (2 * t + o)) << 4);
  // the same offsets in S^T's sub-tiles ([DVW dv][32 r]: L::ssub bytes, 8192 for DVW = 64)
  uint32_t xs[2][2];
#pragma unroll
  for (int hi = 0; hi < 2; ++hi)
#pragma unroll
    for (int o = 0; o < 2; ++o) xs[hi][o] = xo[hi][o] - 8192u * (w4 >> 1) + (uint32_t)L::ssub * (w4 >> 1);
  float rowf[2] = {0.f, 0.f};
  // S^T half m -> sS (tf32-rounded), conflict-free scalar stores; EXACT: the remainder
  // S - hi to the low buffer, L::s_lo bytes further
  auto write_sS = [&](const float* Sm, uint32_t at = 0) {
#pragma unroll
    for (int i = 0; i < NS; ++i) {  // i = 4 nb + 2 hh + e: row dv = 8nb + 2t + e, col r = ... + 8hh
      const uint32_t adr = sS + at + 1024 * (i >> 2) + xs[(i >> 1) & 1][i & 1];
      const uint32_t hb = EXACT ? cvt_tf32(Sm[i]) : tf32_rn(Sm[i]);
      sts_b32(adr, hb);
      if constexpr (EXACT) sts_b32(adr + L::s_lo, __float_as_uint(Sm[i] - __uint_as_float(hb)));
    }
  };

  // the next step's S^T first half, then S's first half takes chunk c + 1's decay (EARLY)
  [[maybe_unused]] auto stage_s0 = [&](int c) {
    write_sS(S[0]);
    const float decn = pwz[max(0, min(kC, seglen - (c + 1) * kC)) + 64];
#pragma unroll
    for (int i = 0; i < NS; ++i) S[0][i] *= decn;
  };
  // DEC = 2: chunk c's O (this warpgroup's DVW columns) -> buf as the O map's two swizzled
  // 32-column boxes -> global by TMA, issued by the warpgroup's first thread
  [[maybe_unused]] auto store_o = [&](const float* O, uint32_t buf, int c) {
    if constexpr (DEC == 2) {
#pragma unroll
      for (int nb = 0; nb < NB; ++nb)
#pragma unroll
        for (int hh = 0; hh < 2; ++hh)
          sts_f32x2(buf + v3_off(16 * w4 + g + 8 * hh, 8 * nb + 2 * t, 8192), O[4 * nb + 2 * hh], O[4 * nb + 2 * hh + 1]);
      fence_async_shared();
      bar_wg(1 + wg);
      if ((tid & 127) == 0) {
        const int x = dvb * DVB + DVW * wg, y = (int)start + c * kC, z = (int)(seq * a.H + h);
        tma_store3(&a.map_o, x, y, z, buf);
        tma_store3(&a.map_o, x + 32, y, z, buf + 8192);
        bulk_commit();
      }
    }
  };
  float P[32];  // P = Q K^T (outputs); QKA: issued one step ahead
  [[maybe_unused]] uint32_t ka0[8][4];  // EARLY: the first r-half's K^T fragments
  // P = Q K^T of chunk c: 16 wgmma m64n64k8, both operands the natural [tok][r] tiles
  auto qk = [&](int c) {
    const uint32_t st = base + (c & 1) * L::per_stage;
#pragma unroll
    for (int ks = 0; ks < 16; ++ks) {
      const uint32_t off = (ks >> 2) * 8192 + (ks & 3) * 32;
      wg_ss_tf32(P, sw128_desc(st + off, 16, 1024), sw128_desc(st + kV3Tile + off, 16, 1024), ks);
    }
  };
  auto read_rowf = [&]() {
    rowf[0] = ptab[16 * w4 + g + 1 + 64].x;
    rowf[1] = ptab[16 * w4 + g + 9 + 64].x;
  };
  if constexpr (QKA) {
    write_sS(S[0]);
    if constexpr (!DEC) cp_async_wait<0>();
    fence_async_shared();
    __syncthreads();  // (also orders the decay tables' writes before these reads; DEC: and the mbarriers' init)
    if constexpr (DEC) {
      if (nch > 0) mbar_wait(mbar, 0);
    }
    read_rowf();
    if constexpr (EARLY) {
      const float dec0 = pwz[min(kC, seglen) + 64];
#pragma unroll
      for (int i = 0; i < NS; ++i) S[0][i] *= dec0;
    }
    reg_fence<32>(P);
    wg_fence();
    qk(0);
    wg_commit();
    if constexpr (!DEC) {
      if (1 < nch) issue(1);
      cp_async_commit();
    }
  }

  for (int c = 0; c < nch; ++c) {
    if constexpr (!QKA && DEC) {
      // (the state kernel) every thread is past chunk c - 1's step, whose stage takes chunk
      // c + STAGES - 1; then chunk c's tiles are waited for
      __syncthreads();
      if (tid == 0 && c + STAGES - 1 < nch) issue_tma(c + STAGES - 1);
      mbar_wait(mbar_of(c), (uint32_t)(c / STAGES) & 1u);
    } else if constexpr (!QKA) {
      // chunk c has landed (one group per chunk, empty ones included); every thread is
      // past chunk c - 1's step, whose stage takes chunk c + STAGES - 1
      cp_async_wait<STAGES - 2>();
      fence_async_shared();
      __syncthreads();
      if (c == 0 && !STATE_ONLY) read_rowf();
      if (c + STAGES - 1 < nch) issue(c + STAGES - 1);
      cp_async_commit();
    }
    const int Lc = min(kC, seglen - c * kC);
    const uint32_t st = stage_of(c);
    if constexpr (DEC) {
      v3_transpose_v_wg(st + L::v_in + wg * VWG, w4, lane, 1 + wg);
      fence_async_shared();
      bar_wg(1 + wg);
    } else if constexpr (VT16) {
      v3_transpose_v<L::threads, DVB>(st + L::v_in, warp, lane);
      fence_async_shared();
      __syncthreads();
    }
    const uint32_t tK = st + (STATE_ONLY ? 0 : kV3Tile);
    const uint32_t tV = st + L::v_in + wg * VWG;  // this wg's DVW dv rows
    const uint32_t tKlo = base + L::klo_off;
    const uint32_t tVlo = base + L::vlo_off + wg * (DVW * 128);
    // EXACT: the tiles' descriptors, once per chunk (desc_at adds the offsets)
    const uint64_t dK = sw128_desc(tK, 16, 1024), dKlo = sw128_desc(tKlo, 16, 1024);
    const uint64_t dV = sw128_desc(tV, 16, 1024), dVlo = sw128_desc(tVlo, 16, 1024);
    const uint64_t dS = sw128_desc(sS, 16, 1024);
    // D += A V^T's 8 k-steps (P V and the state update): A = a (, al: EXACT, every small
    // term before the big ones), B = this warpgroup's V^T (, V^T_lo)
    auto times_vt = [&](float* D, const uint32_t (&a)[8][4], const uint32_t (&al)[8][4]) {
      if constexpr (EXACT) {
#pragma unroll
        for (int ks = 0; ks < 8; ++ks) {
          const uint32_t vo = (ks >> 2) * L::vsub + (ks & 3) * 32;
          wg_rs_tf32_lo<DVW>(D, a[ks], al[ks], desc_at(dV, vo), desc_at(dVlo, vo));
        }
#pragma unroll
        for (int ks = 0; ks < 8; ++ks)
          wg_rs_tf32v<DVW>(D, a[ks], desc_at(dV, (ks >> 2) * L::vsub + (ks & 3) * 32));
      } else {
#pragma unroll
        for (int ks = 0; ks < 8; ++ks)
          wg_rs_tf32v<DVW>(D, a[ks], sw128_desc(tV + (ks >> 2) * VS + (ks & 3) * 32, 16, 1024));
      }
    };
    // the state update's A fragments for r-half m: (K diag g^(Lc-1-j))^T, rows j0 (+1) and
    // cols rr (+8) of the K tile; EXACT: (hi, lo) pairs into (ka, kl)
    auto gather_kt = [&](uint32_t (&ka)[8][4], uint32_t (&kl)[8][4], int m) {
#pragma unroll
      for (int ks = 0; ks < 8; ++ks) {
        const int j0 = 8 * ks + 2 * t;
        const float f0 = pwz[Lc - 1 - j0 + 64], f1 = pwz[Lc - 2 - j0 + 64];
        const uint32_t kb = 16384 * m + 1024 * ks;
        // K: the tile (hi) plus, where split in place, its remainder (hi + lo == K)
        auto kx = [&](uint32_t o) {
          float x = lds_f32(tK + kb + o);
          if constexpr (KSPLIT) x += lds_f32(tKlo + kb + o);
          return x;
        };
        if constexpr (EXACT) {
          tf32_hilo(kx(xo[0][0]) * f0, ka[ks][0], kl[ks][0]);
          tf32_hilo(kx(xo[1][0]) * f0, ka[ks][1], kl[ks][1]);
          tf32_hilo(kx(xo[0][1]) * f1, ka[ks][2], kl[ks][2]);
          tf32_hilo(kx(xo[1][1]) * f1, ka[ks][3], kl[ks][3]);
        } else {
          ka[ks][0] = tf32_rn(kx(xo[0][0]) * f0);
          ka[ks][1] = tf32_rn(kx(xo[1][0]) * f0);
          ka[ks][2] = tf32_rn(kx(xo[0][1]) * f1);
          ka[ks][3] = tf32_rn(kx(xo[1][1]) * f1);
        }
      }
    };
    if constexpr (EXACT) {
      // this chunk's B operands in (hi, lo): K (output kernel) and V^T, in place
      if constexpr (KSPLIT) v3_split_tile<L::threads>(tK, tKlo, kV3Tile, tid);
      v3_split_tile<L::threads>(st + L::v_in, base + L::vlo_off, 2 * L::vsub, tid);
      fence_async_shared();
      __syncthreads();
    }

    float O[NS];
    if constexpr (!STATE_ONLY) {
      const uint32_t tQ = st;
      if constexpr (EXACT) {
        // 1-2. both S^T halves (hi, lo); then per group of 4 k-steps: Q's A fragments
        // (hi, lo) from the swizzled tile, P += Q K^T and O += Q S in 3xTF32. Two register
        // buffers of fragments: a group's are kept until the group after it is issued.
        write_sS(S[0]);
        write_sS(S[1], 2 * L::ssub);
        fence_async_shared();
        bar_wg(1);
#pragma unroll
        for (int i = 0; i < 32; ++i) P[i] = 0.f;
#pragma unroll
        for (int i = 0; i < NS; ++i) O[i] = 0.f;
        uint32_t qh[2][4][4], ql[2][4][4];
        reg_fence<NS>(O);
        reg_fence<32>(P);
        wg_fence();
#pragma unroll
        for (int gi = 0; gi < 4; ++gi) {
          const int b = gi & 1;
#pragma unroll
          for (int u = 0; u < 4; ++u) {
            const int ks = 4 * gi + u;  // columns 8ks + t (+4) of rows 16w4 + g (+8)
#pragma unroll
            for (int e = 0; e < 4; ++e) {
              const int row = 16 * w4 + g + 8 * (e & 1);
              const uint32_t adr = tQ + (ks >> 2) * 8192 + row * 128 +
                                   ((uint32_t)((2 * (ks & 3) + (e >> 1)) ^ g) << 4) + 4 * t;
              tf32_hilo(lds_f32(adr), qh[b][u][e], ql[b][u][e]);
            }
          }
#pragma unroll
          for (int pass = 0; pass < 2; ++pass)  // the group's small terms, then its big ones
#pragma unroll
            for (int u = 0; u < 4; ++u) {
              const int ks = 4 * gi + u;
              const uint32_t off = (ks >> 2) * 8192 + (ks & 3) * 32;
              const uint32_t offs = (ks >> 3) * 2 * L::ssub + ((ks >> 2) & 1) * L::ssub + (ks & 3) * 32;
              const uint64_t kh = desc_at(dK, off), sh = desc_at(dS, offs);
              if (pass == 0) {
                wg_rs_tf32_lo<64>(P, qh[b][u], ql[b][u], kh, desc_at(dKlo, off));
                wg_rs_tf32_lo<DVW>(O, qh[b][u], ql[b][u], sh, desc_at(dS, L::s_lo + offs));
              } else {
                wg_rs_tf32v<64>(P, qh[b][u], kh);
                wg_rs_tf32v<DVW>(O, qh[b][u], sh);
              }
            }
          wg_commit();
          if (gi >= 1) {
            wg_wait<1>();
            reg_fence_u<16>(&qh[b ^ 1][0][0]);
            reg_fence_u<16>(&ql[b ^ 1][0][0]);
          }
        }
        wg_wait<0>();
        reg_fence_u<16>(&qh[1][0][0]);
        reg_fence_u<16>(&ql[1][0][0]);
        reg_fence<32>(P);
        reg_fence<NS>(O);
      } else if constexpr (NWG == 1) {
        // 1-2. both S^T halves to shared memory; P = Q K^T (first group), O = Q S (second)
        write_sS(S[0]);
        write_sS(S[1], 2 * L::ssub);
        fence_async_shared();
        bar_wg(1);
        reg_fence<NS>(O);
        reg_fence<32>(P);
        wg_fence();
        qk(c);
        wg_commit();
#pragma unroll
        for (int ks = 0; ks < 16; ++ks) {
          const uint32_t off = (ks >> 2) * 8192 + (ks & 3) * 32;
          const uint32_t offs = (ks >> 3) * 2 * L::ssub + ((ks >> 2) & 1) * L::ssub + (ks & 3) * 32;
          wg_ss_tf32v<DVW>(O, sw128_desc(tQ + off, 16, 1024), sw128_desc(sS + offs, 16, 1024), ks);
        }
        wg_commit();
        wg_wait<1>();
        reg_fence<32>(P);
      } else {
      // 1. P = Q K^T ; O = Q[:, 0:64] S[0:64, :]
      if constexpr (!QKA) {
        write_sS(S[0]);
        fence_async_shared();
        bar_wg(1 + wg);
      }
      reg_fence<32>(O);
      if constexpr (!QKA) reg_fence<32>(P);  // (QKA: in flight)
      wg_fence();
      if constexpr (!QKA) qk(c);
#pragma unroll
      for (int ks = 0; ks < 8; ++ks) {
        const uint32_t off = (ks >> 2) * 8192 + (ks & 3) * 32;
        wg_ss_tf32(O, sw128_desc(tQ + off, 16, 1024), sw128_desc(sS + off, 16, 1024), ks);
      }
      wg_commit();
      if constexpr (EARLY) {
        // the state's first r-half, already staged for Q S, is updated under it (step 5's
        // products for m = 0)
        // (S[0] was decayed at the end of the step before, once staged: no wgmma in flight)
        gather_kt(ka0, ka0, 0);
        // (a full wait: P, issued the step before, is read after it)
        wg_wait<0>();
        reg_fence<32>(P);
        reg_fence<32>(O);
        reg_fence<NS>(S[0]);
        wg_fence();
        times_vt(S[0], ka0, ka0);
        wg_commit();
      } else {
        wg_wait<0>();
      }
      reg_fence<32>(P);
      reg_fence<32>(O);
      bar_wg(1 + wg);  // every warp of this warpgroup is past the reads of sS
      // 2. O += Q[:, 64:128] S[64:128, :]
      write_sS(S[1]);
      fence_async_shared();
      bar_wg(1 + wg);
      wg_fence();
#pragma unroll
      for (int ks = 0; ks < 8; ++ks) {
        const uint32_t off = (ks >> 2) * 8192 + (ks & 3) * 32;
        wg_ss_tf32(O, sw128_desc(tQ + 16384 + off, 16, 1024), sw128_desc(sS + off, 16, 1024), 1);
      }
      wg_commit();
      }
      // 3. decay/mask P into A fragments (k slot t <-> token 2t, t+4 <-> 2t+1); EXACT:
      //    (hi, lo) pairs
      uint32_t pa[8][4], pl[8][4];
#pragma unroll
      for (int jb = 0; jb < 8; ++jb)
#pragma unroll
        for (int hh = 0; hh < 2; ++hh) {
          const int i = 16 * w4 + g + 8 * hh, j = 8 * jb + 2 * t;
          const float2 f = ptab[i - j + 64];
          if constexpr (EXACT) {
            tf32_hilo(P[4 * jb + 2 * hh] * f.x, pa[jb][hh], pl[jb][hh]);
            tf32_hilo(P[4 * jb + 2 * hh + 1] * f.y, pa[jb][2 + hh], pl[jb][2 + hh]);
          } else {
            pa[jb][hh] = tf32_rn(P[4 * jb + 2 * hh] * f.x);
            pa[jb][2 + hh] = tf32_rn(P[4 * jb + 2 * hh + 1] * f.y);
          }
        }
      wg_wait<0>();
      reg_fence<NS>(O);
      if constexpr (EARLY) {
        reg_fence<NS>(S[0]);
        reg_fence_u<32>(&ka0[0][0]);
      }
#pragma unroll
      for (int jb = 0; jb < NB; ++jb)
#pragma unroll
        for (int hh = 0; hh < 2; ++hh) {
          O[4 * jb + 2 * hh] *= rowf[hh];
          O[4 * jb + 2 * hh + 1] *= rowf[hh];
        }
      // 4. O += P V
      reg_fence<NS>(O);
      wg_fence();
      times_vt(O, pa, pl);
      wg_commit();
      if constexpr (EXACT) {  // (keeps the P fragments until P V has read them)
        wg_wait<0>();
        reg_fence_u<32>(&pa[0][0]);
        reg_fence_u<32>(&pl[0][0]);
      }
    }
    // 5. S = g^Lc S + (K diag g^(Lc-1-j))^T V, one r-half (m) per commit group;
    // 6. O -> global (rows < Lc) with 8-byte stores, once P V is done (between the halves,
    //    so that P's and O's registers are free before the second half's A fragments)
    //    EXACT: the chunk's K^T V goes to a zeroed accumulator T and is added to the decayed
    //    state in registers (S = fma(g^Lc, S, T), rounded to nearest), so the state's sum
    //    over the whole sequence never runs through the tensor cores' accumulator.
    {
      const float dec = pwz[Lc + 64];
      constexpr int M0 = EARLY ? 1 : 0;  // (EARLY: the first r-half is done)
      if constexpr (!EXACT) {
#pragma unroll
        for (int m = M0; m < 2; ++m)
#pragma unroll
          for (int i = 0; i < NS; ++i) S[m][i] *= dec;
      }
#pragma unroll
      for (int m = M0; m < 2; ++m) {
        float T[EXACT ? NS : 1];
        float* acc = S[m];
        if constexpr (EXACT) {
#pragma unroll
          for (int i = 0; i < NS; ++i) T[i] = 0.f;
          acc = T;
        }
        uint32_t ka[8][4], kl[8][4];
        gather_kt(ka, kl, m);
        reg_fence<NS>(acc);
        wg_fence();
        times_vt(acc, ka, kl);
        wg_commit();
        if constexpr (OVT) {  // the next S^T's first half, under the state's second half
          if (m == M0) stage_s0(c);
        } else if (!STATE_ONLY && m == M0) {
          wg_wait<1>();
          reg_fence<NS>(O);
          if constexpr (DEC == 2) {
            store_o(O, sS, c);  // (this warpgroup's S^T buffer)
          } else {
#pragma unroll
            for (int nb = 0; nb < NB; ++nb)
#pragma unroll
              for (int hh = 0; hh < 2; ++hh) {
                const int i = 16 * w4 + g + 8 * hh;
                if (i < Lc)
                  *reinterpret_cast<float2*>(go + (int64_t)(c * kC + i) * a.d + 8 * nb + 2 * t) =
                      make_float2(O[4 * nb + 2 * hh], O[4 * nb + 2 * hh + 1]);
              }
          }
        }
        if constexpr (EXACT) {  // (the fragments stay until the wgmma reading them is done)
          wg_wait<0>();
          reg_fence_u<32>(&ka[0][0]);
          reg_fence_u<32>(&kl[0][0]);
          reg_fence<NS>(T);
#pragma unroll
          for (int i = 0; i < NS; ++i) S[m][i] = fmaf(dec, S[m][i], T[i]);
        }
      }
    }
    wg_wait<0>();
    reg_fence<NS>(S[0]);
    reg_fence<NS>(S[1]);
    if constexpr (OVT) {
      // O -> this warpgroup's V^T region, which P V and the state update have read, as the
      // O map's two swizzled boxes -> global; the stage is released once the store has
      // read it, after chunk c + 1's Q K^T is issued
      reg_fence<NS>(O);
      store_o(O, tV, c);
      if (c + 1 < nch) mbar_wait(mbar + 8 * ((c + 1) & 1), ((c + 1) >> 1) & 1);
      reg_fence<32>(P);
      wg_fence();
      qk(c + 1);
      wg_commit();
      if ((tid & 127) == 0) {
        bulk_wait_read<0>();
        release_stage(c);
      }
    } else if constexpr (QKA) {
      // the next S^T's first half (staged here, with no wgmma in flight: S read under
      // one makes ptxas wait for all of them there); once chunk c + 1's tiles have
      // landed, its P = Q K^T (after the last chunk too, on the other stage, its result
      // dropped: the waits stay the same each step; reading this chunk's stage instead
      // measured 2% slower), then chunk c + 2's tiles into this chunk's stage. DEC = 2:
      // once this chunk's O store has read the buffer.
      if constexpr (DEC == 2) {
        if ((tid & 127) == 0) bulk_wait_read<0>();
        bar_wg(1 + wg);
      }
      if constexpr (EARLY) stage_s0(c);  // (and chunk c + 1's decay, for its first r-half's update)
      else write_sS(S[0]);
      if constexpr (DEC) {
        // this warpgroup: S^T staged, every thread past its reads of chunk c's stage. Its
        // first thread counts the release; the second warpgroup to release issues chunk
        // c + 2 into the stage. Then chunk c + 1's tiles are waited for.
        fence_async_shared();
        bar_wg(1 + wg);
        if ((tid & 127) == 0) release_stage(c);
        if (c + 1 < nch) mbar_wait(mbar + 8 * ((c + 1) & 1), ((c + 1) >> 1) & 1);
      } else {
        cp_async_wait<0>();
        fence_async_shared();
        __syncthreads();
      }
      reg_fence<32>(P);
      wg_fence();
      qk(c + 1);
      wg_commit();
      if constexpr (!DEC) {
        if (c + 2 < nch) issue(c + 2);
        cp_async_commit();
      }
    }
  }
  if constexpr (QKA) {
    wg_wait<0>();
    reg_fence<32>(P);
  }
  cp_async_wait<0>();
  if constexpr (DEC == 2) {
    if ((tid & 127) == 0) bulk_wait<0>();
  }
#ifdef LEET_FUSED_LEAD_STAMPS
  if (stamp && tid == 0) stamp[2] = global_ns();
#endif

  if constexpr (STATE_ONLY || LEAD == 2) {
    // the state to its slot (LEAD = 2: the first segment's last piece's)
    float* dst = STATE_ONLY ? a.states + (kPad ? pl.slot : (int64_t)blockIdx.x) * kTile
                            : const_cast<float*>(wg_slot(a, wg_seq_slot<LEAD>(a, seq, nseg * a.ksub) + a.ksub - 1, h, dvb));
#pragma unroll
    for (int m = 0; m < 2; ++m)
#pragma unroll
      for (int i = 0; i < NS; ++i) {
        const int rr = 64 * m + 16 * w4 + g + 8 * ((i >> 1) & 1);
        const int dv = DVW * wg + 8 * (i >> 2) + 2 * t + (i & 1);
        __stcg(dst + dv * 128 + rr, S[m][i]);
      }
    // (LEAD: the state grid ends only after the first segments' launch, whose states the
    // next launch reads; the other segments' CTAs wait for it, not the small pieces', which
    // queue on a few SMs, each after the one before)
    if constexpr (STATE_ONLY && LEAD != 0) {
      if (seg != 0) asm volatile("griddepcontrol.wait;\n" ::: "memory");
    }
    if constexpr (LEAD == 2) __threadfence();
  } else if (seg == nseg - 1 && a.fin) {
#pragma unroll
    for (int m = 0; m < 2; ++m)
#pragma unroll
      for (int nb = 0; nb < NB; ++nb)
#pragma unroll
        for (int hh = 0; hh < 2; ++hh) {
          const int rr = 64 * m + 16 * w4 + g + 8 * hh, dv = DVW * wg + 8 * nb + 2 * t;
          *reinterpret_cast<float2*>(a.fin + ((seq * a.H + h) * 128 + rr) * a.d + dvb * DVB + dv) =
              make_float2(S[m][4 * nb + 2 * hh], S[m][4 * nb + 2 * hh + 1]);
        }
  }
#else
  __trap();
#endif
}
