// recurrent: the causal dot product. S ← γS + kᵀv, o = qS, one token at a time.
import { ALL_DTYPES, GPU_DTYPES, ioElements, type MethodInfo } from "./types";
import { bytesPerElement } from "../dtype";

export const recurrent: MethodInfo = {
  id: "recurrent",
  title: "Recurrent (causal dot product)",
  origin: "Katharopoulos et al. 2020, 'Transformers are RNNs' (fast-transformers causal_product)",
  asymptotic: "O(N r d)",
  // Per token: kᵀv into the state (2rd) and q S (2rd).
  flops: (s) => s.B * s.H * 4 * s.N * s.r * s.d,
  // The r×d state stays on chip; inputs are read once and the output written once.
  bytes: (s, dtype) => ioElements(s) * bytesPerElement(dtype),
  extraMemory: (s) => s.B * s.H * 4 * s.r * s.d,
  dtypes: { cpu: ALL_DTYPES, cuda: GPU_DTYPES },
  varlen: ["cpu", "cuda"],
  native: 1,
};
