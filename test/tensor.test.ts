// Tensors: dtypes, round-to-nearest-even conversions, seeded random values.
import { describe, expect, it } from "vitest";
import { fromBfloat16Bits, fromFloat16Bits, Tensor, toBfloat16Bits, toFloat16Bits } from "../src";

describe("16-bit conversions", () => {
  it("round float16 to nearest, ties to even", () => {
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(65520)).toBe(0x7c00); // rounds up to infinity
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie, even stays
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie, odd rounds up
    expect(toFloat16Bits(1 + 2 ** -11 + 2 ** -30)).toBe(0x3c01); // just above the tie
    expect(toFloat16Bits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(toFloat16Bits(2 ** -25)).toBe(0x0000); // tie to even (zero)
    expect(toFloat16Bits(3 * 2 ** -25)).toBe(0x0002);
    expect(toFloat16Bits(NaN) & 0x7c00).toBe(0x7c00);
    expect(fromFloat16Bits(0x3555)).toBeCloseTo(0.333251953125, 12);
  });
  it("round bfloat16 to nearest, ties to even", () => {
    expect(toBfloat16Bits(1)).toBe(0x3f80);
    expect(toBfloat16Bits(1 + 2 ** -8)).toBe(0x3f80); // tie, even stays
    expect(toBfloat16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82); // tie, odd rounds up
    expect(toBfloat16Bits(-3.140625)).toBe(0xc049);
    expect(fromBfloat16Bits(0x4049)).toBe(3.140625);
  });
  it("round-trips every 16-bit pattern", () => {
    for (let h = 0; h < 65536; h++) {
      const f = fromFloat16Bits(h);
      if (!Number.isNaN(f)) expect(toFloat16Bits(f)).toBe(h);
      const b = fromBfloat16Bits(h);
      if (!Number.isNaN(b)) expect(toBfloat16Bits(b)).toBe(h);
    }
  });
  it("converts float32 arrays exactly like single values", () => {
    const vals = Tensor.randn([4096], { seed: 5, std: 3 }).toArray();
    for (const dtype of ["float16", "bfloat16"] as const) {
      const t = Tensor.from(vals, [4096], dtype);
      const enc = dtype === "float16" ? toFloat16Bits : toBfloat16Bits;
      const bits = t.data as Uint16Array;
      for (let i = 0; i < vals.length; i++) expect(bits[i]).toBe(enc(vals[i]));
    }
  });
});

describe("Tensor", () => {
  it("is reproducible from a seed and not all zeros", () => {
    const a = Tensor.randn([3, 5], { seed: 7 }).toArray();
    const b = Tensor.randn([3, 5], { seed: 7 }).toArray();
    const c = Tensor.randn([3, 5], { seed: 8 }).toArray();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    expect(a.some((x) => x !== 0)).toBe(true);
  });
  it("has roughly unit variance", () => {
    const a = Array.from(Tensor.randn([20000], { seed: 3 }).toArray());
    const mean = a.reduce((s, x) => s + x, 0) / a.length;
    const varr = a.reduce((s, x) => s + (x - mean) ** 2, 0) / a.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(varr - 1)).toBeLessThan(0.05);
  });
  it("gives Float64Array for float64 and Float32Array otherwise", () => {
    expect(Tensor.from([1, 2], [2], "float64").toArray()).toBeInstanceOf(Float64Array);
    expect(Tensor.from([1, 2], [2], "bfloat16").toArray()).toBeInstanceOf(Float32Array);
    expect(Tensor.from(new Float32Array([1.5, 2]), [2]).dtype).toBe("float32");
  });
  it("rounds numbers given for a half dtype", () => {
    const t = Tensor.from([1 + 2 ** -9], [1], "bfloat16");
    expect(t.toArray()[0]).toBe(1);
  });
});
