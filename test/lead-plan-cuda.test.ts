// `fused` at full size, where the segment plans are chosen by rule rather than forced: one
// sequence of H = 32 heads, r = d = 128, N = 16421 and 65573 (the 1x65536 plus an
// awkward tail), with an initial state in and the final state out. The schedule suite forces
// the plans at small shapes; here the rule itself picks them, as in the benchmark rows.
// - Every output element and the final state against a float64 recurrence (the CPU
//   backend's, on the inputs' rounded values; the quadratic oracle is too slow at this size,
//   and the CPU recurrence is itself checked against it in conformance-cpu).
// - The default, the lead plan off (LEET_FUSED_LEAD=0), forced at its default first-segment
//   length (=1), and forced with the state kernel unpadded (LEET_FUSED_LEAD_STATE=0): each
//   within the bound; forcing the plan changes the output bitwise (so it ran); and the
//   default bitwise equal to the plan or to no plan, as the rule says for this card
//   (cuda/fused_kernels.cuh, lead_by_default16 and lead_by_default). A forced plan that does
//   not fit the segments is an error (a forced run is the plan or nothing), asserted too.
// - TF32 at 24 heads, where the segment model takes the plan by its cost (lead_cost, on both
//   cards) and the thirty-seventh session's model (LEET_FUSED_SEGMODEL=3) did not.
// - TF32 and fp16 at 160 heads, where a fast-memory card takes the 128-column kernels'
//   segments over the 64-column kernels' one walk in three waves (out_narrow).
// - fp16 5x50000 at 8 heads, d = 256, where a fast-memory card cuts the one walk a sequence
//   into thirds (one_walk_thirds).
// Skipped where no Hopper GPU is usable (the plan needs its TMA-fed kernels).
import { describe, expect, it } from "vitest";
import { decayAttention, info, Tensor, type DType } from "../src";
import { relativeError } from "./support/compare";

const cuda = info().backends.cuda;
const hopper = cuda.available && cuda.devices[0].computeCapability.startsWith("9.");
// The rule's fast-memory cards (peak DRAM bandwidth >= 4 TB/s): on Hopper, the H200.
const fastMemory = hopper && /H200/.test(cuda.devices[0].name);

const BOUND: Record<string, { out: number; state: number }> = {
  float16: { out: 3e-3, state: 5e-3 },
  bfloat16: { out: 2.5e-2, state: 2.5e-2 },
  float32: { out: 2e-3, state: 2e-3 },
};

const H = 32;
const decayOf = (heads: number) => Array.from({ length: heads }, (_, h) => [0.97, 0.3, 0.9995, 1e-3][h % 4]);
const decay = decayOf(H);

const f64 = (t: Tensor) => Tensor.from(Float64Array.from(t.toArray()), t.shape, "float64");

// a host copy of a result, freeing its device memory (a host result is its own copy)
async function host(t: Tensor) {
  const h = await t.toHost();
  if (h !== t) t.dispose();
  return h;
}

// Runs fused under each environment setting (read by the addon at each call) and returns the
// output and state tensors on the host.
async function runs(N: number, dtype: DType, variants: Record<string, Record<string, string>>, heads = H, B = 1, d = 128) {
  const r = 128;
  const seed = 90 + N;
  const q = Tensor.randn([B, heads, N, r], { dtype, seed });
  const k = Tensor.randn([B, heads, N, r], { dtype, seed: seed + 1, std: 1 / Math.sqrt(r) });
  const v = Tensor.randn([B, heads, N, d], { dtype, seed: seed + 2 });
  const s0 = Tensor.randn([B, heads, r, d], { seed: seed + 3 });
  const opts = { decay: decayOf(heads), initialState: s0, scale: 0.5, returnState: true as const };
  const ref = await decayAttention(f64(q), f64(k), f64(v), { ...opts, method: "recurrent", backend: "cpu" });
  const results: Record<string, { output: Tensor; state: Tensor }> = {};
  for (const [name, env] of Object.entries(variants)) {
    Object.assign(process.env, env);
    try {
      const precision = dtype === "float32" ? ("tf32" as const) : undefined;
      const res = await decayAttention(q, k, v, { ...opts, method: "fused", backend: "cuda", precision });
      results[name] = { output: await host(res.output), state: await host(res.state) };
    } finally {
      for (const key of Object.keys(env)) delete process.env[key];
    }
  }
  return { ref: { output: ref.output.toArray(), state: ref.state.toArray() }, results };
}

// bitwise equality of two host tensors' storage
function same(a: Tensor, b: Tensor) {
  const bytes = (t: Tensor) => {
    const x = t.toArray();
    return Buffer.from(x.buffer, x.byteOffset, x.byteLength);
  };
  return bytes(a).equals(bytes(b));
}

type Runs = Awaited<ReturnType<typeof runs>>;

// every variant's output and final state within the dtype's bound of the float64 recurrence
function withinBound(ref: Runs["ref"], results: Runs["results"], dtype: DType) {
  for (const [name, res] of Object.entries(results)) {
    const out = relativeError(res.output.toArray(), ref.output);
    const state = relativeError(res.state.toArray(), ref.state);
    expect(out, `${name}: output error ${out}`).toBeLessThanOrEqual(BOUND[dtype].out);
    expect(state, `${name}: state error ${state}`).toBeLessThanOrEqual(BOUND[dtype].state);
  }
}

// the default's output and final state bitwise those of variant `want`
function defaultIs(results: Runs["results"], want: string) {
  expect(same(results.default.output, results[want].output), `default bitwise equal to ${want}`).toBe(true);
  expect(same(results.default.state, results[want].state), `default state bitwise equal to ${want}`).toBe(true);
}

describe.skipIf(!hopper)("fused at full size: the segment plans by rule", () => {
  // First in the file, so that the calls land on worker threads that have not called the
  // GPU yet: the addon runs each call on a thread of Node's pool, and the TMA maps that the
  // plan needs are encoded by a driver call, which failed on a thread without the device's
  // context current (cuda/runtime.cu, make_context). Forced, the plan is the plan or an error.
  it("the lead plan, forced, runs on every worker thread's first call (eight calls at once)", async () => {
    const [N, d] = [1000, 256];
    const q = Tensor.randn([1, 16, N, 128], { dtype: "float16", seed: 11 });
    const k = Tensor.randn([1, 16, N, 128], { dtype: "float16", seed: 12, std: 1 / Math.sqrt(128) });
    const v = Tensor.randn([1, 16, N, d], { dtype: "float16", seed: 13 });
    const dec = decay.slice(0, 16);
    const ref = await decayAttention(f64(q), f64(k), f64(v), { decay: dec, method: "recurrent", backend: "cpu" });
    Object.assign(process.env, { LEET_FUSED_LEAD: "1", LEET_FUSED_OUT: "128", LEET_FUSED_SEGMENT: "256" });
    try {
      const outs = await Promise.all(
        Array.from({ length: 8 }, () => decayAttention(q, k, v, { decay: dec, method: "fused", backend: "cuda" })),
      );
      for (const o of outs) {
        const err = relativeError((await host(o)).toArray(), ref.toArray());
        expect(err, `output error ${err}`).toBeLessThanOrEqual(BOUND.float16.out);
      }
    } finally {
      for (const key of ["LEET_FUSED_LEAD", "LEET_FUSED_OUT", "LEET_FUSED_SEGMENT"]) delete process.env[key];
    }
  }, 120_000);
  // [N, dtype, whether the rule takes the lead plan on this card]: the 16-bit plan only on
  // fast-memory cards (from 4 segments of at least 4096 tokens); the TF32 plan there too,
  // and on other cards from segments of 8192 tokens (1x65573, not 1x16421).
  const cases: Array<[number, DType, boolean]> = [
    [16421, "float16", fastMemory],
    [16421, "bfloat16", fastMemory],
    [16421, "float32", fastMemory],
    [65573, "float16", fastMemory],
    [65573, "float32", true],
  ];
  for (const [N, dtype, lead] of cases) {
    it(`${dtype}${dtype === "float32" ? " (tf32)" : ""} B=1 H=32 N=${N}: the lead plan ${lead ? "taken" : "not taken"} by default, every variant within the bound`, async () => {
      const variants: Record<string, Record<string, string>> = {
        default: {},
        off: { LEET_FUSED_LEAD: "0" },
        forced: { LEET_FUSED_LEAD: "1" },
        unpadded: { LEET_FUSED_LEAD: "1", LEET_FUSED_LEAD_STATE: "0" },
      };
      if (dtype === "float32") variants.noSmall = { LEET_FUSED_LEAD: "1", LEET_FUSED_SMALL: "0" };
      const { ref, results } = await runs(N, dtype, variants);
      withinBound(ref, results, dtype);
      // the plan ran when forced (other segment boundaries round differently) ...
      expect(same(results.forced.output, results.off.output), "forced and off give bitwise equal outputs").toBe(false);
      // ... and the default is the plan or no plan, as the rule says for this card
      const want = lead ? "forced" : "off";
      defaultIs(results, want);
    }, 300_000);
  }
  // 1x40000 at H = 24: the model's cost of the plan (five segments of 7552 after 2496 tokens)
  // against its earlier choice (an H200's 16 segments of 2560, an H100's 125 of 320 on the
  // 64-column kernels), by scripts/fused-bench/plan.cu
  it("float32 (tf32) B=1 H=24 N=40000: the lead plan by the segment model's cost, not by the earlier model", async () => {
    const variants: Record<string, Record<string, string>> = {
      default: {},
      off: { LEET_FUSED_LEAD: "0" },
      forced: { LEET_FUSED_LEAD: "1" },
      earlier: { LEET_FUSED_SEGMODEL: "3" },
    };
    const { ref, results } = await runs(40000, "float32", variants, 24);
    withinBound(ref, results, "float32");
    defaultIs(results, "forced");
    expect(same(results.default.output, results.off.output), "default and off give bitwise equal outputs").toBe(false);
    expect(same(results.earlier.output, results.off.output), "the earlier model bitwise equal to off").toBe(true);
  }, 300_000);
  // 160 heads: the 64-column kernels' one walk a sequence would be 320 CTAs, three waves of
  // one an SM, the last 56 of 132. On a fast-memory card out_narrow now takes the 128-column
  // kernels' segments there (TF32 1x6000: three of 2048 tokens; fp16 1x16384: four of 4096),
  // and LEET_FUSED_SEGMODEL=4 the one walk (thirty-ninth session); elsewhere both are the one walk.
  const waveCases: Array<[number, DType]> = [
    [6000, "float32"],
    [16384, "float16"],
  ];
  for (const [N, dtype] of waveCases) {
    it(`${dtype}${dtype === "float32" ? " (tf32)" : ""} B=1 H=160 N=${N}: the 64-column one walk only where it fits the card's waves`, async () => {
      const variants: Record<string, Record<string, string>> = {
        default: {},
        earlier: { LEET_FUSED_SEGMODEL: "4" },
        wide: { LEET_FUSED_OUT: "128" },
      };
      const { ref, results } = await runs(N, dtype, variants, 160);
      withinBound(ref, results, dtype);
      const want = fastMemory ? "wide" : "earlier";
      defaultIs(results, want);
      expect(same(results.earlier.output, results.wide.output), "the one walk and the segments give bitwise equal outputs").toBe(false);
    }, 300_000);
  }
  // 5x50000 at 8 heads, d = 256: 80 walks of 128 columns on 132 SMs. A fast-memory card cuts
  // the one walk a sequence into three segments of 16896 tokens (one_walk_thirds, fortieth
  // session); LEET_FUSED_SEGMODEL=5 keeps the walk; elsewhere both are the one walk.
  it("float16 B=5 H=8 N=50000 d=256: a fast-memory card cuts the one walk of 80 walks into thirds", async () => {
    const variants: Record<string, Record<string, string>> = {
      default: {},
      earlier: { LEET_FUSED_SEGMODEL: "5" },
      thirds: { LEET_FUSED_SEGMENT: "16896" },
    };
    const { ref, results } = await runs(50000, "float16", variants, 8, 5, 256);
    withinBound(ref, results, "float16");
    const want = fastMemory ? "thirds" : "earlier";
    defaultIs(results, want);
    expect(same(results.earlier.output, results.thirds.output), "the one walk and the thirds give bitwise equal outputs").toBe(false);
  }, 300_000);
  it("forcing the lead plan where it does not fit (33 segments a sequence) is an error that says so", async () => {
    const N = 16421;
    const q = Tensor.randn([1, H, N, 128], { dtype: "float16", seed: 7 });
    const k = Tensor.randn([1, H, N, 128], { dtype: "float16", seed: 8, std: 1 / Math.sqrt(128) });
    const v = Tensor.randn([1, H, N, 128], { dtype: "float16", seed: 9 });
    Object.assign(process.env, { LEET_FUSED_LEAD: "1", LEET_FUSED_SEGMENT: "512" });
    try {
      await expect(decayAttention(q, k, v, { decay, method: "fused", backend: "cuda" })).rejects.toThrow(
        /LEET_FUSED_LEAD=1 forces the lead plan, which does not fit B=1 H=32 N=16421 d=128 \(segments of 512 tokens, 33 a sequence\): more than 8 segments a sequence/,
      );
    } finally {
      delete process.env.LEET_FUSED_LEAD;
      delete process.env.LEET_FUSED_SEGMENT;
    }
  }, 60_000);
});
