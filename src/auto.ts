// method: "auto". Picks a method for a shape, dtype and backend, and says why.
import type { DType } from "./dtype";
import type { Backend, ProblemShape } from "./methods/types";

export interface AutoChoice {
  method: string;
  reason: string;
}

/**
 * The method "auto" runs. On CUDA, `fused` (the segmented tensor-core method) at every
 * shape; on the CPU, `recurrent` for short sequences and single-token calls (no chunk
 * padding, state in L1) and `blocked` otherwise (its intra-chunk matmuls vectorise best).
 * Packed sequences need a method that supports them on the backend.
 */
export function chooseMethod(shape: ProblemShape, dtype: DType, backend: Backend): AutoChoice {
  if (backend === "cuda") {
    return { method: "fused", reason: "on CUDA, fused reads the inputs once on tensor cores and fills the GPU at every shape" };
  }
  if (shape.N <= 32) {
    return { method: "recurrent", reason: `on the CPU at N = ${shape.N} <= 32, the token recurrence has no chunk overhead` };
  }
  return {
    method: "blocked",
    reason: `on the CPU at N = ${shape.N}, chunked matmuls (C = ${shape.chunk ?? 64}) run fastest (${dtype})`,
  };
}
