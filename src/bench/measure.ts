// One configuration of a sweep: its output (for the error check), kernel times, and the
// growth of resident memory while it ran. Built-in methods are timed by the addon (CUDA
// events / monotonic clock around the kernels only, inputs already where the kernel
// reads them); registered TypeScript methods by the monotonic clock around each call.
import { addon } from "../binding/addon";
import type { MethodInfo } from "../methods";
import { decayAttention, makeBaton, planCall, prepareOperands, type DecayAttentionOptions } from "../operator";
import type { Tensor } from "../tensor";

export interface Measured {
  /** The output on the host. */
  output: Tensor;
  /** Per-call times, ms. */
  samples: number[];
  /** Largest growth of the process's resident memory seen while the method ran, output excluded, bytes. */
  rssGrowth: number;
}

// Native calls run on a worker thread, so the JS thread can watch the resident set grow
// while they run (every millisecond; allocations that live shorter may be missed).
function watchRss(): () => number {
  const start = process.memoryUsage.rss();
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 1);
  return () => {
    clearInterval(timer);
    return Math.max(0, Math.max(peak, process.memoryUsage.rss()) - start);
  };
}

export async function measureMethod(
  method: MethodInfo,
  q: Tensor,
  k: Tensor,
  v: Tensor,
  options: Omit<DecayAttentionOptions, "method" | "returnState">,
  warmup: number,
  reps: number,
): Promise<Measured> {
  const opts = { ...options, method: method.id, returnState: false as const };
  if (method.native === undefined) {
    const stop = watchRss();
    try {
      const first = await decayAttention(q, k, v, opts);
      const output = await first.toHost();
      for (let i = 0; i < warmup; i++) (await decayAttention(q, k, v, opts)).dispose();
      const samples: number[] = [];
      for (let i = 0; i < reps; i++) {
        const t0 = process.hrtime.bigint();
        const o = await decayAttention(q, k, v, opts);
        samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
        o.dispose();
      }
      return { output, samples, rssGrowth: Math.max(0, stop() - output.byteLength) };
    } finally {
      stop();
    }
  }
  const plan = planCall(q, k, v, opts);
  const ops = prepareOperands(plan, q, k, v);
  const stop = watchRss(); // after the output is allocated
  try {
    const baton = makeBaton(plan, ops.io);
    await addon().run(baton);
    const { output: raw } = await ops.finish();
    const samples = Array.from(await addon().time(baton, warmup, reps));
    const rssGrowth = stop();
    const output = await raw.toHost();
    ops.release(false);
    if (raw.location === "cuda") raw.dispose();
    return { output, samples, rssGrowth };
  } catch (e) {
    ops.release(true);
    throw e;
  } finally {
    stop();
  }
}
