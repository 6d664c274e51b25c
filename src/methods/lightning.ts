// lightning: Lightning Attention-2. One pass per (batch, head) over the blocks: the
// intra-block masked matmul and the inter-block term from a running KV state.
import { ALL_DTYPES, DEFAULT_CHUNK, GPU_DTYPES, intraChunkFlops, ioElements, type MethodInfo } from "./types";
import { bytesPerElement } from "../dtype";

export const lightning: MethodInfo = {
  id: "lightning",
  title: "Lightning Attention-2",
  origin: "Qin et al. 2024, 'Lightning Attention-2' (arXiv 2401.04658)",
  asymptotic: "O(N C (r+d) + N r d)",
  flops: (s) => s.B * s.H * (intraChunkFlops(s.N, s.chunk ?? DEFAULT_CHUNK, s.r, s.d) + 4 * s.N * s.r * s.d),
  // The running KV never leaves the chip: inputs once, output once.
  bytes: (s, dtype) => ioElements(s) * bytesPerElement(dtype),
  extraMemory: (s) => s.B * s.H * 4 * s.r * s.d,
  dtypes: { cpu: ALL_DTYPES, cuda: GPU_DTYPES },
  varlen: ["cpu", "cuda"],
  native: 5,
};
