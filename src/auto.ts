// method: "auto". Picks a method for a shape, dtype and backend, and says why.
import type { DType } from "./dtype";
import type { Backend, ProblemShape } from "./methods/types";

export interface AutoChoice {
  method: string;
  reason: string;
}

/**
 * The method "auto" runs. On CUDA, `fused` (the segmented tensor-core method), except
 * for float32 at "exact" precision, where `recurrent` is the more accurate by ~9×. On the CPU, `recurrent` for short sequences and single-token calls (no chunk
 * padding, state in L1), and `lightning` otherwise: within 1.5× of the fastest CPU method
 * at B=1 H=8 N=8192 r=d=64 (bench/cpu.json: 112 GFLOP/s) and, unlike the token recurrence
 * (whose float32 state error grows with N, ~1e-4 at N = 20000, γ = 0.9999), accurate to
 * ~1e-6 at any length. Packed sequences need a method that supports them on the backend.
 */
export function chooseMethod(shape: ProblemShape, dtype: DType, backend: Backend, precision?: "exact" | "tf32"): AutoChoice {
  if (backend === "cuda") {
    if (dtype === "float32" && (precision ?? "exact") === "exact") {
      // bench/h200-2026-11-26-g: fused's 3xTF32 wgmma path is faster where B·H is small
      // (7.9 vs 10.7 ms at 1×65536, 0.128 vs 0.172 at 1×1024) but not at 8×8192 (7.5 vs
      // 6.8), and its error is ~9× the float32 FMA recurrence's (8e-7 vs 9e-8). "exact"
      // asks for accuracy first, so auto keeps the recurrence; method: "fused" is there
      // for speed.
      return { method: "recurrent", reason: "on CUDA with exact float32, the FMA recurrence is ~9x more accurate than the 3xTF32 tensor-core path" };
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
