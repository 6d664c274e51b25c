// method: "auto". Picks a method for a shape, dtype and backend, and says why.
import type { DType } from "./dtype";
import type { Backend, ProblemShape } from "./methods/types";

export interface AutoChoice {
  method: string;
  reason: string;
}

/**
 * The method "auto" runs. On CUDA, `fused` (the segmented tensor-core method), except
 * for float32 at "exact" precision, where `recurrent` is both faster and more accurate. On the CPU, `recurrent` for short sequences and single-token calls (no chunk
 * padding, state in L1), and `lightning` otherwise: within 1.5× of the fastest CPU method
 * at B=1 H=8 N=8192 r=d=64 (bench/cpu.json: 112 GFLOP/s) and, unlike the token recurrence
 * (whose float32 state error grows with N, ~1e-4 at N = 20000, γ = 0.9999), accurate to
 * ~1e-6 at any length. Packed sequences need a method that supports them on the backend.
 */
export function chooseMethod(shape: ProblemShape, dtype: DType, backend: Backend, precision?: "exact" | "tf32"): AutoChoice {
  if (backend === "cuda") {
    if (dtype === "float32" && (precision ?? "exact") === "exact") {
      // bench/h200-2026-11-26: recurrent (float32 FMA) beats fused's 3xTF32 path at every
      // benchmark shape (10.7 vs 14.4 ms at 1×65536, 6.8 vs 10.9 ms at 8×8192) and is
      // the more accurate of the two (1e-7 vs 1e-6).
      return { method: "recurrent", reason: "on CUDA with exact float32, the FMA recurrence beats the 3xTF32 tensor-core path" };
    }
    return { method: "fused", reason: "on CUDA, fused reads the inputs once on tensor cores and fills the GPU at every shape" };
  }
  if (shape.N <= 32) {
    return { method: "recurrent", reason: `on the CPU at N = ${shape.N} <= 32, the token recurrence has no chunk overhead` };
  }
  return {
    method: "lightning",
    reason: `on the CPU at N = ${shape.N} (${dtype}), one pass over chunks of ${shape.chunk ?? 64} with the state carried is near the fastest and stays accurate at any length`,
  };
}
