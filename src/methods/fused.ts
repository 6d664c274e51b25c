// fused: the project's performance method. Chunked on tensor cores, inputs read once and
// the output written once, the sequence split into segments whose end states are handed
// along so that small B·H still fills the GPU. On the CPU it shares the blocked code.
import { ALL_DTYPES, DEFAULT_CHUNK, GPU_DTYPES, intraChunkFlops, ioElements, type MethodInfo } from "./types";
import { bytesPerElement } from "../dtype";

export const fused: MethodInfo = {
  id: "fused",
  title: "Fused (segmented chunkwise, this project)",
  origin: "leet-decoding (TypeScript): chunkwise on tensor cores with segment states handed along",
  asymptotic: "O(N C (r+d) + N r d)",
  flops: (s) => s.B * s.H * (intraChunkFlops(s.N, s.chunk ?? DEFAULT_CHUNK, s.r, s.d) + 4 * s.N * s.r * s.d),
  bytes: (s, dtype) => ioElements(s) * bytesPerElement(dtype),
  extraMemory: (s) => s.B * s.H * 4 * s.r * s.d,
  dtypes: { cpu: ALL_DTYPES, cuda: GPU_DTYPES },
  varlen: ["cpu", "cuda"],
  native: 6,
};
