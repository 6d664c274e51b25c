// method: "auto". Picks a method for a shape, dtype and backend, and says why.
import type { DType } from "./dtype";
import type { Backend, ProblemShape } from "./methods/types";

export interface AutoChoice {
  method: string;
  reason: string;
}

/**
 * The method "auto" runs. On CUDA, `fused` (the segmented tensor-core method) at every
 * shape. On the CPU, `recurrent` for short sequences and single-token calls (no chunk
 * padding, state in L1), and `lightning` otherwise: within 1.5× of the fastest CPU method
 * at B=1 H=8 N=8192 r=d=64 (bench/cpu.json: 112 GFLOP/s) and, unlike the token recurrence
 * (whose float32 state error grows with N, ~1e-4 at N = 20000, γ = 0.9999), accurate to
 * ~1e-6 at any length. Packed sequences need a method that supports them on the backend.
 */
export function chooseMethod(shape: ProblemShape, dtype: DType, backend: Backend): AutoChoice {
  if (backend === "cuda") {
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
