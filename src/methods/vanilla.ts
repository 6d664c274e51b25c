// vanilla: the definition. P = (Q Kᵀ) ⊙ M, O = P V, with the decay mask M materialised.
import { ALL_DTYPES, GPU_DTYPES, ioElements, type MethodInfo } from "./types";
import { bytesPerElement } from "../dtype";

export const vanilla: MethodInfo = {
  id: "vanilla",
  title: "Vanilla (masked matmul)",
  origin: "The operator's definition: attention with a decay mask, as in RetNet's parallel form (Sun et al. 2023)",
  asymptotic: "O(N² (r+d))",
  // Causal skipping: N(N+1)/2 dot products of length r (scores) and of length d (P V).
  flops: (s) => s.B * s.H * (s.r + s.d) * s.N * (s.N + 1),
  // Inputs once, output once, plus the score matrix's lower triangle written and read.
  bytes: (s, dtype) => ioElements(s) * bytesPerElement(dtype) + s.B * s.H * 8 * ((s.N * (s.N + 1)) / 2),
  extraMemory: (s) => s.B * s.H * 4 * s.N * s.N,
  dtypes: { cpu: ALL_DTYPES, cuda: GPU_DTYPES },
  varlen: ["cpu"],
  native: 0,
};
