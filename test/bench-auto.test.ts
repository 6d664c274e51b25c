// bench-auto on the CPU: every method timed per case, auto's pick and the fastest named,
// errors against float64 beside the times, JSON written; without a GPU the GPU benchmarks
// say why. (The CUDA grids run in scripts/gpu-check.sh auto.)
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { chooseMethod, info, methods } from "../src";
import { cudaAutoHoldoutCases, cudaAutoVarlenCases, runAutoBench, type AutoCase } from "../src/bench/auto";
import { runDecodeBench } from "../src/bench/decode";
import { runGpuBench } from "../src/bench/gpu";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "leet-bench-auto-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("bench-auto (CPU)", () => {
  const cases: AutoCase[] = [
    { dtype: "float32", precision: "exact", B: 1, H: 2, N: 300, r: 16, d: 24 },
    { dtype: "float64", precision: "exact", B: 2, H: 1, N: 20, r: 8, d: 8 },
    { dtype: "float32", precision: "exact", B: 1, H: 2, N: 200, r: 16, d: 16, packed: [70, 1, 129] },
  ];

  it("times every method, names auto's pick and the fastest, and writes auto.json", async () => {
    const out = path.join(tmp, "run");
    const rows = await runAutoBench({ backend: "cpu", cases, out, quiet: true, reps: 3 });
    expect(rows.length).toBe(cases.length);
    for (const [i, row] of rows.entries()) {
      const c = cases[i];
      const want = methods.filter((m) => m.native !== undefined && m.dtypes.cpu?.includes(c.dtype) && (!c.packed || m.varlen.includes("cpu"))).map((m) => m.id);
      expect(row.times.map((t) => t.method)).toEqual(want);
      expect(row.auto).toBe(chooseMethod({ B: c.B, H: c.H, N: c.N, r: c.r, d: c.d }, c.dtype, "cpu", c.precision, { packed: !!c.packed }).method);
      expect(row.reason.length).toBeGreaterThan(10);
      const timed = row.times.filter((t) => Number.isFinite(t.ms));
      expect(timed.length).toBe(want.length);
      const fastest = timed.reduce((a, b) => (b.ms < a.ms ? b : a));
      expect(row.fastest).toBe(fastest.method);
      expect(row.ratio).toBeCloseTo(row.times.find((t) => t.method === row.auto)!.ms / fastest.ms, 12);
      expect(row.ratio).toBeGreaterThanOrEqual(1);
      // the sampled error is each method's real error against float64 (never 0 on random inputs)
      for (const t of row.times) {
        expect(t.error, `${t.method}`).toBeGreaterThan(0);
        expect(t.error, `${t.method}`).toBeLessThan(c.dtype === "float64" ? 1e-12 : 1e-5);
      }
    }
    const saved = JSON.parse(fs.readFileSync(path.join(out, "auto.json"), "utf8"));
    expect(saved.backend).toBe("cpu");
    expect(saved.rows.map((x: { auto: string; fastest: string }) => [x.auto, x.fastest])).toEqual(rows.map((x) => [x.auto, x.fastest]));
  });

  it("skips a method predicted or measured slower than slowMs, saying which", async () => {
    // 5 µs: no call through the worker thread is that fast; the quadratic vanilla is
    // predicted over 10 × 5 µs from its FLOPs and not called at all
    const rows = await runAutoBench({ backend: "cpu", cases: [cases[0]], out: path.join(tmp, "slow"), quiet: true, slowMs: 0.005, reps: 2 });
    for (const t of rows[0].times) {
      expect(t.skipped, t.method).toMatch(/^(predicted [\d.e-]+ ms from its FLOPs|one call took [\d.e-]+ ms > 0.005)$/);
      expect(t.ms).toBeNaN();
    }
    expect(rows[0].times.find((t) => t.method === "vanilla")!.skipped).toMatch(/^predicted/);
    expect(rows[0].times.find((t) => t.method === "recurrent")!.skipped).toMatch(/^one call took/);
    expect(rows[0].times.find((t) => t.method === "vanilla")!.error).toBeNaN();
    expect(rows[0].times.find((t) => t.method === "recurrent")!.error).toBeLessThan(1e-5);
    expect(rows[0].ratio).toBeNaN();
  });
});

describe("the varlen grid", () => {
  it("packs many sequences of at least one token, the same on every call", () => {
    const cases = cudaAutoVarlenCases();
    expect(cases.length).toBe(48);
    for (const c of cases) {
      expect(c.B).toBe(1);
      expect(c.packed!.reduce((a, b) => a + b, 0)).toBe(c.N);
      expect(Math.min(...c.packed!)).toBeGreaterThanOrEqual(1);
      expect(c.packed!.length).toBeGreaterThanOrEqual(40);
    }
    expect(cudaAutoVarlenCases()).toEqual(cases);
    // the random packs are not constant
    expect(new Set(cases[6].packed).size).toBeGreaterThan(50);
    expect(new Set(cases[8].packed).size).toBeGreaterThan(50);
  });
});

describe("the holdout grid", () => {
  it("puts cases on both sides of every bound the newer Hopper rules draw", () => {
    const cases = cudaAutoHoldoutCases();
    expect(cases.length).toBe(55);
    expect(cudaAutoHoldoutCases()).toEqual(cases);
    const hopper = { computeCapability: "9.0", multiprocessors: 132 };
    const picks = cases.map((c) => chooseMethod({ B: c.B, H: c.H, N: c.N, r: c.r, d: c.d }, c.dtype, "cuda", c.precision, {
      ...hopper,
      packed: !!c.packed,
      sequences: c.packed ? c.packed.length : c.B,
      longestSequence: c.packed ? Math.max(...c.packed) : c.N,
    }));
    for (const c of cases) {
      if (c.packed) expect(c.packed.reduce((a, b) => a + b, 0)).toBe(c.N);
    }
    // each rule is taken by some cases and left by others
    const count = (re: RegExp) => picks.filter((p) => re.test(p.reason)).length;
    expect(count(/many short packed sequences/)).toBe(3);
    expect(count(/many walks of a few thousand tokens/)).toBe(15);
    expect(count(/8500 tokens or more/)).toBe(8);
    expect(count(/among short ones/)).toBe(5);
    expect(picks.map((p) => p.method)).toEqual([
      "recurrent", "recurrent", "lightning", "lightning", "lightning",
      "recurrent", "recurrent", "recurrent", "recurrent", "recurrent", "recurrent", "recurrent", "lightning", "recurrent",
      "lightning", "fused", "fused", "fused", "fused", "fused", "fused", "fused",
      "fused", "fused", "fused", "fused", "fused", "recurrent", "recurrent", "recurrent",
      "fused", "fused", "fused", "recurrent", "recurrent", "fused", "fused", "recurrent", "lightning", "fused", "fused",
      "fused", "fused", "lightning", "fused", "fused", "recurrent", "recurrent",
      "fused", "lightning", "fused", "fused", "fused", "lightning", "fused",
    ]);
  });
});

describe.skipIf(info().backends.cuda.available)("the GPU benchmarks without a usable GPU", () => {
  it("reject with the library's message, before touching device memory", async () => {
    const msg = /^Expected a usable backend for backend but received "cuda": CUDA is not available \(.+\)$/;
    await expect(runAutoBench({ backend: "cuda", quiet: true, out: path.join(tmp, "none") })).rejects.toThrow(msg);
    await expect(runGpuBench({ out: path.join(tmp, "none") })).rejects.toThrow(msg);
    await expect(runDecodeBench(path.join(tmp, "none"))).rejects.toThrow(msg);
  });
});

// The CLI from dist/ (built by npm install / npm ci); skipped when dist is older than the sources.
const cli = path.resolve(__dirname, "..", "dist", "cli.js");
const distFresh = fs.existsSync(cli) && ["cli.ts", "bench/auto.ts"].every((f) => fs.statSync(path.resolve(__dirname, "..", "src", f)).mtimeMs <= fs.statSync(cli.replace("cli.js", f.replace(".ts", ".js"))).mtimeMs);

describe.skipIf(!distFresh)("leet-decoding bench-auto", () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 120_000 });
  it("rejects a bad grid or backend with the usage", () => {
    const bad: Array<[string[], RegExp]> = [
      [["bench-auto", "--grid", "nope"], /--grid expects main, check, varlen or holdout, got "nope"/],
      [["bench-auto", "--backend", "cpu", "--grid", "varlen"], /--grid varlen is a CUDA grid/],
      [["bench-auto", "--backend", "cpu", "--grid", "check"], /--grid check is a CUDA grid/],
      [["bench-auto", "--backend", "tpu"], /--backend expects cpu or cuda, got "tpu"/],
    ];
    for (const [args, msg] of bad) {
      const r = run(...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr).toMatch(/usage: leet-decoding <command>/);
    }
  });
});
