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
}

/**
 * The method "auto" runs. On CUDA, `fused` (the segmented tensor-core method). For float32
 * at "exact" precision only where its float64 tensor-core kernels run (Hopper, r = 128,
 * d a multiple of 128, not packed), which are both faster and more accurate than the
 * float32 recurrence; elsewhere `recurrent`, whose error is smaller than fused's 3xTF32
 * path. On the CPU, `recurrent` for short sequences and single-token calls (no chunk
 * padding, state in L1), and `lightning` otherwise: within 1.5× of the fastest CPU method
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
    if (dtype === "float32" && (precision ?? "exact") === "exact") {
      // docs/fused-design.md, "Fifth session": on Hopper at r = 128, d % 128 == 0, fused
      // runs every product and sum in float64 (error 2.6e-8 against the recurrence's
      // 9.4e-8) and is faster (bench/h100-2026-11-26-k: 5.75 against 10.58 ms at 1x65536,
      // 4.91 against 6.72 at 8x8192, 0.105 against 0.171 at 1x1024). Elsewhere its exact
      // path is 3xTF32, 2-5x less accurate than the recurrence, so auto keeps that.
      const hopper = (context.computeCapability ?? "").startsWith("9.");
      if (hopper && shape.r === 128 && shape.d % 128 === 0 && !context.packed) {
        return { method: "fused", reason: "on a Hopper GPU with exact float32 at r = 128, fused computes in float64 on tensor cores: faster and more accurate than the float32 recurrence" };
      }
      return { method: "recurrent", reason: "on CUDA with exact float32 here (not Hopper, r != 128, d not a multiple of 128, or packed), the FMA recurrence is more accurate than fused's 3xTF32 path" };
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
