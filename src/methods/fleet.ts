// fleet: FleetAttention. O = Σ_k diag(q[:,k]) L_γ diag(k[:,k]) V: r discounted prefix
// sums over the sequence, no matrix multiply.
import { ALL_DTYPES, GPU_DTYPES, ioElements, type MethodInfo } from "./types";
import { bytesPerElement } from "../dtype";

export const fleet: MethodInfo = {
  id: "fleet",
  title: "FleetAttention (rank-1 prefix sums)",
  origin: "FleetAttention, LeetDecoding (Wang et al. 2025, arXiv 2501.02573)",
  asymptotic: "O(N r d)",
  // Per key feature and token: γ-discounted update of a d-vector (2d) and q-weighted add (2d).
  flops: (s) => s.B * s.H * 4 * s.N * s.r * s.d,
  // Both kernels run the r prefix sums side by side (parallel over r×d), so q, k and v
  // are read once and o written once; the partial sums stay on chip.
  bytes: (s, dtype) => ioElements(s) * bytesPerElement(dtype),
  extraMemory: (s) => s.B * s.H * 4 * s.N * s.d,
  dtypes: { cpu: ALL_DTYPES, cuda: GPU_DTYPES },
  varlen: ["cpu", "cuda"],
  native: 4,
};
