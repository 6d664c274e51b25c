// The registry's cost formulas against operations counted by instrumented runs of each
// algorithm (whose outputs are checked against the reference first).
import { describe, expect, it } from "vitest";
import { getMethod, methods, referenceAttention, Tensor } from "../src";
import { ioElements } from "../src/methods";
import { relativeError } from "./support/compare";
import {
  countedBlocked,
  countedFleet,
  countedLightning,
  countedRecurrent,
  countedRecursive,
  countedVanilla,
  type Counted,
  type Problem,
} from "./support/counted";

const counters: Record<string, (p: Problem) => Counted> = {
  vanilla: countedVanilla,
  recurrent: countedRecurrent,
  blocked: countedBlocked,
  recursive: countedRecursive,
  fleet: countedFleet,
  lightning: countedLightning,
  fused: countedLightning,
};

const shapes = [
  { N: 1, r: 3, d: 5, chunk: 4 },
  { N: 37, r: 5, d: 7, chunk: 8 },
  { N: 64, r: 4, d: 4, chunk: 16 },
  { N: 100, r: 6, d: 3, chunk: 16 },
];

describe("registry formulas match counted operations", () => {
  for (const m of methods.filter((x) => x.native !== undefined)) {
    for (const sh of shapes) {
      it(`${m.id} N${sh.N}-r${sh.r}-d${sh.d}-C${sh.chunk}`, () => {
        const q = Tensor.randn([1, 1, sh.N, sh.r], { dtype: "float64", seed: 1 });
        const k = Tensor.randn([1, 1, sh.N, sh.r], { dtype: "float64", seed: 2 });
        const v = Tensor.randn([1, 1, sh.N, sh.d], { dtype: "float64", seed: 3 });
        const s = 0.05;
        const counted = counters[m.id]({
          Q: q.toArray() as Float64Array,
          K: k.toArray() as Float64Array,
          V: v.toArray() as Float64Array,
          N: sh.N, r: sh.r, d: sh.d, s, chunk: sh.chunk,
        });
        const ref = referenceAttention(q, k, v, { decayRate: s });
        expect(relativeError(counted.output, ref.output)).toBeLessThan(1e-12);
        const shape = { B: 1, H: 1, ...sh };
        expect(m.flops(shape)).toBe(counted.flops);
        // Bytes = inputs read once + output written once + counted intermediate traffic,
        // for the methods whose model is exactly that.
        if (["vanilla", "recurrent", "blocked", "lightning"].includes(m.id)) {
          expect(m.bytes(shape, "float32")).toBe(ioElements(shape) * 4 + counted.scratchBytes);
        }
        expect(m.bytes(shape, "float16")).toBeLessThan(m.bytes(shape, "float32"));
      });
    }
  }
  it("scales with B·H", () => {
    const m = getMethod("blocked")!;
    const a = { B: 1, H: 1, N: 1000, r: 8, d: 8 };
    expect(m.flops({ ...a, B: 2, H: 3 })).toBe(6 * m.flops(a));
    expect(m.extraMemory({ ...a, B: 2, H: 3 }, "float32")).toBe(6 * m.extraMemory(a, "float32"));
  });
});
