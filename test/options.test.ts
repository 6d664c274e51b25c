// Options beyond the defaults: chunk sizes on the CPU, the "tf32" precision on CUDA,
// thread counts, and what "auto" picks, each checked against the float64 reference.
import { describe, expect, it } from "vitest";
import { chooseMethod, decayAttention, info, referenceAttention, Tensor } from "../src";
import { relativeError } from "./support/compare";

const q = Tensor.randn([1, 2, 300, 24], { seed: 31 });
const k = Tensor.randn([1, 2, 300, 24], { seed: 32, std: 0.2 });
const v = Tensor.randn([1, 2, 300, 40], { seed: 33 });
const decay = [0.99, 0.7];
const ref = referenceAttention(q, k, v, { decay });

describe("chunk and threads on the CPU", () => {
  for (const method of ["blocked", "recursive", "lightning", "fused"]) {
    for (const chunk of [1, 16, 100, 512]) {
      it(`${method} with chunk ${chunk}`, async () => {
        const out = await decayAttention(q, k, v, { decay, method, backend: "cpu", chunk });
        expect(relativeError(out.toArray(), ref.output)).toBeLessThan(1e-5);
      });
    }
  }
  it("gives the same result with 1 thread", async () => {
    const one = await decayAttention(q, k, v, { decay, method: "blocked", backend: "cpu", threads: 1 });
    expect(relativeError(one.toArray(), ref.output)).toBeLessThan(1e-5);
  });
});

describe("auto", () => {
  it("says what it picks and why", () => {
    const shape = { B: 1, H: 8, N: 4096, r: 64, d: 64 };
    expect(chooseMethod(shape, "float32", "cpu").method).toBe("lightning");
    expect(chooseMethod({ ...shape, N: 8 }, "float32", "cpu").method).toBe("recurrent");
    expect(chooseMethod(shape, "bfloat16", "cuda").method).toBe("fused");
    expect(chooseMethod(shape, "float32", "cuda", "exact").method).toBe("recurrent");
    expect(chooseMethod(shape, "float32", "cuda", "tf32").method).toBe("fused");
    expect(chooseMethod(shape, "float32", "cuda").reason).toMatch(/recurrence/);
  });
  it("on a Hopper GPU takes the method bench-auto measured fastest (bench/h100-2026-11-26-t, -x and -y)", () => {
    const hopper = { computeCapability: "9.0", multiprocessors: 132 };
    const one = { B: 1, H: 32 }, eight = { B: 8, H: 32 };
    const cases: Array<[string, "exact" | "tf32", object, number, number, string]> = [
      // dtype, precision, B and H, N, r = d or [r, d] below, expected
      ["float16", "exact", one, 65536, 128, "fused"],
      ["float16", "exact", one, 16384, 64, "blocked"],
      ["float16", "exact", eight, 8192, 64, "lightning"],
      ["float16", "exact", one, 1024, 64, "lightning"],
      ["bfloat16", "exact", one, 16384, 32, "blocked"],
      ["float16", "exact", eight, 8192, 256, "lightning"],
      ["float32", "tf32", one, 65536, 128, "fused"],
      ["float32", "tf32", one, 16384, 64, "fleet"],
      ["float32", "tf32", one, 1024, 64, "blocked"],
      ["float32", "tf32", eight, 8192, 64, "fused"],
      ["float32", "tf32", eight, 8192, 32, "lightning"],
      ["float32", "exact", one, 65536, 128, "fused"],
      ["float32", "exact", eight, 8192, 256, "fused"],
      ["float32", "exact", one, 16384, 64, "fused"],
      ["float32", "exact", one, 1024, 64, "blocked"],
      ["float32", "exact", one, 16384, 32, "fleet"],
      ["float32", "exact", one, 1024, 32, "blocked"],
      ["float32", "exact", eight, 8192, 32, "fleet"],
    ];
    for (const [dtype, precision, bh, N, rd, want] of cases) {
      const got = chooseMethod({ ...bh, N, r: rd, d: rd } as { B: number; H: number; N: number; r: number; d: number }, dtype as "float32", "cuda", precision, hopper);
      expect(`${dtype} ${precision} N=${N} r=d=${rd}: ${got.method}`).toBe(`${dtype} ${precision} N=${N} r=d=${rd}: ${want}`);
      expect(got.reason).toMatch(/Hopper.*measured: bench-auto/);
    }
    // mixed widths: 16-bit fused where d is a multiple of 128; exact fused at d = 64 except
    // on short sequences with few walks (blocked), fleet at r = 32 on long ones
    expect(chooseMethod({ B: 1, H: 32, N: 16384, r: 64, d: 128 }, "float16", "cuda", "exact", hopper).method).toBe("fused");
    expect(chooseMethod({ B: 1, H: 32, N: 16384, r: 128, d: 64 }, "float32", "cuda", "exact", hopper).method).toBe("fused");
    // TF32 at r = 64: lightning on a short sequence with few walks, fused on long ones;
    // at r = 128, d = 64 fused on both (bench/h100-2026-11-26-zzk)
    expect(chooseMethod({ B: 1, H: 32, N: 1024, r: 64, d: 128 }, "float32", "cuda", "tf32", hopper).method).toBe("lightning");
    expect(chooseMethod({ B: 1, H: 32, N: 16384, r: 64, d: 128 }, "float32", "cuda", "tf32", hopper).method).toBe("fused");
    expect(chooseMethod({ B: 1, H: 32, N: 1024, r: 128, d: 64 }, "float32", "cuda", "tf32", hopper).method).toBe("fused");
    expect(chooseMethod({ B: 1, H: 32, N: 1024, r: 128, d: 64 }, "float32", "cuda", "exact", hopper).method).toBe("blocked");
    expect(chooseMethod({ B: 2, H: 8, N: 32768, r: 32, d: 64 }, "float32", "cuda", "exact", hopper).method).toBe("fleet");
    expect(chooseMethod({ B: 8, H: 32, N: 8192, r: 128, d: 64 }, "float32", "cuda", "exact", hopper).method).toBe("fused");
    // packed exact float32 (longest sequence under 8500 tokens): blocked at d <= 64, else lightning
    const packed = { ...hopper, packed: true };
    expect(chooseMethod({ B: 1, H: 32, N: 16400, r: 64, d: 64 }, "float32", "cuda", "exact", { ...packed, sequences: 5, longestSequence: 7000 }).method).toBe("blocked");
    const p128 = chooseMethod({ B: 1, H: 32, N: 16400, r: 128, d: 128 }, "float32", "cuda", "exact", { ...packed, sequences: 5, longestSequence: 7000 });
    expect(p128.method).toBe("lightning");
    expect(p128.reason).toMatch(/packed.*float64/);
    // many packed sequences (bench/h100-2026-11-26-zg and -zh, bench-auto --grid varlen): at most 64
    // tokens each (16-bit: 48 on average) and no initial state: single chunks, several to a
    // CTA, on any CUDA GPU; longer, lightning's one walk per sequence; fused where its wgmma
    // kernels see long sequences; with an initial state and a few tokens each, recurrent
    const pack = (sequences: number, longest: number, states = false, initialState = false) =>
      ({ ...hopper, packed: true, sequences, longestSequence: longest, states, initialState });
    const shortPick = chooseMethod({ B: 1, H: 32, N: 16384, r: 128, d: 128 }, "float16", "cuda", "exact", pack(1024, 16));
    expect(shortPick.method).toBe("fused");
    expect(shortPick.reason).toMatch(/1024 packed sequences of at most 64 tokens and no initial state/);
    // returnState alone keeps the short-sequence kernel (it writes the final states)
    expect(chooseMethod({ B: 1, H: 32, N: 16384, r: 128, d: 128 }, "float16", "cuda", "exact", pack(1024, 16, true)).method).toBe("fused");
    expect(chooseMethod({ B: 1, H: 32, N: 16384, r: 64, d: 64 }, "float32", "cuda", "exact", { ...pack(256, 64), computeCapability: "8.0" }).method).toBe("fused");
    expect(chooseMethod({ B: 1, H: 32, N: 16384, r: 128, d: 128 }, "float16", "cuda", "exact", pack(256, 64)).method).toBe("lightning");
    expect(chooseMethod({ B: 1, H: 32, N: 16384, r: 128, d: 128 }, "float16", "cuda", "exact", pack(1024, 16, true, true)).method).toBe("recurrent");
    expect(chooseMethod({ B: 1, H: 32, N: 16384, r: 64, d: 64 }, "float16", "cuda", "exact", pack(1100, 4000)).method).toBe("lightning");
    expect(chooseMethod({ B: 1, H: 32, N: 26400, r: 64, d: 64 }, "float16", "cuda", "exact", pack(200, 256)).method).toBe("lightning");
    expect(chooseMethod({ B: 1, H: 32, N: 27000, r: 128, d: 128 }, "float16", "cuda", "exact", pack(40, 1000)).method).toBe("fused");
    expect(chooseMethod({ B: 1, H: 32, N: 26400, r: 128, d: 128 }, "float32", "cuda", "tf32", pack(200, 256)).method).toBe("fused");
    // a sequence of 2048 tokens or more among short ones: fused, except in 16 bits and TF32
    // at r, d <= 64 (bench-auto --grid varlen, run ze)
    const among = chooseMethod({ B: 1, H: 32, N: 24600, r: 128, d: 128 }, "float32", "cuda", "tf32", pack(504, 4096));
    expect(among.method).toBe("fused");
    expect(among.reason).toMatch(/a sequence of 4096 tokens among short ones/);
    expect(chooseMethod({ B: 1, H: 32, N: 15000, r: 128, d: 128 }, "float16", "cuda", "exact", pack(1002, 4096)).method).toBe("fused");
    expect(chooseMethod({ B: 1, H: 32, N: 15000, r: 64, d: 64 }, "float32", "cuda", "exact", pack(1002, 4096)).method).toBe("fused");
    expect(chooseMethod({ B: 1, H: 32, N: 15000, r: 64, d: 64 }, "float32", "cuda", "tf32", pack(1002, 4096)).method).toBe("lightning");
    expect(chooseMethod({ B: 1, H: 32, N: 15000, r: 64, d: 64 }, "float16", "cuda", "exact", pack(1002, 4096)).method).toBe("lightning");
    expect(chooseMethod({ B: 1, H: 32, N: 15000, r: 128, d: 128 }, "float16", "cuda", "exact", pack(1002, 2047)).method).toBe("lightning");
    // float32 at a small state on many packed sequences of at most 256 tokens: the token
    // recurrence (bench-auto --grid varlen, every run on the H100 and the H200 since run zzq)
    const shortF32 = chooseMethod({ B: 1, H: 32, N: 26400, r: 64, d: 64 }, "float32", "cuda", "exact", pack(200, 256));
    expect(shortF32.method).toBe("recurrent");
    expect(shortF32.reason).toMatch(/many short packed sequences/);
    expect(chooseMethod({ B: 1, H: 32, N: 26400, r: 64, d: 64 }, "float32", "cuda", "tf32", pack(200, 256)).method).toBe("recurrent");
    expect(chooseMethod({ B: 1, H: 32, N: 26400, r: 64, d: 64 }, "float32", "cuda", "exact", pack(200, 257)).method).toBe("lightning");
    expect(chooseMethod({ B: 1, H: 32, N: 26400, r: 64, d: 128 }, "float32", "cuda", "exact", pack(200, 256)).method).toBe("lightning");
    expect(chooseMethod({ B: 1, H: 32, N: 3300, r: 64, d: 64 }, "float32", "cuda", "exact", pack(25, 256)).method).toBe("lightning");
    // exact float32 with a packed sequence of 8500 tokens or more: fused, which splits it into
    // segments (bench-auto's check and holdout grids, run zd call 9); 16 bits off the
    // warpgroup-MMA shape: fused at d > 64, long or short, even or not
    const lop = chooseMethod({ B: 1, H: 32, N: 13000, r: 128, d: 128 }, "float32", "cuda", "exact", pack(5, 9000));
    expect(lop.method).toBe("fused");
    expect(lop.reason).toMatch(/8500 tokens or more/);
    expect(chooseMethod({ B: 1, H: 32, N: 13000, r: 128, d: 128 }, "float32", "cuda", "exact", pack(5, 8499)).method).toBe("lightning");
    expect(chooseMethod({ B: 1, H: 32, N: 13000, r: 64, d: 64 }, "float32", "cuda", "exact", pack(5, 8499)).method).toBe("blocked");
    expect(chooseMethod({ B: 1, H: 32, N: 13000, r: 96, d: 96 }, "bfloat16", "cuda", "exact", pack(5, 9000)).method).toBe("fused");
    expect(chooseMethod({ B: 1, H: 32, N: 16000, r: 96, d: 96 }, "bfloat16", "cuda", "exact", pack(5, 3200)).method).toBe("fused");
    expect(chooseMethod({ B: 1, H: 32, N: 15000, r: 128, d: 128 }, "float32", "cuda", "exact", pack(5, 3000)).method).toBe("lightning");
    expect(chooseMethod({ B: 1, H: 32, N: 13000, r: 128, d: 128 }, "bfloat16", "cuda", "exact", pack(5, 9000)).method).toBe("fused");
    expect(chooseMethod({ B: 1, H: 32, N: 13000, r: 128, d: 128 }, "float32", "cuda", "tf32", pack(5, 9000)).method).toBe("fused");
    expect(chooseMethod({ B: 1, H: 32, N: 16400, r: 128, d: 128 }, "float32", "cuda", "exact", pack(5, 7000)).method).toBe("lightning");
    // a few long packed sequences keep the rules of one long sequence
    expect(chooseMethod({ B: 1, H: 32, N: 16400, r: 64, d: 64 }, "float32", "cuda", "exact", pack(5, 7000)).method).toBe("blocked");
    // the SM count decides whether lightning's 32-column walks (48 heads × 2) fill the GPU
    const h48 = { B: 1, H: 48, N: 8192, r: 64, d: 64 };
    expect(chooseMethod(h48, "float16", "cuda", "exact", hopper).method).toBe("blocked");
    expect(chooseMethod(h48, "float16", "cuda", "exact", { ...hopper, multiprocessors: 100 }).method).toBe("lightning");
    expect(chooseMethod({ B: 4, H: 16, N: 2048, r: 64, d: 64 }, "float32", "cuda", "tf32", hopper).method).toBe("lightning");
    // many walks (at least 1.9 per SM) of 1024 to 4096 tokens at a small state: the token
    // recurrence, in TF32 at r <= 64 and in exact at r <= 32 (bench-auto's check and holdout grids)
    const walks = chooseMethod({ B: 16, H: 32, N: 2048, r: 32, d: 64 }, "float32", "cuda", "tf32", hopper);
    expect(walks.method).toBe("recurrent");
    expect(walks.reason).toMatch(/many walks of a few thousand tokens/);
    expect(chooseMethod({ B: 16, H: 32, N: 2048, r: 64, d: 64 }, "float32", "cuda", "tf32", hopper).method).toBe("recurrent");
    expect(chooseMethod({ B: 16, H: 32, N: 2048, r: 32, d: 64 }, "float32", "cuda", "exact", hopper).method).toBe("recurrent");
    // (exact float32: from 3.5 walks per SM)
    expect(chooseMethod({ B: 12, H: 32, N: 4096, r: 32, d: 64 }, "float32", "cuda", "exact", hopper).method).not.toBe("recurrent");
    expect(chooseMethod({ B: 12, H: 32, N: 4096, r: 32, d: 64 }, "float32", "cuda", "tf32", hopper).method).toBe("recurrent");
    expect(chooseMethod({ B: 16, H: 32, N: 2048, r: 64, d: 64 }, "float32", "cuda", "exact", hopper).method).toBe("fused");
    expect(chooseMethod({ B: 16, H: 32, N: 2048, r: 32, d: 64 }, "bfloat16", "cuda", "exact", hopper).method).toBe("lightning");
    expect(chooseMethod({ B: 16, H: 32, N: 2048, r: 32, d: 64 }, "float32", "cuda", "tf32", { ...hopper, multiprocessors: 300 }).method).toBe("lightning");
    expect(chooseMethod({ B: 8, H: 32, N: 4096, r: 32, d: 64 }, "float32", "cuda", "tf32", hopper).method).toBe("recurrent");
    expect(chooseMethod({ B: 4, H: 32, N: 4096, r: 32, d: 64 }, "float32", "cuda", "tf32", hopper).method).toBe("lightning");
    expect(chooseMethod({ B: 8, H: 32, N: 4097, r: 32, d: 64 }, "float32", "cuda", "tf32", hopper).method).toBe("lightning");
    // (at 3.5 walks per SM or more, at any length from 1024 tokens in TF32 at r <= 32)
    expect(chooseMethod({ B: 16, H: 32, N: 8192, r: 32, d: 64 }, "float32", "cuda", "tf32", hopper).method).toBe("recurrent");
    expect(chooseMethod({ B: 16, H: 32, N: 8192, r: 64, d: 64 }, "float32", "cuda", "tf32", hopper).method).toBe("fused");
    expect(chooseMethod({ B: 16, H: 32, N: 8192, r: 32, d: 64 }, "float32", "cuda", "exact", hopper).method).not.toBe("recurrent");
    expect(chooseMethod({ B: 16, H: 32, N: 16384, r: 32, d: 64 }, "float32", "cuda", "tf32", hopper).method).toBe("recurrent");
    expect(chooseMethod({ B: 8, H: 32, N: 16384, r: 32, d: 64 }, "float32", "cuda", "tf32", hopper).method).toBe("fused");
    expect(chooseMethod({ B: 16, H: 32, N: 1023, r: 32, d: 64 }, "float32", "cuda", "tf32", hopper).method).toBe("lightning");
    expect(chooseMethod({ B: 16, H: 32, N: 2048, r: 32, d: 128 }, "float32", "cuda", "tf32", hopper).method).not.toBe("recurrent");
    // a decoding step: the token recurrence, whatever the dtype
    for (const [dtype, precision] of [["bfloat16", "exact"], ["float32", "tf32"], ["float32", "exact"]] as const) {
      const step = chooseMethod({ B: 64, H: 32, N: 1, r: 128, d: 128 }, dtype, "cuda", precision, hopper);
      expect(step.method).toBe("recurrent");
      expect(step.reason).toMatch(/N = 1 .*few tokens/);
    }
    // other GPUs: not measured against the other methods; exact float32 keeps the recurrence
    expect(chooseMethod({ B: 1, H: 32, N: 16384, r: 64, d: 64 }, "float16", "cuda", "exact", { computeCapability: "8.0" }).method).toBe("fused");
    expect(chooseMethod({ B: 1, H: 32, N: 16384, r: 128, d: 128 }, "float32", "cuda", "exact", { computeCapability: "8.0" }).method).toBe("recurrent");
  });
});

describe.skipIf(!info().backends.cuda.available)("precision on CUDA", () => {
  for (const method of ["vanilla", "blocked", "recursive", "lightning", "fused"]) {
    it(`${method}: tf32 stays within 2e-3, exact within 1e-5`, async () => {
      const fast = await decayAttention(q, k, v, { decay, method, backend: "cuda", precision: "tf32" });
      const exact = await decayAttention(q, k, v, { decay, method, backend: "cuda", precision: "exact" });
      expect(relativeError(fast.toArray(), ref.output)).toBeLessThan(2e-3);
      expect(relativeError(exact.toArray(), ref.output)).toBeLessThan(1e-5);
    });
  }
});

describe.skipIf(!info().backends.cuda.available)("fused on its Hopper paths (r = 128, d = 128)", () => {
  const B = 2, H = 2, N = 700, r = 128, d = 128;
  const s0 = Tensor.randn([B, H, r, d], { seed: 44, std: 0.1 });
  for (const [dtype, precision, tol] of [
    ["float16", "exact", 2e-3],
    ["bfloat16", "exact", 1e-2],
    ["float32", "tf32", 2e-3],
    ["float32", "exact", 1e-5],
  ] as const) {
    it(`${dtype} ${precision}: output and final state match the reference`, async () => {
      const qh = Tensor.randn([B, H, N, r], { dtype, seed: 41 });
      const kh = Tensor.randn([B, H, N, r], { dtype, seed: 42, std: 1 / Math.sqrt(r) });
      const vh = Tensor.randn([B, H, N, d], { dtype, seed: 43 });
      const want = referenceAttention(qh, kh, vh, { decay, initialState: s0 });
      const got = await decayAttention(qh, kh, vh, { decay, method: "fused", backend: "cuda", precision, initialState: s0, returnState: true });
      expect(relativeError(got.output.toArray(), want.output)).toBeLessThan(tol);
      expect(relativeError(got.state.toArray(), want.state)).toBeLessThan(Math.max(tol, 1e-5));
    });
  }
  // tf32: the kernels round what they compute in registers (the state, decayed keys and
  // scores) by a product with 8193, so their range ends near 4e34 (README): keys and state
  // near 1e30 and queries near 1e-30 stay well inside it
  it("float32 tf32 with keys and state near 1e30, queries near 1e-30: output and final state match the reference", async () => {
    const qh = Tensor.randn([B, H, N, r], { dtype: "float32", seed: 45, std: 1e-30 });
    const kh = Tensor.randn([B, H, N, r], { dtype: "float32", seed: 46, std: 1e30 / Math.sqrt(r) });
    const vh = Tensor.randn([B, H, N, d], { dtype: "float32", seed: 47 });
    const big = Tensor.randn([B, H, r, d], { seed: 48, std: 1e29 });
    const want = referenceAttention(qh, kh, vh, { decay, initialState: big });
    const got = await decayAttention(qh, kh, vh, { decay, method: "fused", backend: "cuda", precision: "tf32", initialState: big, returnState: true });
    expect(relativeError(got.output.toArray(), want.output)).toBeLessThan(2e-3);
    expect(relativeError(got.state.toArray(), want.state)).toBeLessThan(2e-3);
  });
});
