// Timing a method the way benchmarks must: inputs already where the kernel reads them,
// warm-up, many repetitions, median/min/max. GPU times come from CUDA events around the
// kernels only, each repetition after an L2 flush that also hides the host's launch gap
// (cuda::time in cuda/runtime.cu), CPU times from a monotonic clock; host-device
// transfers and the JS call overhead are measured separately and never mixed into the
// kernel time.
import { addon } from "./binding/addon";
import { makeBaton, planCall, prepareOperands, type DecayAttentionOptions } from "./operator";
import type { Backend } from "./methods/types";
import type { DType } from "./dtype";
import type { Tensor } from "./tensor";
import { checkPositiveInteger, fail } from "./validate";

export interface TimeOptions extends DecayAttentionOptions {
  /** Untimed runs first. Default 3. */
  warmup?: number;
  /** Timed runs. Default 20. */
  reps?: number;
}

export interface Timing {
  method: string;
  backend: Backend;
  dtype: DType;
  shape: { B: number; H: number; N: number; r: number; d: number };
  /** Kernel time per call in milliseconds (CUDA events / monotonic clock). */
  median: number;
  min: number;
  max: number;
  samples: number[];
  /** Host→device copy of the inputs, ms (0 when they already were on the device). */
  transferMs: number;
  /** A whole call from JS (median over a few) minus the kernel median, ms. */
  overheadMs: number;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Times one method on one shape (see the file header for what is and is not counted). */
export async function timeAttention(q: Tensor, k: Tensor, v: Tensor, options: TimeOptions = {}): Promise<Timing> {
  const { warmup: w, reps: n, ...rest } = options;
  const warmup = w === undefined ? 3 : w === 0 ? 0 : checkPositiveInteger("warmup", w, 100000);
  if (typeof warmup !== "number") fail("warmup", "an integer >= 0", w);
  const reps = n === undefined ? 20 : checkPositiveInteger("reps", n, 100000);
  const plan = planCall(q, k, v, rest);
  const t0 = process.hrtime.bigint();
  const ops = prepareOperands(plan, q, k, v);
  const transferMs = plan.backend === "cuda" && q.location === "cpu" ? Number(process.hrtime.bigint() - t0) / 1e6 : 0;
  try {
    const b = makeBaton(plan, ops.io);
    const samples = Array.from(await addon().time(b, warmup, reps));
    const kernel = median(samples);
    const calls: number[] = [];
    for (let i = 0; i < Math.min(5, reps); i++) {
      const c0 = process.hrtime.bigint();
      await addon().run(b);
      calls.push(Number(process.hrtime.bigint() - c0) / 1e6);
    }
    return {
      method: plan.method.id,
      backend: plan.backend,
      dtype: plan.dtype,
      shape: { B: plan.shape.B, H: plan.shape.H, N: plan.shape.N, r: plan.shape.r, d: plan.shape.d },
      median: kernel,
      min: Math.min(...samples),
      max: Math.max(...samples),
      samples,
      transferMs,
      overheadMs: Math.max(0, median(calls) - kernel),
    };
  } finally {
    ops.release(true);
  }
}

/** Copy bandwidth of a backend in bytes/s (read + write), measured by the addon. */
export function copyBandwidth(backend: Backend, bytes = 1 << 30, threads?: number): Promise<number> {
  return addon().copyBandwidth(backend, bytes, threads ?? 0);
}
