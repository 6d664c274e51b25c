// blocked: chunkwise. Masked matmul inside each chunk, the r×d state carried between
// chunks (Transformer-VQ, fla "chunk").
import { ALL_DTYPES, DEFAULT_CHUNK, GPU_DTYPES, intraChunkFlops, ioElements, type MethodInfo } from "./types";
import { bytesPerElement } from "../dtype";

export const blocked: MethodInfo = {
  id: "blocked",
  title: "Blocked (chunkwise)",
  origin: "Block-based / chunkwise form: Hua et al. 2022 (FLASH), Lingle 2023 (Transformer-VQ), fla chunk kernels",
  asymptotic: "O(N C (r+d) + N r d)",
  flops: (s) => s.B * s.H * (intraChunkFlops(s.N, s.chunk ?? DEFAULT_CHUNK, s.r, s.d) + 4 * s.N * s.r * s.d),
  // Inputs once, output once, plus one float32 state per chunk written and read back.
  bytes: (s, dtype) =>
    ioElements(s) * bytesPerElement(dtype) + s.B * s.H * 8 * s.r * s.d * Math.ceil(s.N / (s.chunk ?? DEFAULT_CHUNK)),
  extraMemory: (s) => s.B * s.H * 4 * s.r * s.d * Math.ceil(s.N / (s.chunk ?? DEFAULT_CHUNK)),
  dtypes: { cpu: ALL_DTYPES, cuda: GPU_DTYPES },
  varlen: ["cpu", "cuda"],
  native: 2,
};
