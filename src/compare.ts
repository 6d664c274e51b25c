// compareMethods(): every method (built-in and registered) on one backend on one random problem: median time,
// throughput from the registry's FLOP model, and the error against the float64 reference.
import { cudaAvailable } from "./backend";
import type { DType } from "./dtype";
import { methods, type Backend } from "./methods";
import { referenceAttention, relativeError } from "./reference";
import { Tensor } from "./tensor";
import { median } from "./timing";
import { measureMethod } from "./bench/measure";

export interface CompareOptions {
  B?: number;
  H?: number;
  N?: number;
  r?: number;
  d?: number;
  dtype?: DType;
  decay?: number;
  backend?: Backend;
  reps?: number;
  seed?: number;
}

export interface CompareRow {
  method: string;
  backend: Backend;
  dtype: DType;
  ms: number;
  gflops: number;
  error: number;
}

export async function compareMethods(options: CompareOptions = {}): Promise<CompareRow[]> {
  const { B = 1, H = 4, N = 1024, r = 64, d = 64, dtype = "float32", decay = 0.99, reps = 5, seed = 1 } = options;
  const backend: Backend = options.backend ?? (cudaAvailable() ? "cuda" : "cpu");
  const q = Tensor.randn([B, H, N, r], { dtype, seed });
  const k = Tensor.randn([B, H, N, r], { dtype, seed: seed + 1, std: 1 / Math.sqrt(r) });
  const v = Tensor.randn([B, H, N, d], { dtype, seed: seed + 2 });
  const ref = referenceAttention(q, k, v, { decay });
  const rows: CompareRow[] = [];
  for (const m of methods) {
    if (!m.dtypes[backend]?.includes(dtype)) continue;
    // Registered (TypeScript) methods are timed around each call, built-in ones by the addon.
    const { output, samples } = await measureMethod(m, q, k, v, { decay, backend }, 1, reps);
    const error = relativeError(output.toArray(), ref.output);
    const ms = median(samples);
    rows.push({ method: m.id, backend, dtype, ms, gflops: m.flops({ B, H, N, r, d }) / (ms * 1e6), error });
  }
  return rows;
}
