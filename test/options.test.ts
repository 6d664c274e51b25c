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
  it("takes fused for exact float32 on CUDA only where its float64 tensor-core kernels run and measured faster", () => {
    const shape = { B: 1, H: 32, N: 65536, r: 128, d: 256 };
    const hopper = { computeCapability: "9.0" };
    expect(chooseMethod(shape, "float32", "cuda", "exact", hopper).method).toBe("fused");
    expect(chooseMethod(shape, "float32", "cuda", "exact", hopper).reason).toMatch(/float64/);
    expect(chooseMethod(shape, "float32", "cuda", "exact", { computeCapability: "8.0" }).method).toBe("recurrent");
    const packed = chooseMethod(shape, "float32", "cuda", "exact", { ...hopper, packed: true });
    expect(packed.method).toBe("recurrent");
    expect(packed.reason).toMatch(/not timed/);
    expect(chooseMethod(shape, "float32", "cuda", "exact").method).toBe("recurrent");
    // other r and d: every shape at B·H <= 32; at larger B·H only r >= 64
    for (const [r, d] of [[32, 32], [64, 128], [17, 40], [256, 256]]) {
      expect(chooseMethod({ ...shape, r, d }, "float32", "cuda", "exact", hopper).method).toBe("fused");
    }
    const big = { B: 8, H: 32, N: 8192 };
    for (const [r, d] of [[128, 128], [64, 64], [64, 128], [256, 96]]) {
      expect(chooseMethod({ ...big, r, d }, "float32", "cuda", "exact", hopper).method).toBe("fused");
    }
    const slower = chooseMethod({ ...big, r: 32, d: 128 }, "float32", "cuda", "exact", hopper);
    expect(slower.method).toBe("recurrent");
    expect(slower.reason).toMatch(/measured faster/);
    expect(chooseMethod({ ...big, r: 32, d: 32 }, "float32", "cuda", "exact", hopper).method).toBe("recurrent");
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
});
