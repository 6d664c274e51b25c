// Version 2 of method `fused` on CUDA: warpgroup MMA (wgmma, sm_90a) kernels for 16-bit
// inputs with r == 128 and d a multiple of 128, fixed-length batches. Included from
// fused_kernels.cuh inside namespace leet::cuda::fused_detail::{anon}; it reuses that
// file's Args, the scan kernel and the host helpers. Design and measurements:
// docs/fused-design.md, "Version 2".
//
// One CTA = 2 warpgroups (256 threads) per (segment, head, d-block of 128). Warpgroup w
// owns d columns [64w, 64w+64) of the block and keeps S^T[64 dv x 128 r] as a wgmma
// accumulator (m64n128, 64 fp32 registers per thread). Per chunk of 64 tokens:
//   sS   <- fp16/bf16(S^T)                     (stmatrix, this warpgroup's slice)
//   O     = Q sS^T            m64n64k16 x 8    (A = Q smem, B = sS smem, both K-major)
//   P     = Q K^T             m64n64k16 x 8    (both warpgroups compute it)
//   O     = diag(scale g^(i+1)) O + (P o scale g^(i-j) [j<=i]) V   m64n64k16 x 4,
//           A = P from registers, B = V smem MN-major (transposed descriptor)
//   S^T   = g^Lc S^T + (V diag(g^(Lc-1-j)))^T K   m64n128k16 x 4, A = registers
//           (ldmatrix.trans of V, scaled), B = K smem MN-major
//   O     -> smem (stmatrix) -> global by one TMA store per warpgroup.
// Tiles arrive by TMA (64 x 64 boxes, one thread issuing, an mbarrier per stage) into
// 128-byte-swizzled smem, 3 stages (the deep state kernel: 6). Without tensor maps
// (TMA = 0, LEET_FUSED_TMA=0) every thread copies its share by cp.async and stores O
// itself. The state-only variant
// (STATE_ONLY) runs just the S update and writes S^T (fp32, [dv][r]) to scratch; the
// scan kernel (layout 1) then chains segments exactly as in version 1.
#pragma once

constexpr int kV2Threads = 256;
constexpr int kV2Stages = 3;
constexpr int kV2DeepStages = 6;  // the deep state kernel (TMA only)
constexpr int kV2Tile = 64 * 128 * 2;  // one 64x128 16-bit tile = 2 swizzled 64x64 sub-tiles

// NWG: warpgroups per CTA, each owning 64 value columns (2: the default, one CTA per 128
// value columns; 1: the narrow output kernel, one CTA per 64, for one-walk schedules
// that would leave SMs idle).
// STAGES: the state kernel's deep form (kV2DeepStages, TMA only) holds five chunks in
// flight instead of two, one CTA per SM; run_wgmma says where it runs (short state walks).
template <bool STATE_ONLY, int NWG = 2, int STAGES = kV2Stages>
struct V2Layout {
  // byte offsets from a 1024-aligned base
  static constexpr int nwg = NWG, threads = 128 * NWG, vcols = 64 * NWG;
  static constexpr int stages = STAGES;
  static constexpr int per_stage = (STATE_ONLY ? 1 : 2) * kV2Tile + NWG * 8192;  // (Q,) K, V
  static constexpr int k_in = STATE_ONLY ? 0 : kV2Tile;                         // K's offset in a stage
  static constexpr int v_in = k_in + kV2Tile;                                   // V's offset in a stage
  static constexpr int s_off = STAGES * per_stage;                              // sS: NWG x 16 KB
  static constexpr int o_off = s_off + (STATE_ONLY ? 0 : NWG * kV2Tile);        // sO: NWG x 8 KB
  static constexpr int t_off = o_off + (STATE_ONLY ? 0 : NWG * kV2Tile / 2);    // tables
  static constexpr int mb_off = t_off + 129 * 8 + 129 * 4 + 4;                  // TMA: an mbarrier per stage
  static constexpr int bytes = mb_off + STAGES * 8 + 1024;                      // + align slack
};
// The single-pass kernel's state walk inside the output layout: K, V only, six stages of
// 32 KB over the output layout's stages, sS and sO (five chunks in flight instead of two:
// the walk does little work per chunk, so its speed is the loads in flight).
struct V2LayoutKV {
  static constexpr int nwg = 2, threads = 256, vcols = 128;
  static constexpr int stages = 6;
  static constexpr int per_stage = 2 * kV2Tile;
  static constexpr int k_in = 0, v_in = kV2Tile;
  static constexpr int s_off = 0, o_off = 0;  // (unused by a state walk)
  static_assert(stages * per_stage <= V2Layout<false>::t_off, "KV stages overlap the tables");
};

#if defined(__CUDA_ARCH__) && defined(__CUDA_ARCH_FEAT_SM90_ALL)
#define LEET_FUSED_V2_DEVICE 1
#endif

template <int N, bool BF16>
__device__ __forceinline__ void wg_ss(float* d, uint64_t da, uint64_t db, int acc);
template <int N, bool BF16>
__device__ __forceinline__ void wg_rs(float* d, const uint32_t* a, uint64_t db);

#ifdef LEET_FUSED_V2_DEVICE
template <> __device__ __forceinline__ void wg_ss<64, false>(float* d, uint64_t da, uint64_t db, int acc) {
  asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, %34, 0;\n"
    "wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16 {%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15,%16,%17,%18,%19,%20,%21,%22,%23,%24,%25,%26,%27,%28,%29,%30,%31}, %32, %33, p, 1, 1, 0, 0;\n}\n"
    : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31])
    : "l"(da), "l"(db), "r"(acc));
}

template <> __device__ __forceinline__ void wg_rs<64, false>(float* d, const uint32_t* a, uint64_t db) {
  asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, %37, 0;\n"
    "wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16 {%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15,%16,%17,%18,%19,%20,%21,%22,%23,%24,%25,%26,%27,%28,%29,%30,%31}, {%32,%33,%34,%35}, %36, p, 1, 1, 1;\n}\n"
    : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31])
    : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(db), "r"(1));
}

template <> __device__ __forceinline__ void wg_ss<64, true>(float* d, uint64_t da, uint64_t db, int acc) {
  asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, %34, 0;\n"
    "wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 {%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15,%16,%17,%18,%19,%20,%21,%22,%23,%24,%25,%26,%27,%28,%29,%30,%31}, %32, %33, p, 1, 1, 0, 0;\n}\n"
    : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31])
    : "l"(da), "l"(db), "r"(acc));
}

template <> __device__ __forceinline__ void wg_rs<64, true>(float* d, const uint32_t* a, uint64_t db) {
  asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, %37, 0;\n"
    "wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 {%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15,%16,%17,%18,%19,%20,%21,%22,%23,%24,%25,%26,%27,%28,%29,%30,%31}, {%32,%33,%34,%35}, %36, p, 1, 1, 1;\n}\n"
    : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31])
    : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(db), "r"(1));
}

template <> __device__ __forceinline__ void wg_ss<128, false>(float* d, uint64_t da, uint64_t db, int acc) {
  asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, %66, 0;\n"
    "wgmma.mma_async.sync.aligned.m64n128k16.f32.f16.f16 {%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15,%16,%17,%18,%19,%20,%21,%22,%23,%24,%25,%26,%27,%28,%29,%30,%31,%32,%33,%34,%35,%36,%37,%38,%39,%40,%41,%42,%43,%44,%45,%46,%47,%48,%49,%50,%51,%52,%53,%54,%55,%56,%57,%58,%59,%60,%61,%62,%63}, %64, %65, p, 1, 1, 0, 0;\n}\n"
    : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31]), "+f"(d[32]), "+f"(d[33]), "+f"(d[34]), "+f"(d[35]), "+f"(d[36]), "+f"(d[37]), "+f"(d[38]), "+f"(d[39]), "+f"(d[40]), "+f"(d[41]), "+f"(d[42]), "+f"(d[43]), "+f"(d[44]), "+f"(d[45]), "+f"(d[46]), "+f"(d[47]), "+f"(d[48]), "+f"(d[49]), "+f"(d[50]), "+f"(d[51]), "+f"(d[52]), "+f"(d[53]), "+f"(d[54]), "+f"(d[55]), "+f"(d[56]), "+f"(d[57]), "+f"(d[58]), "+f"(d[59]), "+f"(d[60]), "+f"(d[61]), "+f"(d[62]), "+f"(d[63])
    : "l"(da), "l"(db), "r"(acc));
}

template <> __device__ __forceinline__ void wg_rs<128, false>(float* d, const uint32_t* a, uint64_t db) {
  asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, %69, 0;\n"
    "wgmma.mma_async.sync.aligned.m64n128k16.f32.f16.f16 {%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15,%16,%17,%18,%19,%20,%21,%22,%23,%24,%25,%26,%27,%28,%29,%30,%31,%32,%33,%34,%35,%36,%37,%38,%39,%40,%41,%42,%43,%44,%45,%46,%47,%48,%49,%50,%51,%52,%53,%54,%55,%56,%57,%58,%59,%60,%61,%62,%63}, {%64,%65,%66,%67}, %68, p, 1, 1, 1;\n}\n"
    : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31]), "+f"(d[32]), "+f"(d[33]), "+f"(d[34]), "+f"(d[35]), "+f"(d[36]), "+f"(d[37]), "+f"(d[38]), "+f"(d[39]), "+f"(d[40]), "+f"(d[41]), "+f"(d[42]), "+f"(d[43]), "+f"(d[44]), "+f"(d[45]), "+f"(d[46]), "+f"(d[47]), "+f"(d[48]), "+f"(d[49]), "+f"(d[50]), "+f"(d[51]), "+f"(d[52]), "+f"(d[53]), "+f"(d[54]), "+f"(d[55]), "+f"(d[56]), "+f"(d[57]), "+f"(d[58]), "+f"(d[59]), "+f"(d[60]), "+f"(d[61]), "+f"(d[62]), "+f"(d[63])
    : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(db), "r"(1));
}

template <> __device__ __forceinline__ void wg_ss<128, true>(float* d, uint64_t da, uint64_t db, int acc) {
  asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, %66, 0;\n"
    "wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16 {%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15,%16,%17,%18,%19,%20,%21,%22,%23,%24,%25,%26,%27,%28,%29,%30,%31,%32,%33,%34,%35,%36,%37,%38,%39,%40,%41,%42,%43,%44,%45,%46,%47,%48,%49,%50,%51,%52,%53,%54,%55,%56,%57,%58,%59,%60,%61,%62,%63}, %64, %65, p, 1, 1, 0, 0;\n}\n"
    : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31]), "+f"(d[32]), "+f"(d[33]), "+f"(d[34]), "+f"(d[35]), "+f"(d[36]), "+f"(d[37]), "+f"(d[38]), "+f"(d[39]), "+f"(d[40]), "+f"(d[41]), "+f"(d[42]), "+f"(d[43]), "+f"(d[44]), "+f"(d[45]), "+f"(d[46]), "+f"(d[47]), "+f"(d[48]), "+f"(d[49]), "+f"(d[50]), "+f"(d[51]), "+f"(d[52]), "+f"(d[53]), "+f"(d[54]), "+f"(d[55]), "+f"(d[56]), "+f"(d[57]), "+f"(d[58]), "+f"(d[59]), "+f"(d[60]), "+f"(d[61]), "+f"(d[62]), "+f"(d[63])
    : "l"(da), "l"(db), "r"(acc));
}

template <> __device__ __forceinline__ void wg_rs<128, true>(float* d, const uint32_t* a, uint64_t db) {
  asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, %69, 0;\n"
    "wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16 {%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15,%16,%17,%18,%19,%20,%21,%22,%23,%24,%25,%26,%27,%28,%29,%30,%31,%32,%33,%34,%35,%36,%37,%38,%39,%40,%41,%42,%43,%44,%45,%46,%47,%48,%49,%50,%51,%52,%53,%54,%55,%56,%57,%58,%59,%60,%61,%62,%63}, {%64,%65,%66,%67}, %68, p, 1, 1, 1;\n}\n"
    : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31]), "+f"(d[32]), "+f"(d[33]), "+f"(d[34]), "+f"(d[35]), "+f"(d[36]), "+f"(d[37]), "+f"(d[38]), "+f"(d[39]), "+f"(d[40]), "+f"(d[41]), "+f"(d[42]), "+f"(d[43]), "+f"(d[44]), "+f"(d[45]), "+f"(d[46]), "+f"(d[47]), "+f"(d[48]), "+f"(d[49]), "+f"(d[50]), "+f"(d[51]), "+f"(d[52]), "+f"(d[53]), "+f"(d[54]), "+f"(d[55]), "+f"(d[56]), "+f"(d[57]), "+f"(d[58]), "+f"(d[59]), "+f"(d[60]), "+f"(d[61]), "+f"(d[62]), "+f"(d[63])
    : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(db), "r"(1));
}
#endif  // LEET_FUSED_V2_DEVICE

__device__ __forceinline__ void wg_fence() {
#ifdef LEET_FUSED_V2_DEVICE
  asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory");
#endif
}
__device__ __forceinline__ void wg_commit() {
#ifdef LEET_FUSED_V2_DEVICE
  asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory");
#endif
}
template <int N>
__device__ __forceinline__ void wg_wait() {
#ifdef LEET_FUSED_V2_DEVICE
  asm volatile("wgmma.wait_group.sync.aligned %0;\n" ::"n"(N) : "memory");
#endif
}
// keeps the compiler from moving accumulator registers across wgmma issue/wait points
template <int N>
__device__ __forceinline__ void reg_fence(float* r) {
#pragma unroll
  for (int i = 0; i < N; ++i) asm volatile("" : "+f"(r[i])::"memory");
}
__device__ __forceinline__ void bar_wg(int id) {
  asm volatile("bar.sync %0, 128;\n" ::"r"(id) : "memory");
}
__device__ __forceinline__ void stsm_x4(uint32_t addr, uint32_t a, uint32_t b, uint32_t c,
                                        uint32_t d) {
  asm volatile("stmatrix.sync.aligned.m8n8.x4.shared.b16 [%0], {%1,%2,%3,%4};\n" ::"r"(addr),
               "r"(a), "r"(b), "r"(c), "r"(d)
               : "memory");
}
__device__ __forceinline__ void ldsm_x4_t_addr(uint32_t* r, uint32_t addr) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(addr));
}
// 16-byte cp.async; src_bytes 0 fills the destination with zeros
__device__ __forceinline__ void cp_async16_z(uint32_t dst, const void* src, int src_bytes) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(dst), "l"(src),
               "r"(src_bytes));
}
// wgmma shared-memory descriptor, 128-byte swizzle
__device__ __forceinline__ uint64_t sw128_desc(uint32_t addr, uint32_t lbo, uint32_t sbo) {
  return (uint64_t)((addr & 0x3FFFF) >> 4) | ((uint64_t)(lbo >> 4) << 16) |
         ((uint64_t)(sbo >> 4) << 32) | (1ull << 62);
}
// byte offset of 16-byte chunk `ch` (0..7) of row `row` in a swizzled [rows][64] sub-tile
__device__ __forceinline__ uint32_t swz(int row, int ch) {
  return (uint32_t)(row * 128 + ((ch ^ (row & 7)) << 4));
}

// 16-byte cp.async with an L2 cache policy (createpolicy): the single-pass kernel keeps
// K and V in L2 between its two passes over a segment
__device__ __forceinline__ void cp_async16_zp(uint32_t dst, const void* src, int src_bytes, uint64_t pol) {
  asm volatile("cp.async.cg.shared.global.L2::cache_hint [%0], [%1], 16, %2, %3;\n" ::"r"(dst), "l"(src),
               "r"(src_bytes), "l"(pol));
}
// priority 1: evict_last, 2: evict_first, else evict_normal
__device__ __forceinline__ uint64_t l2_policy(int priority) {
  uint64_t pol;
  if (priority == 1) asm volatile("createpolicy.fractional.L2::evict_last.b64 %0, 1.0;\n" : "=l"(pol));
  else if (priority == 2) asm volatile("createpolicy.fractional.L2::evict_first.b64 %0, 1.0;\n" : "=l"(pol));
  else asm volatile("createpolicy.fractional.L2::evict_normal.b64 %0, 1.0;\n" : "=l"(pol));
  return pol;
}

// A 64-row x COLS-column 16-bit tile (row stride ld elements, COLS 64 or 128) into
// swizzled 64x64 sub-tiles at `dst`; rows >= rows_valid are zero. THREADS threads share
// the copies (4 per thread at 256 threads and 128 columns). HINT: with the L2 policy `pol`.
template <bool HINT = false, int THREADS = kV2Threads, int COLS = 128>
__device__ __forceinline__ void v2_load_tile(uint32_t dst, const uint16_t* g, int64_t ld,
                                             int rows_valid, int tid, uint64_t pol = 0) {
  constexpr int CPR = COLS / 8;  // 16-byte chunks per row
  static_assert((64 * CPR) % THREADS == 0, "tile copies per thread");
#pragma unroll
  for (int i = 0; i < 64 * CPR / THREADS; ++i) {
    const int idx = tid + THREADS * i;
    const int row = idx / CPR, ch = idx % CPR;
    const bool ok = row < rows_valid;
    const uint16_t* src = g + (ok ? (int64_t)row * ld : 0) + ch * 8;
    if constexpr (HINT) cp_async16_zp(dst + (ch >> 3) * 8192 + swz(row, ch & 7), src, ok ? 16 : 0, pol);
    else cp_async16_z(dst + (ch >> 3) * 8192 + swz(row, ch & 7), src, ok ? 16 : 0);
  }
}

// Where a version-2/3/4 CTA works (both kernels): value-column block dvb, head h, and the
// segment. Output CTAs: gs = segment (seq * nseg + seg). State CTAs: gs = sub-segment
// (seq * nseg * ksub + u) of length Lsub = Lseg / ksub; only those before the last
// segment are needed (the others are idle), and each writes its own slot. The state
// pass lets its dependent launch start here, before idle CTAs return. VARLEN (version
// 4's GEN kernels): with packed sequences (a.cu), gs is a global segment index found in
// the segment table (decode_seg; ksub is 1 there). row0: the segment's first token's row.
// slot: the state slot a state CTA writes, (gs H + h) ndvb + dvb.
// PAD (versions 3 and 4, fixed length): with a.pad > 0 the segments are laid over a
// sequence of a.pad virtual tokens before row 0, so the first segment is the short one
// (pad_plan in fused_kernels.cuh); pieces wholly in the pad are idle. The CTAs then take
// the segments (or pieces) from the last to the first, so that the short ones start last.
// LEAD (the lead plan of versions 2 and 3, lead_plan in fused_kernels.cuh; with PAD): the
// first segment is walked by a launch of its own, 2: that launch's output CTAs (first segments only),
// 1: the state pass (whose pieces of the first segment are idle) and the other segments'
// output CTAs. With small pieces (a.small, version 3, ksub = 1) the first segment's last
// a.small tokens are not the first launch's: the state pass walks them (its first segment's
// CTAs, into a slot of their own right after the first segment's) and so do the output
// launch's last CTAs (seg 0), which start from the first launch's end state.
// Fixed length (PAD's order): the first state slot of sequence seq, whose segments take
// `pieces` (nseg ksub) slots. With the lead plan's small pieces (LEAD, a.small) each
// sequence has one slot more, the small piece's, right after its first segment's.
template <int LEAD>
__device__ __forceinline__ int64_t wg_seq_slot(const Args& a, int64_t seq, int64_t pieces) {
  return seq * (pieces + (LEAD != 0 && a.small ? 1 : 0));
}
template <bool STATE_ONLY, bool VARLEN = false, bool PAD = false, int LEAD = 0>
struct WgPlace {
  int dvb, seglen, nch;
  int64_t h, nseg, gs, seq, seg, start, row0, slot;
  bool idle;
  __device__ __forceinline__ explicit WgPlace(const Args& a) {
    dvb = blockIdx.x % a.ndvb;
    const int64_t tmp = blockIdx.x / a.ndvb;
    h = tmp % a.H;
    if (VARLEN && a.cu) {
      gs = tmp / a.H;
      const Seg sg = decode_seg(a, gs);
      if constexpr (STATE_ONLY) asm volatile("griddepcontrol.launch_dependents;\n" ::: "memory");
      seq = sg.seq;
      seg = sg.seg;
      nseg = sg.nseg;
      idle = STATE_ONLY && seg >= nseg - 1;
      start = seg * a.Lseg;
      seglen = (int)imin64(a.Lseg, sg.len - start);
      nch = (seglen + kC - 1) / kC;
      row0 = (sg.b * a.H + h) * a.N + sg.tok0 + start;
      slot = blockIdx.x;
      return;
    }
    nseg = a.nseg_fixed;
    if constexpr (PAD) {
      if (a.pad) {
        const int64_t per_seq = STATE_ONLY ? nseg * a.ksub : nseg;
        const int64_t seg_len = STATE_ONLY ? a.Lseg / a.ksub : a.Lseg;
        if constexpr (STATE_ONLY) asm volatile("griddepcontrol.launch_dependents;\n" ::: "memory");
        const int64_t rest = tmp / a.H;
        seq = rest % a.num_seqs;
        seg = LEAD == 2 ? 0 : per_seq - 1 - rest / a.num_seqs;
        gs = seq * per_seq + seg;
        const int64_t vstart = seg * seg_len;
        int64_t end = imin64(vstart + seg_len - a.pad, a.N);
        start = vstart > a.pad ? vstart - a.pad : 0;
        const bool small = LEAD != 0 && a.small && seg == 0;  // (the first segment's small piece)
        if (small) {
          if (LEAD == 2) end -= a.small;
          else start = end - a.small;
        }
        idle = STATE_ONLY && (seg >= (nseg - 1) * a.ksub || end <= 0 || (LEAD != 0 && seg < a.ksub && !small));
        seglen = end > start ? (int)(end - start) : 0;
        nch = (seglen + kC - 1) / kC;
        row0 = (seq * a.H + h) * a.N + start;
        const int64_t shift = LEAD != 0 && a.small ? 1 : 0;  // (the small piece's slot)
        slot = ((wg_seq_slot<LEAD>(a, seq, per_seq) + seg + (small || seg >= a.ksub ? shift : 0)) * a.H + h) * a.ndvb + dvb;
        return;
      }
    }
    gs = tmp / a.H;
    const int64_t per_seq = STATE_ONLY ? nseg * a.ksub : nseg;
    seq = gs / per_seq;
    seg = gs - seq * per_seq;
    const int64_t seg_len = STATE_ONLY ? a.Lseg / a.ksub : a.Lseg;
    if constexpr (STATE_ONLY) asm volatile("griddepcontrol.launch_dependents;\n" ::: "memory");
    idle = STATE_ONLY && seg >= (nseg - 1) * a.ksub;
    start = seg * seg_len;
    seglen = (int)imin64(seg_len, a.N - start);
    nch = (seglen + kC - 1) / kC;
    row0 = (seq * a.H + h) * a.N + start;
    slot = blockIdx.x;
  }
};

// The 1024-aligned base of a version-2/3 kernel's dynamic shared memory, and its decay
// tables at byte offset t_off (filled by wg_decay_tables): ptab[n + 64] = scale (g^n,
// g^(n-1)), pwz[n + 64] = g^n, zero where the exponent is negative.
struct WgSmem {
  uint32_t base;
  unsigned char* basep;
  float2* ptab;
  float* pwz;
  __device__ __forceinline__ WgSmem(unsigned char* raw_p, int t_off) {
    const uint32_t raw = smem_u32(raw_p);
    base = (raw + 1023u) & ~1023u;
    basep = raw_p + (base - raw);
    ptab = reinterpret_cast<float2*>(basep + t_off);
    pwz = reinterpret_cast<float*>(basep + t_off + 129 * 8);
  }
};

// The decay tables (threads 0..128): pwz[n + 64] = g^n and ptab[n + 64] =
// scale (g^n, g^(n-1)), zero where the exponent is negative.
template <int NTHREADS = 256>
__device__ __forceinline__ void wg_decay_tables(float2* ptab, float* pwz, float rate, float scale, int tid) {
#pragma unroll
  for (int k = 0; k < (129 + NTHREADS - 1) / NTHREADS; ++k) {
    const int i = tid + k * NTHREADS;
    if (i < 129) {
      const int n = i - 64;
      pwz[i] = n >= 0 ? expf(-rate * (float)n) : 0.f;
      ptab[i] = make_float2(n >= 0 ? scale * expf(-rate * (float)n) : 0.f,
                            n >= 1 ? scale * expf(-rate * (float)(n - 1)) : 0.f);
    }
  }
}

// Writes this thread's S^T fragments (S[4jb + 2hh + e] = S[rr = 8jb + 2t + e][dv = 64wg +
// 16w4 + g + 8hh]) to an [r][d] float32 state whose value block starts at `blk`.
__device__ __forceinline__ void v2_store_state(float* blk, int64_t d, const float (&S)[64]) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const int wg = warp >> 2, w4 = warp & 3, g = lane >> 2, t = lane & 3;
#pragma unroll
  for (int jb = 0; jb < 16; ++jb)
#pragma unroll
    for (int c = 0; c < 4; ++c) {
      const int dv = 64 * wg + 16 * w4 + g + 8 * (c >> 1), rr = 8 * jb + 2 * t + (c & 1);
      blk[rr * d + dv] = S[4 * jb + c];
    }
}

// Issues chunk c's tiles into its stage: Q (unless SO), K, V. HINT: with L2 policies
// (polq for Q, polkv for K and V).
template <bool SO, class L, bool HINT>
__device__ __forceinline__ void v2_issue(uint32_t base, const uint16_t* gq, const uint16_t* gk,
                                         const uint16_t* gv, int64_t d, int seglen, int c, int tid,
                                         uint64_t polq, uint64_t polkv) {
  const uint32_t st = base + (c % L::stages) * L::per_stage;
  const int rows = min(kC, seglen - c * kC);
  if constexpr (!SO) v2_load_tile<HINT, L::threads>(st, gq + (int64_t)c * kC * 128, 128, rows, tid, polq);
  v2_load_tile<HINT, L::threads>(st + L::k_in, gk + (int64_t)c * kC * 128, 128, rows, tid, polkv);
  v2_load_tile<HINT, L::threads, L::vcols>(st + L::v_in, gv + (int64_t)c * kC * d, d, rows, tid, polkv);
}

// A TMA-fed walk (fused_v2_kernel with ArgsTma): the tensor maps of Q, K, V and O (kernel
// parameters), the segment's first row y0 in its sequence, z = sequence x head, the CTA's
// first value column xv, and the stages' mbarriers (8 bytes apart).
struct V2Tma {
  const void *q, *k, *v, *o;
  int y0, z, xv;
  uint32_t mbar;
};
// Thread 0 issues chunk c's tiles (Q unless SO, K, V: 64 x 64 boxes) into its stage.
template <bool SO, class L>
__device__ __forceinline__ void v2_tma_issue(uint32_t base, const V2Tma& m, int c) {
  const int s = c % L::stages;
  const uint32_t st = base + s * L::per_stage, bar = m.mbar + 8 * s;
  const int y = m.y0 + c * kC;
  mbar_expect_tx(bar, L::per_stage);
  if constexpr (!SO) {
    tma_load3(st, m.q, 0, y, m.z, bar);
    tma_load3(st + 8192, m.q, 64, y, m.z, bar);
  }
  tma_load3(st + L::k_in, m.k, 0, y, m.z, bar);
  tma_load3(st + L::k_in + 8192, m.k, 64, y, m.z, bar);
#pragma unroll
  for (int i = 0; i < L::nwg; ++i) tma_load3(st + L::v_in + 8192 * i, m.v, m.xv + 64 * i, y, m.z, bar);
}

// The first L::stages - 1 chunks of a walk, one commit group each (empty past the end).
template <bool SO, class L, bool HINT>
__device__ __forceinline__ void v2_prologue(uint32_t base, const uint16_t* gq, const uint16_t* gk,
                                            const uint16_t* gv, int64_t d, int seglen, int nch, int tid,
                                            uint64_t polq, uint64_t polkv) {
#pragma unroll
  for (int c = 0; c < L::stages - 1; ++c) {
    if (c < nch) v2_issue<SO, L, HINT>(base, gq, gk, gv, d, seglen, c, tid, polq, polkv);
    cp_async_commit();
  }
}

// One walk over a segment's chunks, from the state S (S^T fragments, see the kernel).
// SO (state only): just the S update, reading K and V; else the outputs too. The caller
// has issued chunks 0 .. L::stages - 2 (one commit group each, v2_prologue). L: the
// shared-memory layout.
// With outputs, P = Q K^T of chunk c + 1 is issued at the end of chunk c's step, so that
// the tensor cores compute it while the warpgroup stores chunk c's outputs. (ptxas waits
// for it at the loop head, where the next S^T is staged from S; the forms that avoid that
// wait measured slower: docs/fused-design.md, nineteenth session.) Chunk c + 1's tiles
// are waited for just before, and chunk c + 2's issued after the barrier that follows the
// S^T staging (every thread has then waited for chunk c - 1's wgmma, so its stage is
// free). The S update goes to the tensor cores right behind Q S in the two-warpgroup
// kernels (the masking of P and the row scaling of O then run under it), and behind P V
// in the one-warpgroup kernel, where that order measured faster (docs/fused-design.md,
// eighteenth session).
// TMA >= 1: the tiles come by TMA (tm), thread 0 issuing them; every thread waits for a
// stage's mbarrier instead of its own copies (and, in the output walk, a CTA barrier).
// TMA == 2 (outputs): each warpgroup's first thread also stores its O tile by TMA.
template <bool BF16, bool SO, class L, bool HINT, int TMA = 0>
__device__ __forceinline__ void v2_walk(float (&S)[64], int64_t d, uint32_t base, unsigned char* basep,
                                        const float2* ptab, const float* pwz, const uint16_t* gq,
                                        const uint16_t* gk, const uint16_t* gv, uint16_t* go, int seglen,
                                        int nch, uint64_t polq, uint64_t polkv, const V2Tma* tm = nullptr) {
  const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
  const int wg = warp >> 2, w4 = warp & 3, wtid = tid & 127;
  const int g = lane >> 2, t = lane & 3;
  const uint32_t sS = base + L::s_off + wg * kV2Tile;       // this warpgroup's [64 dv][128 r]
  const uint32_t sO = base + L::o_off + wg * (kV2Tile / 2);  // this warpgroup's [64 tok][64 dv]
  constexpr bool kEarlyUpdate = L::threads == 256;           // the update right behind Q S
  // per-thread row factors scale*g^(i+1) of the inter-chunk term (rows i0, i0+8)
  float rowf[2] = {0.f, 0.f};
  float P[32];  // P = Q K^T of the chunk in hand (outputs only), issued one step ahead
  // P = Q K^T of chunk c (its tiles have landed), one commit group
  auto issue_p = [&](int c) {
    const uint32_t st = base + (c % L::stages) * L::per_stage;
    reg_fence<32>(P);
    wg_fence();
#pragma unroll
    for (int ks = 0; ks < 8; ++ks) {
      const uint32_t off = (ks >> 2) * 8192 + (ks & 3) * 32;
      wg_ss<64, BF16>(P, sw128_desc(st + off, 16, 1024), sw128_desc(st + L::k_in + off, 16, 1024), ks);
    }
    wg_commit();
  };
  if constexpr (TMA != 0) {
    __syncthreads();  // (orders the decay tables' writes and the mbarriers' init before use)
    if constexpr (!SO) mbar_wait(tm->mbar, 0);
  } else if constexpr (!SO) {
    cp_async_wait<L::stages - 2>();
    fence_async_shared();
    __syncthreads();  // (also orders the decay tables' writes before these reads)
  }
  if constexpr (!SO) {
    rowf[0] = ptab[16 * w4 + g + 1 + 64].x;
    rowf[1] = ptab[16 * w4 + g + 9 + 64].x;
    reg_fence<64>(S);  // S is final before the first wgmma
    issue_p(0);
  }

  for (int c = 0; c < nch; ++c) {
    if constexpr (SO && TMA != 0) {
      mbar_wait(tm->mbar + 8 * (c % L::stages), (c / L::stages) & 1);
      __syncthreads();  // every warp is done with chunk c - 1's stage
      if (tid == 0 && c + L::stages - 1 < nch) v2_tma_issue<SO, L>(base, *tm, c + L::stages - 1);
    } else if constexpr (SO) {
      cp_async_wait<L::stages - 2>();
      fence_async_shared();
      __syncthreads();
      if (c + L::stages - 1 < nch) v2_issue<SO, L, HINT>(base, gq, gk, gv, d, seglen, c + L::stages - 1, tid, polq, polkv);
      cp_async_commit();
    }
    const int Lc = min(kC, seglen - c * kC);
    const uint32_t st = base + (c % L::stages) * L::per_stage;
    const uint32_t tK = st + L::k_in;
    const uint32_t tV = st + L::v_in + wg * 8192;  // this wg's 64 dv
    // S^T = g^Lc S^T + Vt^T K: scale_s, then issue_update (one commit group)
    const float dec_top = kEarlyUpdate ? pwz[Lc + 64] : 0.f;  // (read early there)
    auto scale_s = [&]() {
      const float dec = kEarlyUpdate ? dec_top : pwz[Lc + 64];
#pragma unroll
      for (int i = 0; i < 64; ++i) S[i] *= dec;
      // before Q S is issued: ptxas injects a wgmma wait where the multiplies sink below it
      if constexpr (kEarlyUpdate) reg_fence<64>(S);
    };
    auto issue_update = [&]() {
      uint32_t va[4][4];
      const int mi = lane >> 3;
#pragma unroll
      for (int kk = 0; kk < 4; ++kk) {
        const int tok = 16 * kk + (mi >> 1) * 8 + (lane & 7);
        const int dcol = 16 * w4 + (mi & 1) * 8;
        ldsm_x4_t_addr(va[kk], tV + swz(tok, dcol >> 3));
        const int j0 = 16 * kk + 2 * t;
        const float f0 = pwz[Lc - 1 - j0 + 64], f1 = pwz[Lc - 2 - j0 + 64];
        const float f2 = pwz[Lc - 9 - j0 + 64], f3 = pwz[Lc - 10 - j0 + 64];
        float2 x;
        x = unpack16<BF16>(va[kk][0]); va[kk][0] = pack16<BF16>(x.x * f0, x.y * f1);
        x = unpack16<BF16>(va[kk][1]); va[kk][1] = pack16<BF16>(x.x * f0, x.y * f1);
        x = unpack16<BF16>(va[kk][2]); va[kk][2] = pack16<BF16>(x.x * f2, x.y * f3);
        x = unpack16<BF16>(va[kk][3]); va[kk][3] = pack16<BF16>(x.x * f2, x.y * f3);
      }
      reg_fence<64>(S);
      wg_fence();
#pragma unroll
      for (int kk = 0; kk < 4; ++kk)
        wg_rs<128, BF16>(S, va[kk], sw128_desc(tK + kk * 2048, 8192, 1024));
      wg_commit();
    };

    float O[32];
    if constexpr (SO) {
      scale_s();
      issue_update();
      wg_wait<0>();
    } else {
      const uint32_t tQ = st;
      // 1. S^T -> sS (16-bit), stmatrix: pair p covers r columns 16p..16p+15
      {
        const int mi = lane >> 3;
        const int row = 16 * w4 + (mi & 1) * 8 + (lane & 7);
#pragma unroll
        for (int p = 0; p < 8; ++p) {
          const int ch = 2 * p + (mi >> 1);  // 16-byte chunk along r (0..15)
          stsm_x4(sS + (ch >> 3) * 8192 + swz(row, ch & 7), pack16<BF16>(S[8 * p], S[8 * p + 1]),
                  pack16<BF16>(S[8 * p + 2], S[8 * p + 3]), pack16<BF16>(S[8 * p + 4], S[8 * p + 5]),
                  pack16<BF16>(S[8 * p + 6], S[8 * p + 7]));
        }
      }
      if constexpr (kEarlyUpdate) scale_s();
      fence_async_shared();
      // (sO is free again once the last step's TMA store has read it)
      if constexpr (TMA == 2) if (wtid == 0) bulk_wait_read<0>();
      if constexpr (L::threads == 128) bar_wg(1 + wg);
      else __syncthreads();
      if constexpr (TMA != 0) {
        if (tid == 0 && c + L::stages - 1 < nch) v2_tma_issue<SO, L>(base, *tm, c + L::stages - 1);
      } else {
        if (c + L::stages - 1 < nch) v2_issue<SO, L, HINT>(base, gq, gk, gv, d, seglen, c + L::stages - 1, tid, polq, polkv);
        cp_async_commit();
      }
      // 2. O = Q S (P = Q K^T was issued at the end of the step before)
      reg_fence<32>(O);
      wg_fence();
#pragma unroll
      for (int ks = 0; ks < 8; ++ks) {
        const uint32_t off = (ks >> 2) * 8192 + (ks & 3) * 32;
        wg_ss<64, BF16>(O, sw128_desc(tQ + off, 16, 1024), sw128_desc(sS + off, 16, 1024), ks);
      }
      wg_commit();
      if constexpr (kEarlyUpdate) issue_update();
      // 3. decay/mask P and convert it to A fragments (while Q S runs); scale rows of O
      wg_wait<kEarlyUpdate ? 2 : 1>();
      reg_fence<32>(P);
      uint32_t pa[4][4];
#pragma unroll
      for (int jb = 0; jb < 8; ++jb) {
#pragma unroll
        for (int hh = 0; hh < 2; ++hh) {
          const int i = 16 * w4 + g + 8 * hh, j = 8 * jb + 2 * t;
          const float2 f = ptab[i - j + 64];
          const float x0 = P[4 * jb + 2 * hh] * f.x, x1 = P[4 * jb + 2 * hh + 1] * f.y;
          pa[jb >> 1][(jb & 1) * 2 + hh] = pack16<BF16>(x0, x1);
        }
      }
      wg_wait<kEarlyUpdate ? 1 : 0>();
      reg_fence<32>(O);
#pragma unroll
      for (int jb = 0; jb < 8; ++jb)
#pragma unroll
        for (int hh = 0; hh < 2; ++hh) {
          O[4 * jb + 2 * hh] *= rowf[hh];
          O[4 * jb + 2 * hh + 1] *= rowf[hh];
        }
      // 4. O += P V
      reg_fence<32>(O);
      wg_fence();
#pragma unroll
      for (int kk = 0; kk < 4; ++kk)
        wg_rs<64, BF16>(O, pa[kk], sw128_desc(tV + kk * 2048, 8192, 1024));
      wg_commit();
      if constexpr (!kEarlyUpdate) {
        scale_s();
        issue_update();
      }
      // chunk c + 1's tiles, then its P = Q K^T, behind this chunk's P V and S update
      // (after the last chunk too, on a stale stage: the waits stay the same each step)
      if constexpr (TMA != 0) {
        if (c + 1 < nch) mbar_wait(tm->mbar + 8 * ((c + 1) % L::stages), ((c + 1) / L::stages) & 1);
      } else {
        cp_async_wait<L::stages - 2>();
        fence_async_shared();
        __syncthreads();
      }
      issue_p(c + 1);
      if constexpr (kEarlyUpdate) {
        wg_wait<1>();  // the S update and P V
        reg_fence<64>(S);
      } else {
        wg_wait<2>();  // P V
      }
      // 5. O -> sO -> global (rows < Lc)
      reg_fence<32>(O);
      {
        const int mi = lane >> 3;
        const int row = 16 * w4 + (mi & 1) * 8 + (lane & 7);
#pragma unroll
        for (int p = 0; p < 4; ++p)
          stsm_x4(sO + swz(row, 2 * p + (mi >> 1)), pack16<BF16>(O[8 * p], O[8 * p + 1]),
                  pack16<BF16>(O[8 * p + 2], O[8 * p + 3]), pack16<BF16>(O[8 * p + 4], O[8 * p + 5]),
                  pack16<BF16>(O[8 * p + 6], O[8 * p + 7]));
      }
      if constexpr (TMA == 2) {
        fence_async_shared();
        bar_wg(1 + wg);
        if (wtid == 0) {
          tma_store3(tm->o, tm->xv + 64 * wg, tm->y0 + c * kC, tm->z, sO);
          bulk_commit();
        }
      } else {
        bar_wg(1 + wg);
        const unsigned char* sOp = basep + L::o_off + wg * (kV2Tile / 2);
#pragma unroll
        for (int i = 0; i < 4; ++i) {
          const int idx = wtid + 128 * i;
          const int row = idx >> 3, ch = idx & 7;
          if (row < Lc) {
            const uint4 x = *reinterpret_cast<const uint4*>(sOp + swz(row, ch));
            *reinterpret_cast<uint4*>(go + (int64_t)(c * kC + row) * d + ch * 8) = x;
          }
        }
      }
      if constexpr (!kEarlyUpdate) wg_wait<1>();  // the S update (chunk c + 1's P may run on)
    }
    reg_fence<64>(S);
  }
  if constexpr (!SO) {
    wg_wait<0>();
    reg_fence<32>(P);
  }
  if constexpr (TMA == 2) if (wtid == 0) bulk_wait<0>();
  if constexpr (TMA == 0) cp_async_wait<0>();
}

// A short first segment (WgPlace's PAD, a.pad > 0): the first state piece an output CTA's
// prefix sums (the pieces before it lie wholly before row 0 and are idle, no slot written)
// and that piece's tokens from row 0, over which the initial state decays.
struct PadFirst {
  int64_t s0, len0;
};
__device__ __forceinline__ PadFirst pad_first_piece(const Args& a) {
  const int64_t lsub = a.Lseg / a.ksub, s0 = a.pad / lsub;
  return {s0, (s0 + 1) * lsub - a.pad};
}

// The first value column of output block dvb inside its scratch state slot ([dv][r], 128
// value columns), for versions 2 and 3. The state pass works on 128-column blocks; an
// output launch of narrower CTAs has a.dv_split of them per block (v3x: 4 of 32 columns).
__device__ __forceinline__ const float* wg_slot(const Args& a, int64_t slot, int64_t h, int dvb) {
  const int split = a.dv_split;
  return a.states + ((slot * a.H + h) * (a.ndvb / split) + dvb / split) * (int64_t)kTile +
         (int64_t)(dvb % split) * (128 / split) * 128;
}

// NWG = 1 (the narrow output kernel): one warpgroup, 64 value columns per CTA: for
// one-walk schedules, and the output kernel of V2NFamily (two CTAs per 128-column state
// block, reading staged states: a.dv_split = 2).
// TMA >= 1: the tiles come by TMA (ArgsTma's tensor maps; v2_walk) instead of cp.async;
// 2: the output tiles leave by TMA too.
// LEAD (the lead plan, lead_plan in fused_kernels.cuh; WgPlace's PAD and LEAD), as in
// fused_v3_kernel: 2, an output launch of the first segments, which starts from the
// initial state and leaves its end state in the first segment's last state slot; 1, the
// state kernel (its CTAs return only once that launch is done) and the output launch of
// the other segments, which sum the states from that slot on.
template <bool BF16, bool STATE_ONLY, int NWG = 2, int TMA = 0, int STAGES = kV2Stages, int LEAD = 0>
__global__ void __launch_bounds__(128 * NWG, STATE_ONLY && STAGES == kV2Stages ? 2 : 1)
    fused_v2_kernel(const __grid_constant__ std::conditional_t<TMA != 0, ArgsTma, Args> a) {
#ifdef LEET_FUSED_V2_DEVICE
  using L = V2Layout<STATE_ONLY, NWG, STAGES>;
  static_assert(NWG == 2 || !STATE_ONLY, "the narrow kernel has no state pass");
  static_assert(STAGES == kV2Stages || (STATE_ONLY && TMA != 0), "deep stages: the TMA state kernel only");
  static_assert(LEAD == 0 || (TMA != 0 && NWG == 2 && (LEAD == 1 || !STATE_ONLY)), "LEAD: the TMA-fed kernels");
  constexpr int DVB = 64 * NWG;  // value columns per CTA
  extern __shared__ __align__(1024) unsigned char smem_raw[];
  const WgSmem M(smem_raw, L::t_off);
  const uint32_t base = M.base;
  unsigned char* const basep = M.basep;
  float2* const ptab = M.ptab;
  float* const pwz = M.pwz;

  const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
  const int wg = warp >> 2, w4 = warp & 3;
  const int g = lane >> 2, t = lane & 3;

  // (LEAD = 2: the state kernel, launched next, may start at once)
  if constexpr (LEAD == 2) asm volatile("griddepcontrol.launch_dependents;\n" ::: "memory");
  const WgPlace<STATE_ONLY, false, LEAD != 0, LEAD> P(a);
  if (P.idle) return;
#ifdef LEET_FUSED_LEAD_STAMPS
  unsigned long long* const stamp = LEAD != 0 ? lead_stamp_open(a.prof) : nullptr;
#endif
  const int dvb = P.dvb, seglen = P.seglen, nch = P.nch;
  const int64_t h = P.h, nseg = P.nseg, gs = P.gs, seq = P.seq, seg = P.seg, start = P.start;
  const float rate = a.rate[h];
  wg_decay_tables<L::threads>(ptab, pwz, rate, a.scale, tid);

  const int64_t row0 = (seq * a.H + h) * a.N + start;
  const uint16_t* gq = static_cast<const uint16_t*>(a.q) + row0 * 128;
  const uint16_t* gk = static_cast<const uint16_t*>(a.k) + row0 * 128;
  const uint16_t* gv = static_cast<const uint16_t*>(a.v) + row0 * a.d + (int64_t)dvb * DVB;
  uint16_t* go = static_cast<uint16_t*>(a.o) + row0 * a.d + (int64_t)dvb * DVB + 64 * wg;

  // the first two chunks' tiles load while the state is set up
  [[maybe_unused]] V2Tma tm{};
  if constexpr (TMA != 0) {
    tm = V2Tma{&a.map_q, &a.map_k, &a.map_v, &a.map_o, (int)start, (int)(seq * a.H + h), dvb * DVB, base + L::mb_off};
    if (tid == 0) {
#pragma unroll
      for (int s = 0; s < L::stages; ++s) mbar_init(tm.mbar + 8 * s, 1);
      mbar_init_fence();
    }
  }
  auto issue = [&](int c) {
    if constexpr (TMA != 0) {
      if (tid == 0) v2_tma_issue<STATE_ONLY, L>(base, tm, c);
    } else {
      v2_issue<STATE_ONLY, L, false>(base, gq, gk, gv, a.d, seglen, c, tid, 0, 0);
    }
  };
  if constexpr (!STATE_ONLY) {
    issue(0);
    cp_async_commit();
    if (nch > 1) issue(1);
    cp_async_commit();
  }

  // state S^T: element (dv = 64wg + 16w4 + g + 8hh, rr = 8jb + 2t + e) in S[4jb + 2hh + e]
  float S[64];
  if (STATE_ONLY || seg == 0) {
#pragma unroll
    for (int jb = 0; jb < 16; ++jb)
#pragma unroll
      for (int c = 0; c < 4; ++c) {
        const int dv = 64 * wg + 16 * w4 + g + 8 * (c >> 1), rr = 8 * jb + 2 * t + (c & 1);
        S[4 * jb + c] = (!STATE_ONLY && a.init)
                            ? a.init[((seq * a.H + h) * 128 + rr) * a.d + dvb * DVB + dv]
                            : 0.f;
      }
  } else {
    // states of earlier segments come from the state kernel launched just before
    // (programmatic dependent launch: segment-0 CTAs never wait)
    asm volatile("griddepcontrol.wait;\n" ::: "memory");
    if (a.prefix_inline) {
      // S_in(seg) = g^L S_in(seg-1) + dS(seg-1), from initial_state (or 0): the scan,
      // done here for a few segments instead of in a separate launch (LEAD: from zero and
      // the first segment's last piece, whose state holds the initial state's part)
#pragma unroll
      for (int jb = 0; jb < 16; ++jb)
#pragma unroll
        for (int c = 0; c < 4; ++c) {
          const int dv = 64 * wg + 16 * w4 + g + 8 * (c >> 1), rr = 8 * jb + 2 * t + (c & 1);
          S[4 * jb + c] =
              (LEAD == 0 && a.init) ? a.init[((seq * a.H + h) * 128 + rr) * a.d + dvb * DVB + dv] : 0.f;
        }
      // raw sub-segment states u < seg * ksub, each of length Lseg / ksub
      const float decL = expf(-rate * (float)(a.Lseg / a.ksub));
      const int64_t base_slot = seq * nseg * a.ksub;
      for (int64_t sp = LEAD == 1 ? a.ksub - 1 : 0; sp < seg * a.ksub; ++sp) {
        const float* src = wg_slot(a, base_slot + sp, h, dvb);
#pragma unroll
        for (int jb = 0; jb < 16; ++jb)
#pragma unroll
          for (int hh = 0; hh < 2; ++hh) {
            const int dv = 64 * wg + 16 * w4 + g + 8 * hh, rr = 8 * jb + 2 * t;
            const float2 x = __ldcg(reinterpret_cast<const float2*>(src + dv * 128 + rr));
            S[4 * jb + 2 * hh] = fmaf(decL, S[4 * jb + 2 * hh], x.x);
            S[4 * jb + 2 * hh + 1] = fmaf(decL, S[4 * jb + 2 * hh + 1], x.y);
          }
      }
    } else {
      const float* src = wg_slot(a, gs - 1, h, dvb);
#pragma unroll
      for (int jb = 0; jb < 16; ++jb)
#pragma unroll
        for (int hh = 0; hh < 2; ++hh) {
          const int dv = 64 * wg + 16 * w4 + g + 8 * hh, rr = 8 * jb + 2 * t;
          const float2 x = __ldcg(reinterpret_cast<const float2*>(src + dv * 128 + rr));
          S[4 * jb + 2 * hh] = x.x;
          S[4 * jb + 2 * hh + 1] = x.y;
        }
    }
  }


  if constexpr (STATE_ONLY) {  // (nothing to overlap: the state starts at zero)
    issue(0);
    cp_async_commit();
    if (nch > 1) issue(1);
    cp_async_commit();
#pragma unroll
    for (int c = 2; c < L::stages - 1; ++c)  // (the deep kernel: TMA, no commit groups)
      if (nch > c) issue(c);
  }

#ifdef LEET_FUSED_LEAD_STAMPS
  if (stamp && tid == 0) stamp[1] = global_ns();
#endif
  v2_walk<BF16, STATE_ONLY, L, false, TMA>(S, a.d, base, basep, ptab, pwz, gq, gk, gv, go, seglen, nch, 0, 0, &tm);
#ifdef LEET_FUSED_LEAD_STAMPS
  if (stamp && tid == 0) stamp[2] = global_ns();
#endif

  if constexpr (STATE_ONLY || LEAD == 2) {
    // slot index recomputed from blockIdx here (keeps 64-bit values out of the loop; LEAD:
    // the PAD order's slot, or, LEAD = 2, the first segment's last piece's)
    float* dst = LEAD == 0   ? a.states + (int64_t)blockIdx.x * kTile
                 : STATE_ONLY ? a.states + P.slot * kTile
                              : const_cast<float*>(wg_slot(a, seq * nseg * a.ksub + a.ksub - 1, h, dvb));
#pragma unroll
    for (int jb = 0; jb < 16; ++jb)
#pragma unroll
      for (int hh = 0; hh < 2; ++hh) {
        const int dv = 64 * wg + 16 * w4 + g + 8 * hh, rr = 8 * jb + 2 * t;
        __stcg(reinterpret_cast<float2*>(dst + dv * 128 + rr),
               make_float2(S[4 * jb + 2 * hh], S[4 * jb + 2 * hh + 1]));
      }
    // (LEAD: the state grid ends only after the first segments' launch, whose states the
    // next launch reads)
    if constexpr (STATE_ONLY && LEAD != 0) asm volatile("griddepcontrol.wait;\n" ::: "memory");
    if constexpr (LEAD == 2) __threadfence();
  } else if (seg == nseg - 1 && a.fin) {
    v2_store_state(a.fin + (seq * a.H + h) * 128 * a.d + dvb * DVB, a.d, S);
  }
#else
  __trap();
#endif
}

// ---- single pass (decoupled hand-off) -----------------------------------------------------
// Waits until *flag >= want (acquire, gpu scope). Bounded: a hand-off that never comes
// (a bug, never a legal schedule) traps after seconds instead of hanging the device.
__device__ __forceinline__ void wait_flag_geq(const unsigned* flag, unsigned want) {
  for (long long n = 0;; ++n) {
    unsigned v;
    asm volatile("ld.acquire.gpu.global.u32 %0, [%1];\n" : "=r"(v) : "l"(flag) : "memory");
    if (v >= want) break;
    if (n > (1ll << 26)) __trap();
    __nanosleep(64);
  }
}
__device__ __forceinline__ void store_release(unsigned* flag, unsigned v) {
  asm volatile("st.release.gpu.global.u32 [%0], %1;\n" ::"l"(flag), "r"(v) : "memory");
}

// Version 2 in one pass over the inputs (no state kernel). CTAs take tickets in launch
// order; ticket t works on segment t / chains of chain t % chains (chain = sequence,
// head, d-block), so every segment's predecessor holds an earlier ticket and is already
// running: waiting on it cannot deadlock. A CTA
//   1. walks its segment once for the state alone: dS = the segment's own contribution
//      (K and V only; they stay in L2 under an evict_last policy), unless it is the last;
//   2. issues its first output tiles, then waits for its predecessor's hand-off
//      S_in(seg) (64 KiB, fp32) and publishes S_in(seg+1) = g^L S_in(seg) + dS in a
//      two-slot ring per chain, then raises the chain's counter to seg + 1;
//   3. walks the segment again from S_in(seg) writing O (K and V now L2 hits).
// DRAM traffic is read q, k, v and write o once (the state pass re-reads K and V from L2,
// not DRAM), against 5.5 units for the two-launch form at 4 segments per sequence.
// The ring needs only two slots: a CTA reads slot seg-1 before it writes slot seg, so the
// writer of slot seg+1 (which waited for slot seg) runs after slot seg-1 was consumed.
template <bool BF16>
__global__ void __launch_bounds__(kV2Threads, 1) fused_v2_single_kernel(const Args a) {
#ifdef LEET_FUSED_V2_DEVICE
  using L = V2Layout<false>;
  extern __shared__ __align__(1024) unsigned char smem_raw[];
  __shared__ unsigned s_ticket;
  const WgSmem M(smem_raw, L::t_off);
  const uint32_t base = M.base;
  unsigned char* const basep = M.basep;
  float2* const ptab = M.ptab;
  float* const pwz = M.pwz;

  const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
  const int wg = warp >> 2, w4 = warp & 3;
  const int g = lane >> 2, t = lane & 3;

  if (tid == 0) s_ticket = atomicAdd(a.ticket, 1u);
  __syncthreads();
  unsigned long long* prof = a.prof ? a.prof + 5 * (int64_t)s_ticket : nullptr;
  if (prof && tid == 0) prof[0] = global_ns();
  const int64_t chains = a.num_seqs * a.H * a.ndvb;
  const int64_t seg = (int64_t)s_ticket / chains, chain = (int64_t)s_ticket - seg * chains;
  const int dvb = (int)(chain % a.ndvb);
  const int64_t h = (chain / a.ndvb) % a.H, seq = chain / (a.ndvb * a.H);
  const int64_t nseg = a.nseg_fixed, start = seg * a.Lseg;
  const int seglen = (int)imin64(a.Lseg, a.N - start);
  const int nch = (seglen + kC - 1) / kC;
  const bool has_next = seg < nseg - 1;
  const float rate = a.rate[h];
  wg_decay_tables(ptab, pwz, rate, a.scale, tid);

  const int64_t row0 = (seq * a.H + h) * a.N + start;
  const uint16_t* gq = static_cast<const uint16_t*>(a.q) + row0 * 128;
  const uint16_t* gk = static_cast<const uint16_t*>(a.k) + row0 * 128;
  const uint16_t* gv = static_cast<const uint16_t*>(a.v) + row0 * a.d + (int64_t)dvb * 128;
  uint16_t* go = static_cast<uint16_t*>(a.o) + row0 * a.d + (int64_t)dvb * 128 + 64 * wg;
  // L2 policies (a.l2_hints): K, V of the state walk stay (evict_last) for the output
  // walk; Q and the output walk's K, V go first. Without hints: evict_normal for all.
  const int hint = a.l2_hints != 0;
  const uint64_t keep = l2_policy(hint ? 1 : 0), drop = l2_policy(hint ? 2 : 0);

  // state S^T: element (dv = 64wg + 16w4 + g + 8hh, rr = 8jb + 2t + e) in S[4jb + 2hh + e]
  float S[64];
#pragma unroll
  for (int i = 0; i < 64; ++i) S[i] = 0.f;
  if (has_next) {  // 1. dS of this segment (K, V only, six stages)
    v2_prologue<true, V2LayoutKV, true>(base, gq, gk, gv, a.d, seglen, nch, tid, drop, keep);
    v2_walk<BF16, true, V2LayoutKV, true>(S, a.d, base, basep, ptab, pwz, gq, gk, gv, go, seglen, nch, drop, keep);
    __syncthreads();  // every warp is done with the stage buffers
  }
  if (prof && tid == 0) prof[1] = global_ns();
  // 2. the output pass's first tiles, then the hand-off
  v2_prologue<false, L, true>(base, gq, gk, gv, a.d, seglen, nch, tid, drop, drop);

  unsigned* flag = a.flags + chain;
  float* ring = a.ring + chain * 2 * (int64_t)kTile;
  if (seg > 0) {
    if (tid == 0) wait_flag_geq(flag, (unsigned)seg);
    __syncthreads();
  }
  if (prof && tid == 0) prof[2] = global_ns();
  const float* src = ring + ((seg + 1) & 1) * (int64_t)kTile;  // slot of seg - 1
  float* dst = ring + (seg & 1) * (int64_t)kTile;
  const float decL = expf(-rate * (float)a.Lseg);
  // all 32 loads first, then the stores (interleaved, the compiler must assume the store
  // may alias the next load and serialises them: measured 8 us per hand-off)
  float2 prev[32];
#pragma unroll
  for (int jb = 0; jb < 16; ++jb)
#pragma unroll
    for (int hh = 0; hh < 2; ++hh) {
      const int dv = 64 * wg + 16 * w4 + g + 8 * hh, rr = 8 * jb + 2 * t;
      float2 x = make_float2(0.f, 0.f);
      if (seg > 0) {
        x = __ldcg(reinterpret_cast<const float2*>(src + dv * 128 + rr));
      } else if (a.init) {
        const float* ini = a.init + ((seq * a.H + h) * 128 + rr) * a.d + dvb * 128 + dv;
        x = make_float2(ini[0], ini[a.d]);
      }
      prev[2 * jb + hh] = x;
    }
#pragma unroll
  for (int jb = 0; jb < 16; ++jb)
#pragma unroll
    for (int hh = 0; hh < 2; ++hh) {
      const int dv = 64 * wg + 16 * w4 + g + 8 * hh, rr = 8 * jb + 2 * t;
      float* s2 = &S[4 * jb + 2 * hh];
      const float2 x = prev[2 * jb + hh];
      if (has_next)
        __stcg(reinterpret_cast<float2*>(dst + dv * 128 + rr),
               make_float2(fmaf(decL, x.x, s2[0]), fmaf(decL, x.y, s2[1])));
      s2[0] = x.x;
      s2[1] = x.y;
    }
  if (has_next) {
    __syncthreads();
    if (tid == 0) {
      __threadfence();
      store_release(flag, (unsigned)seg + 1u);
    }
  }
  if (prof && tid == 0) prof[3] = global_ns();
  // 3. the outputs
  v2_walk<BF16, false, L, true>(S, a.d, base, basep, ptab, pwz, gq, gk, gv, go, seglen, nch, drop, drop);
  if (prof && tid == 0) prof[4] = global_ns();

  if (!has_next && a.fin) v2_store_state(a.fin + (seq * a.H + h) * 128 * a.d + dvb * 128, a.d, S);
#else
  __trap();
#endif
}
