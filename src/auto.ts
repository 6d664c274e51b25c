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
 * Where fused's float64 kernels (exact float32, Hopper) measured faster than the float32
 * recurrence (H100, H = 32, γ = 0.99; bench/h100-2026-11-26-p/shapes and -r/shapes). r = 128
 * with d a multiple of 128: always (run o: 1x65536 5.04 against 10.67 ms, 8x8192 4.38
 * against 6.72). Other shapes (the kernels pad r to 64 or to a multiple of 128): at
 * B·H = 32 (N = 1024 and 16384) every shape measured, r = d = 32 to r = d = 256 (r = d = 32:
 * 0.86 against 2.81 ms at N = 16384); at B·H = 256, N = 8192, where the recurrence fills the
 * GPU, every shape with r >= 64 (r = d = 64: 1.48 against 3.01 ms; r = 64, d = 128: 2.95
 * against 3.70; r = 128, d = 64: 2.31 against 4.32; r = d = 256: 24.3 against 27.6), not
 * r = 32 (d = 32: 1.46 against 1.41; d = 128: 2.97 against 2.89).
 */
function fusedExactFaster(shape: ProblemShape): boolean {
  if (shape.r === 128 && shape.d % 128 === 0) return true;
  if (shape.B * shape.H <= 32) return true;
  return shape.r >= 64;
}

/**
 * The method "auto" runs. On CUDA, `fused` (the segmented tensor-core method). For float32
 * at "exact" precision on Hopper, fused's float64 tensor-core kernels are more accurate
 * than the float32 recurrence at every r and d, packed sequences included; auto takes them
 * where they were also measured faster (fusedExactFaster), else `recurrent` (packed
 * sequences: not timed against each other, so `recurrent`, as before). On other GPUs,
 * `recurrent`, whose error is smaller than fused's 3xTF32 path.
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
    if (dtype === "float32" && (precision ?? "exact") === "exact") {
      // docs/fused-design.md, "Fifth session" and "Seventh session": on Hopper fused runs
      // every product and sum in float64 (error 2.5-3.1e-8 against the recurrence's
      // 0.9-2.3e-7). Elsewhere its exact path is 3xTF32, 2-5x less accurate than the
      // recurrence, so auto keeps that.
      const hopper = (context.computeCapability ?? "").startsWith("9.");
      if (hopper && context.packed) {
        return { method: "recurrent", reason: "on a Hopper GPU with exact float32 and packed sequences, fused (float64 tensor cores) is the more accurate but was not timed against the FMA recurrence: ask for it by name" };
      }
      if (hopper) {
        if (fusedExactFaster(shape)) {
          return { method: "fused", reason: `on a Hopper GPU with exact float32 at r = ${shape.r}, d = ${shape.d}, fused computes in float64 on tensor cores: faster and more accurate than the float32 recurrence` };
        }
        return { method: "recurrent", reason: `on a Hopper GPU with exact float32 at B·H = ${shape.B * shape.H}, r = ${shape.r}, d = ${shape.d}, the FMA recurrence measured faster than fused's float64 kernels (fused is the more accurate: ask for it by name)` };
      }
      return { method: "recurrent", reason: "on CUDA with exact float32 on a GPU other than Hopper, the FMA recurrence is more accurate than fused's 3xTF32 path" };
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
