// The accuracy rule of every conformance test, in one place.
//
// FlashAttention's rule: a kernel's error against a float64 reference may be at most
// twice the error of a straightforward computation in the same dtype. The straightforward
// computation here is the operator's definition evaluated term by term with float32
// accumulation (float64 for float64 inputs) and the output rounded to the dtype once
// (test/support/naive.ts). The floor covers cases where the naive error is tiny by luck
// (e.g. N = 1): it is a few units in the last place of the output dtype, below which no
// method that rounds its output once can be asked to go.
import type { DType } from "../../src";

export interface Tolerance {
  /** Allowed multiple of the straightforward computation's error. */
  factor: number;
  /** Relative L2 error always allowed. */
  floor: number;
}

export const TOLERANCE: Record<DType, Tolerance> = {
  // u = 1.1e-16: sums of ~1e3 terms with decays lose a few hundred ulps at most.
  float64: { factor: 2, floor: 1e-13 },
  // u = 6.0e-8. The recurrent form rescales its float32 state by a rounded γ at every
  // token, so its error grows like √N·u (3e-6 seen at N = 1000, as fla's fused_recurrent
  // shows 3.3e-6); 1e-5 is the project's bar for float32 "exact" (issue 6).
  float32: { factor: 2, floor: 1e-5 },
  // output rounding alone is up to u = 4.9e-4 per element, ~2.8e-4 in relative L2.
  float16: { factor: 2, floor: 6e-4 },
  // u = 3.9e-3 per element, ~2.3e-3 in relative L2.
  bfloat16: { factor: 2, floor: 5e-3 },
};

export function allowedError(dtype: DType, naiveError: number): number {
  const t = TOLERANCE[dtype];
  return Math.max(t.factor * naiveError, t.floor);
}
