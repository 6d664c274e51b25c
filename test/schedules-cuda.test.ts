// The tensor-core methods on the shapes where, on Hopper, they share the warpgroup-MMA
// chunk body (r = 128, d a multiple of 128; float32 "exact" at every r and d): blocked
// (three passes, every chunk state and a scan), lightning (one walk per sequence) and
// fused (its own segments), each in float16, bfloat16, float32 at "tf32" and float32 at
// "exact" (float64 tensor cores), with an initial state in and the final state out,
// against the float64 reference. Blocked's chunk option moves its state granularity
// (several chunks per sequence, chunks not a power of two). On other GPUs the same calls
// take the methods' own kernels and must pass the same bounds. Skipped where no GPU is
// usable.
import { describe, expect, it } from "vitest";
import { decayAttention, info, referenceAttention, Tensor, type DType } from "../src";
import { packedOffsets } from "./support/cases";
import { relativeError } from "./support/compare";

const gpu = info().backends.cuda.available;
const hopper = gpu && info().backends.cuda.devices[0].computeCapability.startsWith("9.");

// Output / state bounds: the 16-bit bounds of the state suite (conformance floors x 5,
// states held in float32 but fed to the tensor cores in the input type); float32 at
// "tf32": issue 6's 2e-3 (fla's chunk kernel measures 1.5e-3); float32 at "exact": the
// project's float32 bar, 1e-5, and on Hopper (where exact runs on the float64 tensor
// cores) also at most twice the error of the float32 recurrence on the same inputs.
const BOUND: Record<string, { out: number; state: number }> = {
  float16: { out: 3e-3, state: 5e-3 },
  bfloat16: { out: 2.5e-2, state: 2.5e-2 },
  float32: { out: 2e-3, state: 2e-3 },
  "float32 exact": { out: 1e-5, state: 1e-5 },
};

function inputs(B: number, H: number, N: number, d: number, dtype: DType, seed: number, r = 128) {
  return {
    q: Tensor.randn([B, H, N, r], { dtype, seed }),
    k: Tensor.randn([B, H, N, r], { dtype, seed: seed + 1, std: 1 / Math.sqrt(r) }),
    v: Tensor.randn([B, H, N, d], { dtype, seed: seed + 2 }),
    s0: Tensor.randn([B, H, r, d], { seed: seed + 3 }),
  };
}

// Output and final-state errors of a call with returnState against the reference; frees
// the result.
async function stateErrors(res: { output: Tensor; state: Tensor }, ref: { output: ArrayLike<number>; state: ArrayLike<number> }) {
  const e = [
    relativeError((await res.output.toHost()).toArray(), ref.output),
    relativeError((await res.state.toHost()).toArray(), ref.state),
  ];
  res.output.dispose();
  res.state.dispose();
  return e;
}

// variants: environment settings the addon reads at each call (this worker is its own
// process), each run against the same inputs and reference; {} is the default.
async function check(method: string, dtype: DType, B: number, H: number, N: number, d: number, chunk?: number, exact = false, r = 128, variants: Record<string, string>[] = [{}]) {
  const { q, k, v, s0 } = inputs(B, H, N, d, dtype, 40 + N, r);
  const decay = Array.from({ length: H }, (_, h) => [0.97, 0.3, 0.9995, 1e-3][h % 4]);
  const opts = { decay, initialState: s0, scale: 0.5 };
  const ref = referenceAttention(q, k, v, opts);
  const precision = dtype === "float32" ? (exact ? ("exact" as const) : ("tf32" as const)) : undefined;
  const bound = BOUND[exact ? "float32 exact" : dtype];
  let recurrent: number[] | undefined;
  for (const env of variants) {
    const label = Object.keys(env).length ? `${JSON.stringify(env)}: ` : "";
    Object.assign(process.env, env);
    let out: number, state: number;
    try {
      [out, state] = await stateErrors(await decayAttention(q, k, v, { ...opts, returnState: true, method, backend: "cuda", precision, chunk }), ref);
    } finally {
      for (const name of Object.keys(env)) delete process.env[name];
    }
    expect(out, `${label}output error ${out}`).toBeLessThanOrEqual(bound.out);
    expect(state, `${label}state error ${state}`).toBeLessThanOrEqual(bound.state);
    if (exact && hopper) {
      recurrent ??= await stateErrors(await decayAttention(q, k, v, { ...opts, returnState: true, method: "recurrent", backend: "cuda" }), ref);
      const [recOut, recState] = recurrent;
      expect(out, `${label}output error ${out} against the float32 recurrence's ${recOut}`).toBeLessThanOrEqual(2 * recOut);
      expect(state, `${label}state error ${state} against the float32 recurrence's ${recState}`).toBeLessThanOrEqual(2 * recState);
    }
  }
}

describe.skipIf(!gpu)("tensor-core schedules on cuda", () => {
  for (const method of ["blocked", "lightning", "fused"] as const) {
    for (const dtype of ["float16", "bfloat16", "float32"] as const) {
      it(`${method} ${dtype}: B=2 H=2 N=333 d=256, states in and out`, async () => {
        await check(method, dtype, 2, 2, 333, 256);
      });
      it(`${method} ${dtype}: B=1 H=3 N=1 and N=64, d=128`, async () => {
        await check(method, dtype, 1, 3, 1, 128);
        await check(method, dtype, 1, 3, 64, 128);
      });
    }
  }
  for (const method of ["blocked", "lightning", "fused"] as const) {
    it(`${method} float32 (exact): B=2 H=2 N=333 d=256 and B=1 H=3 N=1, 65 and 1000 d=128, states in and out`, async () => {
      await check(method, "float32", 2, 2, 333, 256, undefined, true);
      for (const N of [1, 65, 1000]) await check(method, "float32", 1, 3, N, 128, undefined, true);
    });
  }
  // Exact float32 at other r and d: on Hopper still the float64 tensor cores (r padded to
  // 64 or 128 on load, r > 128 in passes of 128 whose outputs add up, the last value
  // columns masked; r = 17 and d = 33 rows not 16-byte aligned), so still within 2x of
  // recurrent.
  for (const method of ["blocked", "lightning", "fused"] as const) {
    it(`${method} float32 (exact) at other r and d: r=17 d=33, r=64 d=64, r=256 d=96, r=200 d=250, states in and out`, async () => {
      await check(method, "float32", 1, 2, 77, 33, undefined, true, 17);
      await check(method, "float32", 2, 1, 333, 64, undefined, true, 64);
      await check(method, "float32", 1, 2, 1000, 96, undefined, true, 256);
      await check(method, "float32", 1, 1, 130, 250, undefined, true, 200);
    });
  }
  // Packed sequences (cuSeqlens): on Hopper the same float64 kernels, placed by a segment
  // table, states chained by the scan; lightning walks each sequence as one segment.
  for (const method of ["blocked", "lightning", "fused"] as const) {
    it(`${method} float32 (exact), packed sequences of 5, 64, 1, 130 and 33 tokens at r=64 d=40, states in and out`, async () => {
      const lens = [5, 64, 1, 130, 33];
      const cu = packedOffsets(lens);
      const [H, N, r, d] = [2, cu[cu.length - 1], 64, 40];
      const q = Tensor.randn([1, H, N, r], { seed: 61 });
      const k = Tensor.randn([1, H, N, r], { seed: 62, std: 1 / Math.sqrt(r) });
      const v = Tensor.randn([1, H, N, d], { seed: 63 });
      const s0 = Tensor.randn([lens.length, H, r, d], { seed: 64 });
      const opts = { decay: [0.97, 0.3], initialState: s0, scale: 0.5, cuSeqlens: cu, returnState: true as const, backend: "cuda" as const };
      const ref = referenceAttention(q, k, v, opts);
      const errors = async (m: string) => stateErrors(await decayAttention(q, k, v, { ...opts, method: m, precision: "exact" }), ref);
      const [out, state] = await errors(method);
      expect(out, `output error ${out}`).toBeLessThanOrEqual(1e-5);
      expect(state, `state error ${state}`).toBeLessThanOrEqual(1e-5);
      if (hopper) {
        const [recOut, recState] = await errors("recurrent");
        expect(out, `output error ${out} against the float32 recurrence's ${recOut}`).toBeLessThanOrEqual(2 * recOut);
        expect(state, `state error ${state} against the float32 recurrence's ${recState}`).toBeLessThanOrEqual(2 * recState);
      }
    });
  }
  it("fused float32 (exact) at r=256 d=64, N=5000: segments chained in each of the two r passes", async () => {
    await check("fused", "float32", 1, 2, 5000, 64, undefined, true, 256);
  });
  // fused float32 (exact) at r = 128 and whole 128-column blocks: 64- or 128-column output
  // CTAs, by the segment model (cuda/fused_kernels.cuh, v4_wide); each forced here
  // (LEET_FUSED_V4_OUT), with segment states summed in the output kernel (H=16 N=1000) or
  // chained by the scan kernel (H=2 N=1000), two batches, and a sequence of one token.
  it("fused float32 (exact) on 64- and 128-column output CTAs: B=1 H=16 N=1000 d=256, B=1 H=2 N=1000 d=128, B=2 H=2 N=333 d=256, B=1 H=3 N=1 d=128, states in and out", async () => {
    const widths: Record<string, string>[] = [{}, { LEET_FUSED_V4_OUT: "64" }, { LEET_FUSED_V4_OUT: "128" }];
    await check("fused", "float32", 1, 16, 1000, 256, undefined, true, 128, widths);
    await check("fused", "float32", 1, 2, 1000, 128, undefined, true, 128, widths);
    await check("fused", "float32", 2, 2, 333, 256, undefined, true, 128, widths);
    await check("fused", "float32", 1, 3, 1, 128, undefined, true, 128, widths);
  });
  // A short first segment (cuda/fused_kernels.cuh, pad_plan): the plan takes one only at
  // long sequences (1x65536 at 32 heads), so it is forced here (LEET_FUSED_PAD: its tokens)
  // on segments of 256 split into four state sub-segments of 64: across two of them (100),
  // all four (200), and a segment of one token.
  it("fused float32 (exact) with a short first segment: B=1 H=16 N=1000 d=256 and B=2 H=2 N=1000 d=128, states in and out", async () => {
    const pads = ["100", "200", "1"].map((x) => ({ LEET_FUSED_V4_OUT: "128", LEET_FUSED_SEGMENT: "256", LEET_FUSED_PAD: x }));
    await check("fused", "float32", 1, 16, 1000, 256, undefined, true, 128, pads);
    await check("fused", "float32", 2, 2, 1000, 128, undefined, true, 128, pads);
  });
  // The same on version 3's 128-column output CTAs (float32 at "tf32"), the second shape
  // with the state walk split in four (LEET_FUSED_KSUB). Where the decoupled output kernel
  // is the default, a first segment of whole chunks (128, 192) takes it; the others keep
  // the lockstep one.
  it("fused float32 (tf32) with a short first segment: B=1 H=16 N=1000 d=256 and B=2 H=2 N=1000 d=128, states in and out", async () => {
    const pads = ["100", "200", "1", "128", "192"].map((x) => ({ LEET_FUSED_OUT: "128", LEET_FUSED_SEGMENT: "256", LEET_FUSED_PAD: x, LEET_FUSED_LEAD: "0" }));
    await check("fused", "float32", 1, 16, 1000, 256, undefined, false, 128, pads);
    await check("fused", "float32", 2, 2, 1000, 128, undefined, false, 128, pads.map((e) => ({ ...e, LEET_FUSED_KSUB: "4" })));
  });
  // The lead plan (cuda/fused_kernels.cuh, lead_plan; the default where the peak DRAM
  // bandwidth is at least 4 TB/s): each sequence's first segment walked by an output launch
  // of its own beside the state pass, the others from its end state. Forced here with the
  // kernels it needs, at its own first-segment length (LEET_FUSED_LEAD=1) and at 128 and
  // 192 tokens; the second shape also with the state walks split in four (at 128 and 192),
  // the third with a partial last segment and chunk. The second shape also at 128 tokens
  // with the output kernels' earlier update order (LEET_FUSED_EARLY=0). The first two shapes
  // also with the plan's small pieces (LEET_FUSED_SMALL: the first segment's last tokens
  // walked by CTAs of their own; by default only where the other segments leave a few SMs
  // idle, as at 1x65536 with 32 heads).
  it("fused float32 (tf32) with the lead plan: B=1 H=16 N=1000 d=256, B=2 H=2 N=1000 d=128, B=1 H=3 N=333 d=128, states in and out", async () => {
    const leads = ["1", "128", "192"].map((x) => ({ LEET_FUSED_OUT: "128", LEET_FUSED_V3DEC: "1", LEET_FUSED_STATE_DEEP: "1", LEET_FUSED_SEGMENT: "256", LEET_FUSED_LEAD: x }));
    await check("fused", "float32", 1, 16, 1000, 256, undefined, false, 128, [...leads, { ...leads[0], LEET_FUSED_SMALL: "128" }]);
    const split = leads.slice(1).map((e) => ({ ...e, LEET_FUSED_KSUB: "4" }));
    const small = { ...leads[1], LEET_FUSED_SMALL: "64" };
    await check("fused", "float32", 2, 2, 1000, 128, undefined, false, 128, [...leads, ...split, { ...leads[1], LEET_FUSED_EARLY: "0" }, small, { ...small, LEET_FUSED_EARLY: "0" }]);
    await check("fused", "float32", 1, 3, 333, 128, undefined, false, 128, [{ ...leads[0], LEET_FUSED_SEGMENT: "128", LEET_FUSED_LEAD: "64" }]);
  });
  // The same plan on version 2's 16-bit kernels (the default there where the segment model
  // takes two long segments or four and more, at 4 TB/s and more): float16 at the first two
  // shapes, bfloat16 at the first and third; the first also with the state kernel at its
  // own shared memory (LEET_FUSED_LEAD_STATE=0), not padded to one CTA per SM.
  it("fused float16 and bfloat16 with the lead plan: B=1 H=16 N=1000 d=256, B=2 H=2 N=1000 d=128, B=1 H=3 N=333 d=128, states in and out", async () => {
    const leads = ["1", "128", "192"].map((x) => ({ LEET_FUSED_OUT: "128", LEET_FUSED_SEGMENT: "256", LEET_FUSED_LEAD: x }));
    await check("fused", "float16", 1, 16, 1000, 256, undefined, false, 128, [...leads, { ...leads[0], LEET_FUSED_LEAD_STATE: "0" }]);
    await check("fused", "float16", 2, 2, 1000, 128, undefined, false, 128, [...leads, ...leads.slice(1).map((e) => ({ ...e, LEET_FUSED_KSUB: "4" }))]);
    await check("fused", "bfloat16", 1, 16, 1000, 256, undefined, false, 128, leads.slice(0, 1));
    await check("fused", "bfloat16", 1, 3, 333, 128, undefined, false, 128, [{ ...leads[0], LEET_FUSED_SEGMENT: "128", LEET_FUSED_LEAD: "64" }]);
  });
  it("blocked float32 (exact) with chunk 192 and fused float32 (exact) at N=5000: states chained across segments", async () => {
    await check("blocked", "float32", 1, 2, 1000, 128, 192, true);
    await check("fused", "float32", 1, 2, 5000, 128, undefined, true);
  });
  // fused on Hopper where a sequence is cut into segments: output CTAs that read the staged
  // segment states, summed in the output kernel (four segments, H=16 N=1000) or chained by
  // the scan kernel (sixteen, H=2 N=1000). Which CTAs run by default depends on the GPU's
  // DRAM bandwidth (cuda/fused_kernels.cuh, out_narrow), so each is also forced:
  // LEET_FUSED_OUT=64 (V2NFamily, V3NFamily) and 128 (V2Family, V3Family).
  const outWidths: Record<string, string>[] = [{}, { LEET_FUSED_OUT: "64" }, { LEET_FUSED_OUT: "128" }];
  for (const dtype of ["float16", "bfloat16", "float32"] as const) {
    it(`fused ${dtype}: segmented sequences, B=1 H=16 N=1000 d=256 and B=1 H=2 N=1000 d=128, states in and out`, async () => {
      await check("fused", dtype, 1, 16, 1000, 256, undefined, false, 128, outWidths);
      await check("fused", dtype, 1, 2, 1000, 128, undefined, false, 128, outWidths);
    });
  }
  // fused float32 (tf32) on Hopper, version 3's 128-column output kernel in its three forms:
  // its warpgroups decoupled, fed by TMA (LEET_FUSED_V3DEC=1; the default where every chunk
  // is whole or ends at N and the peak DRAM bandwidth is at least 4 TB/s), with O stored by
  // TMA (the default) or from registers (LEET_FUSED_TMA=1), with the state's first r-half
  // updated early (the default) or after P V (LEET_FUSED_EARLY=0), and in lockstep
  // (LEET_FUSED_V3DEC=0). Partial last chunks, the segment model's own cuts at four shapes,
  // and forced segments of 192 at d = 256.
  it("fused float32 (tf32): the decoupled (O by TMA and from registers, both update orders) and the lockstep output kernels, B=2 H=3 N=333 d=128, B=1 H=8 N=1000 d=256, B=1 H=2 N=1000 d=128, B=1 H=2 N=700 d=256, states in and out", async () => {
    const kinds: Record<string, string>[] = [
      { LEET_FUSED_V3DEC: "1" },
      { LEET_FUSED_V3DEC: "1", LEET_FUSED_TMA: "1" },
      { LEET_FUSED_V3DEC: "1", LEET_FUSED_EARLY: "0" },
      { LEET_FUSED_V3DEC: "0" },
    ];
    const forms = kinds.map((e) => ({ LEET_FUSED_OUT: "128", LEET_FUSED_LEAD: "0", ...e }));
    await check("fused", "float32", 2, 3, 333, 128, undefined, false, 128, forms);
    await check("fused", "float32", 1, 8, 1000, 256, undefined, false, 128, forms);
    await check("fused", "float32", 1, 2, 1000, 128, undefined, false, 128, forms);
    await check("fused", "float32", 1, 2, 700, 256, undefined, false, 128, forms.map((e) => ({ ...e, LEET_FUSED_SEGMENT: "192" })));
  });
  // fused on Hopper: the state pass's two forms (cuda/fused_kernels.cuh). 16-bit: the deep
  // TMA kernel (six stages) is the default where the busy state CTAs fit one per SM and
  // each walks at most 2048 tokens; LEET_FUSED_STATE_DEEP forces the three-stage one (0) or
  // the deep one (1). Float32 (tf32): the three-stage kernel where the peak DRAM bandwidth
  // is at least 4 TB/s (an H200), the two-stage one elsewhere; 0 and 1 force them. The
  // three-stage one is fed by TMA where every chunk of its walks is whole or ends at N, and
  // by cp.async with LEET_FUSED_TMA=0 (the fourth form; 16-bit: the three-stage kernel on
  // cp.async). Segment states summed in the output kernel (H=8 N=1000), state walks split
  // in two (segments of 512, B=2 H=2 N=2100), and chained by the scan (H=2 N=1000).
  const stateForms: Record<string, string>[] = [
    {},
    { LEET_FUSED_STATE_DEEP: "0" },
    { LEET_FUSED_STATE_DEEP: "1" },
    { LEET_FUSED_STATE_DEEP: "1", LEET_FUSED_TMA: "0" },
  ];
  for (const dtype of ["float16", "bfloat16", "float32"] as const) {
    it(`fused ${dtype}: the deep and the shallow state kernels, B=1 H=8 N=1000 d=256, B=2 H=2 N=2100 d=128 in split walks, B=1 H=2 N=1000 d=128, states in and out`, async () => {
      await check("fused", dtype, 1, 8, 1000, 256, undefined, false, 128, stateForms);
      await check("fused", dtype, 2, 2, 2100, 128, undefined, false, 128, stateForms.map((e) => ({ ...e, LEET_FUSED_SEGMENT: "512", LEET_FUSED_KSUB: "2" })));
      await check("fused", dtype, 1, 2, 1000, 128, undefined, false, 128, stateForms);
    });
  }
  it("lightning float32 (tf32) and float16: B=1 H=40 N=100 d=128 (on 132 SMs: 64-column, not 32-column, CTAs)", async () => {
    await check("lightning", "float32", 1, 40, 100, 128);
    await check("lightning", "float16", 1, 40, 100, 128);
  });
  // Many packed sequences, mostly shorter than a chunk (a server's prefill batch): each
  // sequence's chunks, segments and state are its own, and two long sequences sit among them
  // (the second past the 256 sequences that fused's segment table scans at a time).
  const lens: number[] = [];
  for (let i = 0, x = 5; i < 300; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    lens.push(i === 150 ? 700 : i === 280 ? 333 : 1 + (x % 40));
  }
  const cu = packedOffsets(lens);
  for (const method of ["recurrent", "fleet", "blocked", "lightning", "fused"] as const) {
    for (const [r, d] of [[128, 128], [64, 64]]) {
      it(`${method}: 300 packed sequences of 1 to 40 tokens, one of 700 and one of 333 (N=${cu[300]}), r=${r} d=${d}, float16, float32 tf32 and exact, states in and out, and without states`, async () => {
        const [H, N] = [2, cu[300]];
        const s0 = Tensor.randn([lens.length, H, r, d], { seed: 74 });
        for (const [dtype, precision] of [["float16", undefined], ["float32", "tf32"], ["float32", "exact"]] as const) {
          const q = Tensor.randn([1, H, N, r], { dtype, seed: 71 });
          const k = Tensor.randn([1, H, N, r], { dtype, seed: 72, std: 1 / Math.sqrt(r) });
          const v = Tensor.randn([1, H, N, d], { dtype, seed: 73 });
          const opts = { decay: [0.97, 0.3], initialState: s0, scale: 0.5, cuSeqlens: cu, returnState: true as const, backend: "cuda" as const };
          const ref = referenceAttention(q, k, v, opts);
          const errors = async (m: string) => stateErrors(await decayAttention(q, k, v, { ...opts, method: m, precision }), ref);
          const exact = precision === "exact";
          const bound = BOUND[exact ? "float32 exact" : dtype];
          const [out, state] = await errors(method);
          const what = `${dtype}${precision ? ` ${precision}` : ""}`;
          expect(out, `${what} output error ${out}`).toBeLessThanOrEqual(bound.out);
          expect(state, `${what} state error ${state}`).toBeLessThanOrEqual(bound.state);
          if (exact && hopper && method !== "recurrent") {
            const [recOut, recState] = await errors("recurrent");
            expect(out, `output error ${out} against the float32 recurrence's ${recOut}`).toBeLessThanOrEqual(2 * recOut);
            expect(state, `state error ${state} against the float32 recurrence's ${recState}`).toBeLessThanOrEqual(2 * recState);
          }
          // No state: lightning and fused compute the 298 short sequences several to a CTA
          // (cuda/short_seqs.cu) and walk only the two long ones
          const plain = { decay: opts.decay, scale: opts.scale, cuSeqlens: cu, backend: "cuda" as const, method, precision };
          const refPlain = referenceAttention(q, k, v, plain).output;
          const res = await decayAttention(q, k, v, plain);
          const outPlain = relativeError((await res.toHost()).toArray(), refPlain);
          res.dispose();
          expect(outPlain, `${what} output error ${outPlain} without states`).toBeLessThanOrEqual(bound.out);
          if (exact && hopper && method !== "recurrent") {
            const rec = await decayAttention(q, k, v, { ...plain, method: "recurrent" });
            const recOut = relativeError((await rec.toHost()).toArray(), refPlain);
            rec.dispose();
            expect(outPlain, `output error ${outPlain} without states against the float32 recurrence's ${recOut}`).toBeLessThanOrEqual(2 * recOut);
          }
        }
      });
    }
  }
  // More packed sequences than a launch grid's y dimension takes per head (2100 at H = 32:
  // 67200 (sequence, head) pairs against 65535), with states, so that no sequence goes to
  // the short-sequence kernel: fused's segment table and its scan over segment states, which
  // now runs over the long sequence's chains only (it had a launch row per pair, past
  // CUDA's limit of 65535 here). LEET_FUSED_SEGMENT=256 splits the long sequence into
  // segments.
  const many: number[] = [];
  for (let i = 0, x = 3; i < 2100; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    many.push(i === 2050 ? 1500 : 1 + (x % 6));
  }
  const manyCu = packedOffsets(many);
  it(`fused: 2100 packed sequences of 1 to 6 tokens and one of 1500 (N=${manyCu[2100]}), H=32, r=d=16, float16 and float32 exact, states in and out, split into segments`, async () => {
    const [H, N, r, d] = [32, manyCu[2100], 16, 16];
    const s0 = Tensor.randn([many.length, H, r, d], { seed: 84 });
    process.env.LEET_FUSED_SEGMENT = "256";
    try {
      for (const [dtype, precision] of [["float16", undefined], ["float32", "exact"]] as const) {
        const q = Tensor.randn([1, H, N, r], { dtype, seed: 81 });
        const k = Tensor.randn([1, H, N, r], { dtype, seed: 82, std: 1 / Math.sqrt(r) });
        const v = Tensor.randn([1, H, N, d], { dtype, seed: 83 });
        const decay = Array.from({ length: H }, (_, h) => [0.97, 0.3, 0.9995, 1e-3][h % 4]);
        const opts = { decay, initialState: s0, scale: 0.5, cuSeqlens: manyCu, returnState: true as const, backend: "cuda" as const };
        const ref = referenceAttention(q, k, v, opts);
        const [out, state] = await stateErrors(await decayAttention(q, k, v, { ...opts, method: "fused", precision }), ref);
        const bound = BOUND[precision === "exact" ? "float32 exact" : dtype];
        expect(out, `${dtype} output error ${out}`).toBeLessThanOrEqual(bound.out);
        expect(state, `${dtype} state error ${state}`).toBeLessThanOrEqual(bound.state);
      }
    } finally {
      delete process.env.LEET_FUSED_SEGMENT;
    }
  });
  // Packed sequences of at most 64 tokens (about 25 on average) and no state in or out: each
  // is one chunk of blocked, lightning and fused, computed several to a CTA
  // (cuda/short_seqs.cu), including sequences of exactly 64 tokens, of 1, r and d not
  // multiples of 4, and r = d = 256.
  const short: number[] = [];
  for (let i = 0, x = 9; i < 400; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    short.push(i % 50 === 7 ? 64 : 1 + (x % 48));
  }
  const shortCu = packedOffsets(short);
  for (const [r, d] of [[128, 128], [64, 64], [17, 33], [256, 256]]) {
    it(`blocked, lightning and fused: 400 packed sequences of 1 to 48 tokens and 8 of 64 (N=${shortCu[400]}), no initial state, with and without final states, r=${r} d=${d}, 16-bit and float32`, async () => {
      const [H, N] = [3, shortCu[400]];
      for (const [dtype, precision] of [["float16", undefined], ["bfloat16", undefined], ["float32", "tf32"], ["float32", "exact"]] as const) {
        const q = Tensor.randn([1, H, N, r], { dtype, seed: 81 + r });
        const k = Tensor.randn([1, H, N, r], { dtype, seed: 82 + r, std: 1 / Math.sqrt(r) });
        const v = Tensor.randn([1, H, N, d], { dtype, seed: 83 + r });
        const opts = { decay: [0.97, 0.3, 0.9995], scale: 0.5, cuSeqlens: shortCu, backend: "cuda" as const };
        const ref = referenceAttention(q, k, v, opts);
        // [output error without returnState, output and state errors with it]
        const errors = async (m: string) => {
          const out = await decayAttention(q, k, v, { ...opts, method: m, precision });
          const plain = relativeError((await out.toHost()).toArray(), ref.output);
          out.dispose();
          return [plain, ...(await stateErrors(await decayAttention(q, k, v, { ...opts, method: m, precision, returnState: true }), ref))];
        };
        const exact = precision === "exact";
        const bound = BOUND[exact ? "float32 exact" : dtype];
        const rec = exact && hopper ? await errors("recurrent") : [];
        for (const method of ["blocked", "lightning", "fused"]) {
          const [plain, out, state] = await errors(method);
          const what = `${method} ${dtype}${precision ? ` ${precision}` : ""}`;
          expect(plain, `${what}: output error ${plain}`).toBeLessThanOrEqual(bound.out);
          expect(out, `${what}: output error ${out} with final states`).toBeLessThanOrEqual(bound.out);
          expect(state, `${what}: final state error ${state}`).toBeLessThanOrEqual(bound.state);
          if (exact && hopper) {
            expect(plain, `${what}: output error ${plain} against the float32 recurrence's ${rec[0]}`).toBeLessThanOrEqual(2 * rec[0]);
            expect(state, `${what}: state error ${state} against the float32 recurrence's ${rec[2]}`).toBeLessThanOrEqual(2 * rec[2]);
          }
        }
      }
    });
  }
  for (const chunk of [64, 192, 4096]) {
    it(`blocked float16 and float32 (tf32) with chunk ${chunk}: N=1000, chunk states chained by the scan`, async () => {
      await check("blocked", "float16", 1, 2, 1000, 128, chunk);
      await check("blocked", "float32", 1, 2, 1000, 128, chunk);
    });
  }
});
