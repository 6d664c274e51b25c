// method: "auto". Picks a method for a shape, dtype and backend, and says why.
import type { DType } from "./dtype";
import type { Backend, ProblemShape } from "./methods/types";

export interface AutoChoice {
  method: string;
  reason: string;
}

/** Where the CUDA backend will run (the current device), for choices that depend on it. */
export interface AutoContext {
  /** The device's compute capability, e.g. "9.0". */
  computeCapability?: string;
  /** Packed sequences (cuSeqlens). */
  packed?: boolean;
  /** With packed sequences: how many (default B), and the longest's length (default N, as if one sequence held every token). */
  sequences?: number;
  longestSequence?: number;
  /** A state goes in (initialState) or comes out (returnState). */
  states?: boolean;
  /** A state goes in (initialState). */
  initialState?: boolean;
  /** The device's streaming multiprocessors (default 132, an H100 or H200). */
  multiprocessors?: number;
}

// The rules for a Hopper GPU (compute capability 9.x), from `leet-decoding bench-auto`: every
// CUDA method timed on an H100 over two grids, "main" and "check" (other B, H, N, r, d and
// packings), bench/h100-2026-11-26-t and -x (the timings the rules came from) and -y (these
// rules: within 5% of the fastest method in 58 of 60 and 67 of 75 cases, a geometric mean
// of 1.006 and 1.015 times the fastest; the rules before, fused nearly everywhere, 29 of 60
// and 45 of 75, 1.22 and 1.23 times; docs/benchmarks.md). What the rules follow from:
// - fused's Hopper kernels for 16-bit and TF32 inputs take r = 128 and d a multiple of 128
//   (versions 2 and 3). Elsewhere its mma.sync kernels pad r and d to blocks of 128 (at
//   d <= 64 half the work is padding) and loop over r blocks above 128. Its float64
//   kernels (exact float32) pad r to 64 or 128 and split d into 64-column CTAs.
// - blocked computes every chunk in parallel and scans the chunk states: best where there
//   are few (sequence, head) walks for the SMs and the state is small.
// - lightning walks each (sequence, head) once, in CTAs of 32 value columns where the walks
//   are fewer than the SMs: best where those CTAs fill the GPU, and in 16-bit at r = 256
//   and on short sequences.
// - fleet keeps float32 states on CUDA cores, as accurate as the recurrence: fastest at
//   r, d <= 64 on long sequences with few walks.
// - recurrent: a call of a few tokens (a decoding step) has no chunk to fill; and float32
//   at r, d <= 64 with many walks or many short packed sequences keeps its state in
//   registers (thirtieth session: rules from the check, varlen and holdout grids, runs zd).

function hopperChoice(shape: ProblemShape, dtype: DType, precision: "exact" | "tf32", packed: boolean, sms: number, sequences: number, states: boolean, longest: number): AutoChoice {
  const { r, d, N } = shape;
  const walks = shape.B * shape.H;
  const at = `r = ${r}, d = ${d}, ${packed ? `${sequences} packed sequences (${Math.round(N / sequences)} tokens on average), H = ${shape.H}` : `B·H = ${walks}`}, N = ${N} on a Hopper GPU`;
  const pick = (method: string, why: string): AutoChoice => ({ method, reason: `at ${at}, ${why} (measured: bench-auto)` });
  const wgmmaShape = r === 128 && d % 128 === 0;
  const small = r <= 32 && d <= 32;
  const fewWalks = walks < sms;
  // lightning's 32-column CTAs (one walk per sequence and head) fill at least 90% of the SMs
  const narrowFills = walks * Math.ceil(d / 32) >= 0.9 * sms;
  if (N <= 32) return pick("recurrent", "a few tokens per sequence: the token recurrence has no chunk to fill");
  // Many packed sequences (bench-auto --grid varlen): lightning walks each sequence once,
  // and without a state hands those of at most 64 tokens to cuda/short_seqs.cu (when all
  // are that short, the rule in chooseMethod applies). With a state, sequences of a few
  // tokens each go to the token recurrence (measured without a state, before that kernel:
  // 1024 of 16 tokens, fp16, r = d = 64: recurrent 0.57 ms, lightning 1.10).
  const mean = N / sequences;
  if (packed && states && mean <= 16) return pick("recurrent", "packed sequences of a few tokens each and a state: the token recurrence has no chunk to fill");
  // float32 at r, d <= 64 on many packed sequences of at most 256 tokens: the token
  // recurrence, whose state stays in registers, beats the chunked walks (200 sequences of
  // 1 to 256 tokens, H = 32, r = d = 64, TF32 and exact: recurrent 0.77-0.78 ms against
  // lightning's 0.88-0.92, 1.13-1.19x, in every varlen run on the H100 and the H200; in 16
  // bits lightning's tensor-core walk wins, 0.49 against 0.83)
  if (packed && dtype === "float32" && r <= 64 && d <= 64 && longest <= 256 && sequences * shape.H >= 8 * sms) {
    return pick("recurrent", "float32 with a small state on many short packed sequences: the token recurrence keeps the state in registers and has no chunk to fill");
  }
  // Exact float32, packed sequences of which the longest has at least 8500 tokens: fused,
  // whose segment model counts each sequence's own segments (cuda/fused_kernels.cuh,
  // segment_plan_packed), rather than lightning, which walks each sequence whole. H = 32,
  // r = d = 128 (96 alike), bench-auto's check and holdout grids with that model (run zd
  // call 9, H100): fused 1.17 ms against blocked's 1.26 and lightning's 1.35 at 9000 of
  // 13000 tokens, 1.29 against 1.68 at 9000 of 18000, 1.69 against 2.25 at 2 x 12000, within
  // 2% of blocked at 20000 to 30000; blocked ahead at 14000 of 19500 (1.83 against 2.18)
  // and 10000 of 20000 (1.81 against 2.38). Lightning ahead at 7000 of 16400 and 8192 of
  // 15800 (1.16-1.21 against fused's 1.65-1.71).
  const longPackedExact = packed && mean >= 2048 && longest >= 8500;
  if (packed && mean < 2048 && !(dtype !== "float32" && r <= 32 && d <= 32)) {
    const wide = r > 64 || d > 64;
    // A sequence of 2048 tokens or more among short ones: lightning walks it whole, fused
    // splits it into segments. Varlen grid, H = 32, 500 sequences of 1 to 32 tokens and four
    // of 4096 / 1000 of 1 to 12 and two of 4096 (run ze, H200, after fused's scan went over
    // the long sequences only): fused 0.66 / 0.48 ms against lightning's 0.84 / 0.62 in fp16
    // at r = d = 128, 0.96 / 0.73 against 2.16 / 1.14 in TF32, 1.42 / 0.76 alike in exact;
    // at r = d = 64, exact 0.54 / 0.44 against 0.54 / 0.48, while in 16 bits and TF32
    // lightning keeps the pack with two (0.29 against 0.39 and 0.44 against 0.60 ms).
    const exactF32 = dtype === "float32" && precision === "exact";
    if (longest >= 2048 && (exactF32 || (dtype === "float32" ? wide : wgmmaShape))) {
      return pick("fused", `a sequence of ${longest} tokens among short ones: fused splits it into segments, where lightning walks it whole`);
    }
    if (precision === "tf32" && dtype === "float32" && wide && mean >= 64) return pick("fused", "fused on TF32 tensor cores is fastest");
    if (dtype !== "float32" && wgmmaShape && mean >= 512) return pick("fused", "fused's warpgroup-MMA kernels read every input once");
    return pick("lightning", "lightning walks each packed sequence once, and the many walks fill the GPU");
  }
  if (dtype === "float16" || dtype === "bfloat16") {
    if (wgmmaShape) return pick("fused", "fused's warpgroup-MMA kernels read every input once");
    if (small) return pick("blocked", "blocked's chunk-parallel schedule is fastest for a small state");
    if (r >= 256) return pick("lightning", "lightning is fastest (fused loops over blocks of 128 key columns)");
    if (d > 64 && N > 1024) return pick("fused", "fused is fastest");
    if (N <= 1024 || narrowFills) return pick("lightning", "lightning's walks fill the GPU or the sequence is short: lightning is fastest");
    return pick("blocked", "with fewer walks than SMs, blocked's chunk-parallel schedule is fastest");
  }
  // float32 at a small state with many walks (256 or more on 132 SMs) of 1024 to 4096
  // tokens: the token recurrence. Check grid, 16x2048, H = 32, r = 32, d = 64: recurrent
  // 0.69-0.73 ms against lightning's 0.79-0.81 in TF32 and fused's 0.76 in exact; at r = 64
  // in TF32 0.88-0.93 against 0.93-0.96, while exact fused's float64 kernels win there, 0.75
  // (H100 and H200). Holdout grid (H100, run zd): TF32 r = 32, d = 64 at 8x2048, 16x1024
  // and 16x4096, recurrent 1.07-1.23x ahead of lightning; 32x2048 1.5x; exact r = d = 32 at
  // 32x2048 H = 16 0.42 against blocked's 0.71. Not taken: 64 walks (4x2048 H = 16,
  // lightning 2.5x ahead), 8x8192 (lightning 1.3x ahead at r = d = 32), N = 100; in exact
  // float32 fewer than 3.5 walks per SM (12x4096 H = 32, r = 32, d = 64: 1.44 ms against
  // 1.13 for blocked, lightning and fused on the H200, run zd call 4).
  // At 3.5 walks per SM or more it holds on longer sequences too, in TF32 at r <= 32
  // (H = 32, r = 32, d = 64: 16x8192 recurrent 2.89 ms, fleet 2.98-3.00, lightning 3.10,
  // fused 4.20-4.24; 16x16384 5.76, 5.88, 6.43, 8.37; r = d = 32, 32x8192 3.48 against
  // fleet's 3.92; run zd calls 2 and 3).
  const recurrentWalks = !packed && N >= 1024 && d <= 64 && (precision === "tf32"
    ? (walks >= 1.9 * sms && N <= 4096) || (r <= 32 && walks >= 3.5 * sms)
    : walks >= 3.5 * sms && N <= 4096);
  if (precision === "tf32") {
    if (recurrentWalks && r <= 64) {
      return pick("recurrent", "many walks of a few thousand tokens at a small state: the token recurrence keeps the state in registers");
    }
    if (r <= 64 && d <= 64) {
      if (!fewWalks) {
        return N >= 8192 && !small
          ? pick("fused", "fused on TF32 tensor cores is fastest")
          : pick("lightning", "the walks fill the GPU and lightning is fastest");
      }
      if (N >= 8192) return pick("fleet", "fleet (float32 on CUDA cores, as accurate as the recurrence) is fastest on a long sequence");
      return narrowFills
        ? pick("lightning", "lightning's 32-column walks fill the GPU and are fastest")
        : pick("blocked", "with few walks on a short sequence, blocked's chunk-parallel schedule is fastest");
    }
    // At r <= 64 fused's TF32 kernels pad r to 128 (its warpgroup kernels need r = 128):
    // on a short sequence with few walks, lightning's 32-column walks win (1×1024 H32
    // r = 64 d = 128: 0.086 against 0.097 ms in eight H100 runs, bench/h100-2026-11-26-zzk
    // and earlier; at r = 128, d = 64 fused still wins, 0.100 against 0.124)
    if (r <= 64 && d <= 128 && N <= 1024 && fewWalks) {
      return pick("lightning", "fused pads r to 128: on a short sequence with few walks, lightning's 32-column walks are fastest");
    }
    return pick("fused", "fused on TF32 tensor cores is fastest");
  }
  // float32 "exact": blocked, lightning and fused run the float64 tensor-core chunk bodies
  // (error ~3e-8, a third of the recurrence's); fleet is as accurate as the recurrence.
  if ((r <= 32 && d <= 64 && N >= 8192 && fewWalks) || (small && N >= 4096)) {
    return pick("fleet", "fleet (float32 FMA, as accurate as the recurrence) is fastest at a small r on a long sequence");
  }
  if (recurrentWalks && r <= 32) {
    return pick("recurrent", "many walks of a few thousand tokens at a small state: the token recurrence keeps the state in registers");
  }
  if (longPackedExact) {
    return pick("fused", "a packed sequence of 8500 tokens or more: fused splits it into segments on the float64 tensor cores, where lightning walks it whole");
  }
  if (packed) {
    return d <= 64
      ? pick("blocked", "blocked on the float64 tensor cores is fastest")
      : pick("lightning", "lightning on the float64 tensor cores is fastest");
  }
  if (d <= 64 && N <= 1024 && fewWalks) return pick("blocked", "on a short sequence with few walks, blocked on the float64 tensor cores is fastest");
  return pick("fused", "fused computes in float64 on tensor cores: fastest, and more accurate than the float32 recurrence");
}

/**
 * The method "auto" runs. On a Hopper GPU, the method measured fastest for the dtype,
 * precision, r, d, B·H, N and packing (hopperChoice above; for float32 "exact" only among the
 * methods at least as accurate as the float32 recurrence: fused, blocked and lightning on
 * the float64 tensor cores, and fleet). On other CUDA GPUs: `fused`, and for float32
 * "exact" `recurrent`, whose error is smaller than fused's 3xTF32 path there (not timed
 * against the others).
 * On the CPU, `recurrent` for short sequences and single-token calls (no chunk padding,
 * state in L1), and `lightning` otherwise: within 1.5× of the fastest CPU method
 * at B=1 H=8 N=8192 r=d=64 (bench/cpu.json: 112 GFLOP/s) and, unlike the token recurrence
 * (whose float32 state error grows with N, ~1e-4 at N = 20000, γ = 0.9999), accurate to
 * ~1e-6 at any length. Packed sequences need a method that supports them on the backend.
 */
export function chooseMethod(
  shape: ProblemShape,
  dtype: DType,
  backend: Backend,
  precision?: "exact" | "tf32",
  context: AutoContext = {},
): AutoChoice {
  if (backend === "cuda") {
    const exactFloat32 = dtype === "float32" && (precision ?? "exact") === "exact";
    const seqs = context.packed ? context.sequences ?? 1 : shape.B;
    // cuda/short_seqs.cu: packed sequences of at most 64 tokens (16-bit: 48 on average)
    // without an initial state are single chunks, computed several to a CTA by blocked,
    // lightning and fused alike (final states too)
    const short = (context.longestSequence ?? shape.N) <= 64 && (dtype === "float32" || shape.N <= 48 * seqs);
    if (context.packed && !context.initialState && shape.N > 32 && short) {
      return {
        method: "fused",
        reason: `on CUDA, ${seqs} packed sequences of at most 64 tokens and no initial state: each is one chunk, and blocked, lightning and fused compute them several to a CTA (measured on an H100: bench-auto --grid varlen)`,
      };
    }
    if ((context.computeCapability ?? "").startsWith("9.")) {
      return hopperChoice(shape, dtype, exactFloat32 ? "exact" : "tf32", context.packed ?? false, context.multiprocessors ?? 132, seqs, context.states ?? false,
        context.longestSequence ?? shape.N);
    }
    if (exactFloat32) {
      return { method: "recurrent", reason: "on CUDA with exact float32 on a GPU other than Hopper, the FMA recurrence is more accurate than fused's 3xTF32 path" };
    }
    return { method: "fused", reason: "on CUDA (a GPU other than Hopper: not measured against the other methods), fused reads the inputs once on tensor cores" };
  }
  if (shape.N <= 32) {
    return { method: "recurrent", reason: `on the CPU at N = ${shape.N} <= 32, the token recurrence has no chunk overhead` };
  }
  return {
    method: "lightning",
    reason: `on the CPU at N = ${shape.N} (${dtype}), one pass over chunks of ${shape.chunk ?? 64} with the state carried is near the fastest and stays accurate at any length`,
  };
}
