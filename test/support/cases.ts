// Awkward shapes and decays shared by the conformance suites of every backend.
// Ids read like fla's: B2-H3-N63-r17-d40.
import { resolveDecayRates, Tensor, type DecayOptions, type DType } from "../../src";

export interface Case extends DecayOptions {
  B: number;
  H: number;
  N: number;
  r: number;
  d: number;
  scale?: number;
  note: string;
}

export const CASES: Case[] = [
  { B: 1, H: 1, N: 1, r: 8, d: 8, decay: 0.9, note: "single token" },
  { B: 1, H: 1, N: 2, r: 17, d: 40, decay: 1, note: "no decay" },
  { B: 2, H: 3, N: 63, r: 17, d: 40, decay: [0.5, 0.999, 1e-3], note: "decay per head" },
  { B: 1, H: 2, N: 64, r: 32, d: 32, decay: 0.5, scale: 0.7, note: "one full chunk, scale" },
  { B: 2, H: 1, N: 65, r: 16, d: 24, decay: 1e-20, note: "tiny decay" },
  { B: 1, H: 2, N: 257, r: 17, d: 40, decay: [1, 0.9], note: "ragged chunks" },
  { B: 1, H: 1, N: 1000, r: 17, d: 40, decayRate: 1e-3, note: "long, decay near 1" },
  { B: 1, H: 4, N: 130, r: 64, d: 64, decay: [0.999, 0.5, 1e-3, 1e-20], scale: 0.125, note: "r = d = 64, mixed" },
  // r = 128, d a multiple of 128: the shapes the Hopper-specific fused kernels take.
  { B: 1, H: 2, N: 333, r: 128, d: 256, decay: [0.9, 0.999], scale: 0.5, note: "r = 128, d = 256 (fused wgmma paths)" },
  // More (batch, head) pairs than one launch grid's y or z dimension takes (65535).
  { B: 2049, H: 32, N: 3, r: 8, d: 8, decay: 0.9, scale: 0.5, note: "65568 (batch, head) pairs" },
];

export function caseId(c: Case): string {
  return `B${c.B}-H${c.H}-N${c.N}-r${c.r}-d${c.d}`;
}

export function caseRates(c: Case): Float64Array {
  return resolveDecayRates(c, c.H);
}

/** Random inputs (never zeros) for a case, seeded by the case and dtype. */
export function caseInputs(c: Case, dtype: DType, seed: number): { q: Tensor; k: Tensor; v: Tensor } {
  return {
    q: Tensor.randn([c.B, c.H, c.N, c.r], { dtype, seed: seed * 3 + 1 }),
    k: Tensor.randn([c.B, c.H, c.N, c.r], { dtype, seed: seed * 3 + 2, std: 1 / Math.sqrt(c.r) }),
    v: Tensor.randn([c.B, c.H, c.N, c.d], { dtype, seed: seed * 3 + 3 }),
  };
}

/** cuSeqlens for packed sequences of these lengths. */
export function packedOffsets(lens: readonly number[]): number[] {
  const cu = [0];
  for (const n of lens) cu.push(cu[cu.length - 1] + n);
  return cu;
}
