// recursive: divide and conquer. Split the sequence in halves (on chunk boundaries);
// each half recursively, plus the cross term Q_right (K_leftᵀ V_left) with decays.
import { ALL_DTYPES, DEFAULT_CHUNK, GPU_DTYPES, ioElements, type MethodInfo, type ProblemShape } from "./types";
import { bytesPerElement } from "../dtype";

/** Where a segment of n positions is split: the left half rounded up to whole chunks. */
export function recursiveSplit(n: number, chunk: number): number {
  return chunk * Math.ceil(Math.ceil(n / chunk) / 2);
}

/** Tree depth (levels of cross terms) for n positions. */
export function recursiveLevels(n: number, chunk: number): number {
  if (n <= chunk) return 0;
  const left = recursiveSplit(n, chunk);
  return 1 + Math.max(recursiveLevels(left, chunk), recursiveLevels(n - left, chunk));
}

function flopsPerHead(n: number, chunk: number, r: number, d: number): number {
  if (n <= chunk) return n * (n + 1) * (r + d); // leaf: causal masked matmul
  const left = recursiveSplit(n, chunk);
  const right = n - left;
  // K_leftᵀ V_left (2·left·r·d) and Q_right times it (2·right·r·d)
  return flopsPerHead(left, chunk, r, d) + flopsPerHead(right, chunk, r, d) + 2 * (left + right) * r * d;
}

export const recursive: MethodInfo = {
  id: "recursive",
  title: "Recursive (divide and conquer)",
  origin: "Divide-and-conquer form in LeetDecoding (Wang et al. 2025, arXiv 2501.02573)",
  asymptotic: "O(N log(N/C) r d + N C (r+d))",
  flops: (s: ProblemShape) => s.B * s.H * flopsPerHead(s.N, s.chunk ?? DEFAULT_CHUNK, s.r, s.d),
  // Each tree level reads q, k, v again and updates o (read + write) in float32.
  bytes: (s, dtype) => {
    const levels = recursiveLevels(s.N, s.chunk ?? DEFAULT_CHUNK);
    return ioElements(s) * bytesPerElement(dtype) + levels * s.B * s.H * s.N * ((2 * s.r + s.d) * bytesPerElement(dtype) + 8 * s.d);
  },
  extraMemory: (s) => s.B * s.H * 4 * s.N * s.d,
  dtypes: { cpu: ALL_DTYPES, cuda: GPU_DTYPES },
  varlen: ["cpu"],
  native: 3,
};
