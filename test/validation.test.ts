// Bad input gets a clear error naming the argument, what was expected and what was
// received; nothing runs and the process goes on.
import { describe, expect, it } from "vitest";
import { createDecoder, decayAttention, info, Tensor } from "../src";

const q = Tensor.randn([1, 2, 5, 4], { seed: 1 });
const k = Tensor.randn([1, 2, 5, 4], { seed: 2 });
const v = Tensor.randn([1, 2, 5, 3], { seed: 3 });

async function message(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected an error");
}

describe("decayAttention arguments", () => {
  it("rejects a non-tensor", async () => {
    expect(await message(decayAttention([1, 2] as unknown as Tensor, k, v))).toBe(
      "Expected a Tensor for q but received [1, 2] (array of length 2)",
    );
  });
  it("rejects the wrong rank", async () => {
    const q3 = Tensor.randn([2, 5, 4], { seed: 1 });
    expect(await message(decayAttention(q3, k, v))).toBe("Expected a rank-4 tensor [B, H, N, r] for q but received shape [2, 5, 4] (rank 3)");
  });
  it("rejects q/k shape mismatch", async () => {
    const k2 = Tensor.randn([1, 2, 5, 6], { seed: 2 });
    expect(await message(decayAttention(q, k2, v))).toBe("Expected shape [1, 2, 5, 4] (the shape of q) for k but received shape [1, 2, 5, 6]");
  });
  it("rejects v not matching B, H, N", async () => {
    const v2 = Tensor.randn([1, 2, 6, 3], { seed: 3 });
    expect(await message(decayAttention(q, k, v2))).toBe("Expected shape [1, 2, 5, d] (B, H, N of q) for v but received shape [1, 2, 6, 3]");
  });
  it("rejects dtypes that differ", async () => {
    const k16 = Tensor.randn([1, 2, 5, 4], { seed: 2, dtype: "float16" });
    expect(await message(decayAttention(q, k16, v))).toBe("Expected dtype float32 (the dtype of q) for k but received dtype float16");
  });
  it("rejects a decay list of the wrong length", async () => {
    expect(await message(decayAttention(q, k, v, { decay: [0.9, 0.8, 0.7] }))).toBe(
      "Expected a number in (0, 1] or an array of 1 or H = 2 such numbers for decay but received [0.9, 0.8, 0.7] (array of length 3)",
    );
  });
  it("rejects decay outside (0, 1]", async () => {
    expect(await message(decayAttention(q, k, v, { decay: 1.5 }))).toBe(
      "Expected a number in (0, 1] or an array of 1 or H = 2 such numbers for decay but received 1.5 of type number",
    );
    expect(await message(decayAttention(q, k, v, { decay: [0.5, 0] }))).toBe(
      "Expected a number in (0, 1] or an array of 1 or H = 2 such numbers for decay but received 0 of type number (element 1)",
    );
  });
  it("rejects negative, NaN and infinite decay rates", async () => {
    for (const bad of [-0.1, NaN, Infinity]) {
      expect(await message(decayAttention(q, k, v, { decayRate: bad }))).toBe(
        `Expected a finite number >= 0 or an array of 1 or H = 2 such numbers for decayRate but received ${bad} of type number`,
      );
    }
  });
  it("rejects both decay and decayRate", async () => {
    expect(await message(decayAttention(q, k, v, { decay: 0.9, decayRate: 0.1 }))).toBe(
      "Expected only one of decay and decayRate but received both (decay: 0.9 of type number, decayRate: 0.1 of type number)",
    );
  });
  it("rejects an unknown method and lists the valid ones", async () => {
    expect(await message(decayAttention(q, k, v, { method: "flash" }))).toBe(
      'Expected one of auto, vanilla, recurrent, blocked, recursive, fleet, lightning, fused for method but received "flash" of type string',
    );
  });
  it("rejects an unknown backend", async () => {
    expect(await message(decayAttention(q, k, v, { backend: "tpu" as "cpu" }))).toBe(
      'Expected one of auto, cpu, cuda for backend but received "tpu" of type string',
    );
  });
  it.skipIf(info().backends.cuda.available)("says why cuda is not usable", async () => {
    const msg = await message(decayAttention(q, k, v, { backend: "cuda" }));
    expect(msg).toMatch(/^Expected a usable backend for backend but received "cuda": CUDA is not available \(.+\)$/);
    expect(msg).toContain(info().backends.cuda.reason!);
  });
  it("rejects a bad scale, chunk and threads", async () => {
    expect(await message(decayAttention(q, k, v, { scale: NaN }))).toBe("Expected a finite number for scale but received NaN of type number");
    expect(await message(decayAttention(q, k, v, { chunk: 0 }))).toBe("Expected an integer between 1 and 4096 for chunk but received 0 of type number");
    expect(await message(decayAttention(q, k, v, { threads: 1.5 }))).toBe("Expected an integer between 1 and 1024 for threads but received 1.5 of type number");
  });
  it("rejects a disposed tensor", async () => {
    const t = Tensor.randn([1, 2, 5, 4], { seed: 9 });
    t.dispose();
    expect(await message(decayAttention(t, k, v))).toBe("Expected a live Tensor for q but received a disposed tensor");
  });
  it("keeps working after errors", async () => {
    const out = await decayAttention(q, k, v, { decay: 0.9, backend: "cpu" });
    expect(out.shape).toEqual([1, 2, 5, 3]);
  });
});

describe("Tensor arguments", () => {
  it("rejects data of the wrong length", async () => {
    expect(await message(() => Tensor.from([1, 2, 3], [2, 2]))).toBe("Expected 4 values (the product of shape [2, 2]) for values but received 3 values");
  });
  it("rejects zero and non-integer dimensions", async () => {
    expect(await message(() => Tensor.from([], [2, 0]))).toBe("Expected a non-empty array of positive integers for shape but received [2, 0] (array of length 2)");
    expect(await message(() => Tensor.randn([1.5, 2]))).toBe("Expected a non-empty array of positive integers for shape but received [1.5, 2] (array of length 2)");
  });
  it("rejects an unknown dtype", async () => {
    expect(await message(() => Tensor.from([1], [1], "int8" as "float32"))).toBe(
      'Expected one of float32, float64, float16, bfloat16 for dtype but received "int8" of type string',
    );
  });
  it("rejects reading a disposed tensor", async () => {
    const t = Tensor.randn([2], { seed: 1 });
    t.dispose();
    expect(await message(() => t.toArray())).toBe("Tensor.data: the tensor was disposed");
  });
});

describe("state, packed sequences and decoder arguments", () => {
  it("rejects an initial state of the wrong shape or dtype", async () => {
    const bad = Tensor.randn([1, 2, 4, 4], { seed: 1 });
    expect(await message(decayAttention(q, k, v, { initialState: bad }))).toBe(
      "Expected shape [1, 2, 4, 3] ([S, H, r, d], S = B) for initialState but received shape [1, 2, 4, 4]",
    );
    const half = Tensor.randn([1, 2, 4, 3], { seed: 1, dtype: "float16" });
    expect(await message(decayAttention(q, k, v, { initialState: half }))).toBe("Expected dtype float32 for initialState but received dtype float16");
  });
  it("rejects offsets that are not increasing or do not end at N", async () => {
    const expected = "Expected strictly increasing integer offsets starting at 0 and ending at N = 5 for cuSeqlens but received";
    expect(await message(decayAttention(q, k, v, { cuSeqlens: [0, 3, 2, 5] }))).toBe(`${expected} [0, 3, 2, 5] (array of length 4)`);
    expect(await message(decayAttention(q, k, v, { cuSeqlens: [0, 3] }))).toBe(`${expected} [0, 3] (array of length 2)`);
  });
  it("rejects packed sequences on a method without them", async () => {
    expect(await message(decayAttention(q, k, v, { cuSeqlens: [0, 2, 5], method: "fleet", backend: "cuda" }))).toMatch(/for (cuSeqlens|backend) but received/);
  });
  it("rejects a step with more than one position, a bad state, and a disposed decoder", async () => {
    const dec = createDecoder({ batch: 1, heads: 2, keyDim: 4, valueDim: 3, decay: 0.9, backend: "cpu" });
    expect(await message(dec.step(q, k, v))).toBe("Expected one position per sequence (N = 1) for step for q but received shape [1, 2, 5, 4]");
    expect(await message(() => (dec.state = Tensor.randn([1, 2, 4, 4], { seed: 1 })))).toBe(
      "Expected shape [1, 2, 4, 3] for state but received shape [1, 2, 4, 4]",
    );
    expect(await message(() => (dec.state = Tensor.randn([1, 2, 4, 3], { seed: 1, dtype: "float64" })))).toBe(
      "Expected dtype float32 for state but received dtype float64",
    );
    dec.dispose();
    expect(await message(() => dec.prefill(q, k, v))).toBe("Decoder.prefill: the decoder was disposed");
  });
  it("rejects decoder inputs whose batch or heads differ", async () => {
    const dec = createDecoder({ batch: 2, heads: 2, keyDim: 4, valueDim: 3, backend: "cpu" });
    expect(await message(dec.prefill(q, k, v))).toBe("Expected a tensor with B = 2, H = 2 (the decoder's) for q but received shape [1, 2, 5, 4]");
    dec.dispose();
  });
});
