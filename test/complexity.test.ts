// Complexity helpers: models from the registry (checked against counted operations),
// the power-law fit, the roofline and the crossover.
import { describe, expect, it } from "vitest";
import { complexity, complexityTable, crossover, fitScaling, formatExponent, getMethod, methods, roofline, Tensor } from "../src";
import { cpuPeak, gpuPeak } from "../src/complexity";
import { countedBlocked, countedRecurrent, countedRecursive, countedVanilla, type Counted, type Problem } from "./support/counted";
import { FAKE_DEVICE, syntheticResults } from "./support/synthetic";

describe("complexity models", () => {
  it("reads every method's formulas from the registry", () => {
    const shape = { B: 2, H: 3, N: 1000, r: 32, d: 48, chunk: 64 };
    for (const row of complexityTable(shape, "float16")) {
      const m = getMethod(row.method)!;
      expect(row.flops).toBe(m.flops(shape));
      expect(row.bytes).toBe(m.bytes(shape, "float16"));
      expect(row.extraMemory).toBe(m.extraMemory(shape, "float16"));
      expect(row.asymptotic).toBe(m.asymptotic);
      expect(row.intensity).toBeCloseTo(row.flops / row.bytes);
    }
    expect(complexityTable(shape).map((x) => x.method)).toEqual(methods.map((m) => m.id));
    expect(complexity("vanilla", shape).asymptotic).toBe("O(N² (r+d))");
    expect(complexity("recurrent", shape).asymptotic).toBe("O(N r d)");
  });

  const counters: Record<string, (p: Problem) => Counted> = {
    vanilla: countedVanilla,
    recurrent: countedRecurrent,
    blocked: countedBlocked,
    recursive: countedRecursive,
  };
  for (const [id, count] of Object.entries(counters)) {
    it(`${id}: complexity() FLOPs equal an instrumented run's count (N=77, r=5, d=6, C=16)`, () => {
      const [N, r, d, chunk] = [77, 5, 6, 16];
      const arr = (n: number, seed: number) => Tensor.randn([n], { dtype: "float64", seed }).toArray() as Float64Array;
      const counted = count({ Q: arr(N * r, 1), K: arr(N * r, 2), V: arr(N * d, 3), N, r, d, s: 0.1, chunk });
      expect(complexity(id, { B: 1, H: 1, N, r, d, chunk }).flops).toBe(counted.flops);
    });
  }

  it("names the argument on bad input", () => {
    expect(() => complexity("nope", { B: 1, H: 1, N: 8, r: 4, d: 4 })).toThrow(/for method but received "nope"/);
    expect(() => complexity("vanilla", { B: 1, H: 1, N: 0, r: 4, d: 4 })).toThrow(/shape\.N/);
  });
});

describe("fitScaling", () => {
  const Ns = [256, 512, 1024, 2048, 4096, 8192];
  it("recovers exact power laws with zero uncertainty", () => {
    for (const p of [1, 1.5, 2]) {
      const f = fitScaling(Ns, Ns.map((n) => 3e-6 * n ** p));
      expect(f.exponent).toBeCloseTo(p, 10);
      expect(f.stderr).toBeLessThan(1e-9);
      expect(f.prefactor).toBeCloseTo(3e-6, 12);
      expect(f.r2).toBeCloseTo(1, 10);
    }
  });
  it("gives an uncertainty that covers the true exponent on noisy data", () => {
    let seed = 3;
    const noise = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return 1 + 0.1 * (seed / 2 ** 31 - 0.5);
    };
    const f = fitScaling(Ns, Ns.map((n) => n ** 1.3 * noise()));
    expect(f.stderr).toBeGreaterThan(0);
    expect(f.ci95[0]).toBeLessThan(1.3);
    expect(f.ci95[1]).toBeGreaterThan(1.3);
    expect(Math.abs(f.exponent - 1.3)).toBeLessThan(0.05);
  });
  it("tells N, N log N and N² apart", () => {
    const nlogn = fitScaling(Ns, Ns.map((n) => n * Math.log2(n)));
    expect(nlogn.bestShape).toBe("N log N");
    expect(nlogn.nLogN.consistent).toBe(true);
    expect(nlogn.nLogN.exponent).toBeCloseTo(1, 10);
    expect(nlogn.exponent).toBeGreaterThan(1.05); // a plain power law reads N log N as N^1.1–1.2
    const linear = fitScaling(Ns, Ns.map((n) => 5 * n));
    expect(linear.bestShape).toBe("N");
    expect(linear.nLogN.consistent).toBe(false);
    expect(fitScaling(Ns, Ns.map((n) => n * n)).bestShape).toBe("N²");
  });
  it("works with two points (no uncertainty) and formats the exponent", () => {
    const f = fitScaling([100, 200], [1, 4]);
    expect(f.exponent).toBeCloseTo(2, 12);
    expect(Number.isNaN(f.stderr)).toBe(true);
    expect(formatExponent(f)).toBe("N^2.00");
    expect(formatExponent({ exponent: 1.017, stderr: 0.031 })).toBe("N^1.02 ± 0.03");
  });
  it("rejects bad input with messages naming the argument", () => {
    expect(() => fitScaling([100], [1])).toThrow(/at least 2 lengths for lengths/);
    expect(() => fitScaling([100, 200], [1])).toThrow(/for times/);
    expect(() => fitScaling([100, 200], [1, -1])).toThrow(/finite times > 0 for times/);
    expect(() => fitScaling([100, 100], [1, 2])).toThrow(/2 distinct lengths/);
  });
});

describe("roofline", () => {
  const roof = roofline(FAKE_DEVICE);
  it("floor = max(bytes / bandwidth, flops / peak)", () => {
    for (const id of ["vanilla", "recurrent", "blocked", "fleet"]) {
      const shape = { B: 1, H: 4, N: 2048, r: 64, d: 64 };
      const f = roof.floor(id, shape, "float32");
      const m = getMethod(id)!;
      expect(f.flops).toBe(m.flops(shape));
      expect(f.bytes).toBe(m.bytes(shape, "float32"));
      expect(f.memorySeconds).toBeCloseTo(f.bytes / 10e9, 15);
      expect(f.computeSeconds).toBeCloseTo(f.flops / 100e9, 15);
      expect(f.seconds).toBe(Math.max(f.memorySeconds, f.computeSeconds));
      expect(f.bound).toBe(f.memorySeconds >= f.computeSeconds ? "memory" : "compute");
    }
    expect(roof.ridge("float32")).toBeCloseTo(10);
    expect(roof.attainable(1)).toBeCloseTo(10e9);
    expect(roof.attainable(1000)).toBeCloseTo(100e9);
  });
  it("looks GPUs up in the documented table and estimates unknown ones", () => {
    expect(gpuPeak("NVIDIA H100 80GB HBM3").peakFlops.bfloat16).toBeCloseTo(989e12, -9);
    expect(gpuPeak("NVIDIA H100 PCIe").peakFlops.float32).toBeCloseTo(51.2e12, -9);
    expect(gpuPeak("NVIDIA A100-SXM4-40GB").peakFlops.float16).toBeCloseTo(312e12, -9);
    const unknown = gpuPeak("Some Future GPU", 100);
    expect(unknown.source).toMatch(/estimate/);
    expect(unknown.peakFlops.float32).toBeCloseTo(100 * 128 * 2 * 1.5e9);
  });
  it("computes a CPU peak from threads, clock and SIMD width", () => {
    const p = cpuPeak(2, "avx2+fma", 3e9);
    expect(p.peakFlops.float32).toBe(2 * 3e9 * 32);
    expect(p.peakFlops.float64).toBe(3e9 * 32);
    expect(cpuPeak(1, "scalar", 1e9).peakFlops.float32).toBe(2e9);
  });
  it("rejects something that is not a device profile", () => {
    expect(() => roofline({} as never)).toThrow(/DeviceProfile/);
  });
});

describe("crossover", () => {
  const shape = { B: 1, H: 1, r: 64, d: 64, chunk: 64 };
  it("predicts where blocked overtakes vanilla from FLOPs, and the exact switch point", () => {
    const c = crossover("vanilla", "blocked", shape);
    expect(c.predicted).not.toBeNull();
    const v = getMethod("vanilla")!;
    const b = getMethod("blocked")!;
    const N = c.predicted!;
    expect(b.flops({ ...shape, N })).toBeLessThan(v.flops({ ...shape, N }));
    expect(b.flops({ ...shape, N: N - 1 })).toBeGreaterThanOrEqual(v.flops({ ...shape, N: N - 1 }));
    expect(c.predictedReason).toMatch(/FLOP counts/);
  });
  it("uses the roofline when a device is given", () => {
    const c = crossover("vanilla", "recurrent", shape, { device: FAKE_DEVICE });
    expect(c.predictedReason).toMatch(/roofline floors on test CPU/);
    const roof = roofline(FAKE_DEVICE);
    const N = c.predicted!;
    expect(roof.floor("recurrent", { ...shape, N }).seconds).toBeLessThan(roof.floor("vanilla", { ...shape, N }).seconds);
  });
  it("says so when b never gets ahead", () => {
    const c = crossover("blocked", "vanilla", shape, { maxN: 1 << 16 });
    expect(c.predicted).toBeNull();
    expect(c.predictedReason).toMatch(/not faster/);
  });
  it("interpolates measured times in log-log", () => {
    const measurements = [
      { method: "vanilla", N: 256, ms: 1 },
      { method: "vanilla", N: 1024, ms: 16 },
      { method: "blocked", N: 256, ms: 4 },
      { method: "blocked", N: 1024, ms: 4 },
    ];
    const c = crossover("vanilla", "blocked", shape, { measurements });
    expect(c.measured).toBe(512); // ratio 4 → 1/4 across a factor 4 in N: equal at the geometric middle
    expect(crossover("blocked", "vanilla", shape, { measurements }).measured).toBeNull();
  });
  it("reads measurements from sweep results (matching dtype, decay and shape)", () => {
    const res = syntheticResults({ methods: ["vanilla", "blocked"], decays: [1, 0.9], dtypes: ["float32"] });
    const c = crossover("vanilla", "blocked", { B: 1, H: 2, r: 64, d: 64 }, { measurements: res, decay: 0.9, device: FAKE_DEVICE });
    // Synthetic times are 3× (vanilla) and 2× (blocked) their floors: blocked wins at every measured N.
    expect(c.measured).toBe(256);
    expect(c.measuredReason).toBe("blocked is faster than vanilla at every measured N (256 to 2048)");
    expect(c.predictedReason).toMatch(/roofline floors on test CPU/);
    const none = crossover("vanilla", "blocked", { B: 1, H: 8, r: 64, d: 64 }, { measurements: res });
    expect(none.measured).toBeNull();
    expect(none.measuredReason).toMatch(/no length was measured for both/);
  });
});
