// registerMethod: a TypeScript method joins decayAttention, check, sweeps and plots like
// a built-in one; bad registrations and wrong outputs give clear errors.
import { afterEach, describe, expect, it } from "vitest";
import { checkMethods, decayAttention, getMethod, methodIds, methods, referenceAttention, registerMethod, Tensor, unregisterMethod, type MethodRun } from "../src";
import { relativeError } from "./support/compare";

// A plain recurrent form in float64: S ← γS + kᵀv, o = scale · q S.
const recurrentTS: MethodRun = (q, k, v, ctx) => {
  const { B, H, N, r, d } = ctx.shape;
  const Q = q.toArray(), K = k.toArray(), V = v.toArray();
  const out = new Float64Array(B * H * N * d);
  const S = new Float64Array(r * d);
  for (let bh = 0; bh < B * H; bh++) {
    const g = ctx.decay[bh % H];
    S.fill(0);
    for (let i = 0; i < N; i++) {
      const row = bh * N + i;
      for (let x = 0; x < r; x++) {
        const kx = K[row * r + x];
        for (let y = 0; y < d; y++) S[x * d + y] = g * S[x * d + y] + kx * V[row * d + y];
      }
      for (let y = 0; y < d; y++) {
        let acc = 0;
        for (let x = 0; x < r; x++) acc += Q[row * r + x] * S[x * d + y];
        out[row * d + y] = ctx.scale * acc;
      }
    }
  }
  return Tensor.from(out, [B, H, N, d], ctx.dtype);
};

const complexity = {
  flops: (s: { B: number; H: number; N: number; r: number; d: number }) => s.B * s.H * 4 * s.N * s.r * s.d,
  bytes: (s: { B: number; H: number; N: number; r: number; d: number }) => s.B * s.H * s.N * (2 * s.r + 2 * s.d) * 4,
  extraMemory: (s: { B: number; H: number; r: number; d: number }) => s.B * s.H * 8 * s.r * s.d,
  asymptotic: "O(N r d)",
};

afterEach(() => {
  for (const id of ["mine", "wrong-shape", "wrong-dtype"]) if (getMethod(id)) unregisterMethod(id);
});

describe("registerMethod", () => {
  it("adds a method that decayAttention runs and that matches the reference", async () => {
    const info = registerMethod({ id: "mine", title: "Mine (TS recurrent)", complexity, run: recurrentTS });
    expect(methodIds()).toContain("mine");
    expect(methods[methods.length - 1]).toBe(info);
    expect(info.asymptotic).toBe("O(N r d)");
    expect(info.flops({ B: 1, H: 2, N: 10, r: 3, d: 4 })).toBe(960);
    const q = Tensor.randn([2, 3, 37, 5], { seed: 1, dtype: "float64" });
    const k = Tensor.randn([2, 3, 37, 5], { seed: 2, dtype: "float64" });
    const v = Tensor.randn([2, 3, 37, 7], { seed: 3, dtype: "float64" });
    const decay = [1, 0.9, 1e-6];
    const out = await decayAttention(q, k, v, { method: "mine", backend: "cpu", decay, scale: 0.5 });
    expect(out.shape).toEqual([2, 3, 37, 7]);
    expect(relativeError(out.toArray(), referenceAttention(q, k, v, { decay, scale: 0.5 }).output)).toBeLessThan(1e-13);
  });

  it("takes part in check", async () => {
    registerMethod({ id: "mine", complexity, run: recurrentTS, dtypes: { cpu: ["float64", "float32"] } });
    const rows = await checkMethods({ backends: ["cpu"], methods: ["mine"] });
    expect(rows.map((r) => [r.dtype, r.status])).toEqual([["float64", "pass"], ["float32", "pass"]]);
  });

  it("refuses an id that exists, with the list of ids", () => {
    expect(() => registerMethod({ id: "blocked", complexity, run: recurrentTS })).toThrow(
      /Expected a new method id for method.id but received "blocked": a method with that id is already registered/,
    );
    registerMethod({ id: "mine", complexity, run: recurrentTS });
    expect(() => registerMethod({ id: "mine", complexity, run: recurrentTS })).toThrow(/already registered/);
    expect(() => registerMethod({ id: "auto", complexity, run: recurrentTS })).toThrow(/already registered/);
  });

  it("checks the definition", () => {
    expect(() => registerMethod({ id: "1x", complexity, run: recurrentTS })).toThrow(/for method.id/);
    expect(() => registerMethod({ id: "mine", complexity, run: 5 as never })).toThrow(/for method.run/);
    expect(() => registerMethod({ id: "mine", complexity: { ...complexity, flops: undefined as never }, run: recurrentTS })).toThrow(/method.complexity.flops/);
    expect(() => registerMethod({ id: "mine", complexity: { ...complexity, bytes: () => NaN }, run: recurrentTS })).toThrow(/finite number >= 0 for method.complexity.bytes/);
    expect(() => registerMethod({ id: "mine", complexity: { ...complexity, asymptotic: "" }, run: recurrentTS })).toThrow(/method.complexity.asymptotic/);
    expect(() => registerMethod({ id: "mine", complexity, run: recurrentTS, dtypes: { tpu: ["float32"] } as never })).toThrow(/method.dtypes/);
    expect(getMethod("mine")).toBeUndefined();
  });

  it("gives a clear error when run returns the wrong shape or dtype", async () => {
    registerMethod({ id: "wrong-shape", complexity, run: (q) => Tensor.full([1, 1, 1, 1], 0, q.dtype) });
    registerMethod({ id: "wrong-dtype", complexity, run: (q, k, v) => Tensor.full([...v.shape], 0, "float64") });
    const q = Tensor.randn([1, 2, 8, 4], { seed: 1 });
    const v = Tensor.randn([1, 2, 8, 3], { seed: 2 });
    await expect(decayAttention(q, q, v, { method: "wrong-shape", backend: "cpu" })).rejects.toThrow(
      'method "wrong-shape": run returned a tensor of shape [1, 1, 1, 1]; expected [B, H, N, d] = [1, 2, 8, 3]',
    );
    await expect(decayAttention(q, q, v, { method: "wrong-dtype", backend: "cpu" })).rejects.toThrow(/returned dtype float64; expected float32/);
    const rows = await checkMethods({ backends: ["cpu"], methods: ["wrong-shape"], dtypes: ["float32"] });
    expect(rows[0].status).toBe("error");
    expect(rows[0].message).toMatch(/wrong shape|shape \[1, 1, 1, 1\]/);
  });

  it("rejects dtypes and backends it did not declare, and state options", async () => {
    registerMethod({ id: "mine", complexity, run: recurrentTS });
    const q16 = Tensor.randn([1, 1, 4, 2], { dtype: "float16" });
    await expect(decayAttention(q16, q16, q16, { method: "mine", backend: "cpu" })).rejects.toThrow(/dtype float32, float64 for method "mine"/);
    const q = Tensor.randn([1, 1, 4, 2]);
    await expect(decayAttention(q, q, q, { method: "mine", backend: "cpu", returnState: true })).rejects.toThrow(/no state options for the registered method "mine"/);
  });

  it("cannot unregister a built-in method", () => {
    expect(() => unregisterMethod("vanilla")).toThrow(/built-in methods cannot be removed/);
    expect(unregisterMethod("never-registered")).toBe(false);
  });
});
