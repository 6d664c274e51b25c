// Real sweeps on the CPU backend: measured scaling exponents, the results schema, skips
// and failures recorded without stopping the sweep, progress, registered methods, and
// the CLI end to end (bench → results.json + report.html drawn in Chromium, report, exit 2).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fitScaling, measureDevice, registerMethod, sweep, Tensor, unregisterMethod, validateResults, type SweepProgress } from "../src";
import { resolveSweepOptions } from "../src/bench/sweep";
import { haveChromium, openReport } from "./support/browser";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "leet-sweep-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("measured scaling on the CPU", () => {
  // One thread, and each length's time is its fastest run over three sweeps: on a shared
  // 2-core machine other processes take a core for seconds at a time (which stalls a
  // two-thread kernel), and the minimum over runs spread in time is what the method
  // costs. Lengths start where the work, not the per-call overhead, dominates. The
  // sweeps' own fits (medians) are printed.
  it("vanilla grows like N², recurrent and blocked like N", async () => {
    const device = await measureDevice("cpu");
    const common = { backend: "cpu" as const, device, decays: [0.99], dtypes: ["float32" as const], threads: 1, B: 1, r: 64, d: 64, warmup: 1, reps: 9, errorSample: 16 };
    const best = new Map<string, Map<number, number>>();
    const medians: string[] = [];
    for (let round = 0; round < 3; round++) {
      for (const res of [
        await sweep({ ...common, H: 2, methods: ["vanilla"], lengths: [512, 1024, 2048, 4096] }),
        await sweep({ ...common, H: 2, methods: ["recurrent", "blocked"], lengths: [1024, 2048, 4096, 8192, 16384] }),
      ]) {
        for (const r of res.rows) {
          expect(r.status, `${r.method} N=${r.N}: ${r.reason}`).toBe("ok");
          const m = best.get(r.method) ?? new Map<number, number>();
          m.set(r.N, Math.min(m.get(r.N) ?? Infinity, r.minMs!));
          best.set(r.method, m);
        }
        if (round === 0) medians.push(...res.fits.map((f) => `${f.method} N^${f.exponent.toFixed(2)}`));
      }
    }
    const fit = (method: string) => {
      const m = best.get(method)!;
      const Ns = [...m.keys()].sort((a, b) => a - b);
      return fitScaling(Ns, Ns.map((n) => m.get(n)!));
    };
    const p = { vanilla: fit("vanilla"), recurrent: fit("recurrent"), blocked: fit("blocked") };
    console.log(`${Object.entries(p).map(([m, f]) => `${m}: N^${f.exponent.toFixed(3)} ± ${f.stderr.toFixed(3)}`).join(", ")} (first sweep's medians: ${medians.join(", ")})`);
    expect(p.vanilla.exponent).toBeGreaterThan(1.7);
    expect(p.vanilla.exponent).toBeLessThan(2.3);
    // Linear methods read 1.06–1.2 here (the inputs outgrow the caches from N = 1024 to
    // 16384, more so while other tests run): "near 1", and far from vanilla's 2.
    for (const m of ["recurrent", "blocked"] as const) {
      expect(p[m].exponent, m).toBeGreaterThan(0.8);
      expect(p[m].exponent, m).toBeLessThan(1.3);
    }
  });
});

describe("sweep", () => {
  it("writes one schema-valid row per method × length × decay × dtype, with errors and progress", async () => {
    registerMethod({
      id: "ts-zero",
      complexity: { flops: () => 1, bytes: () => 1, extraMemory: () => 0, asymptotic: "O(1)" },
      // Wrong on purpose (all zeros): its error must show up as 1.
      run: (q, k, v) => Tensor.full([...v.shape], 0, "float32"),
      dtypes: { cpu: ["float32"] },
    });
    try {
      const events: SweepProgress[] = [];
      const res = await sweep(
        { backend: "cpu", methods: ["recurrent", "blocked", "ts-zero"], lengths: [64, 128, 300], decays: [1, 1e-6], dtypes: ["float32", "float16"], H: 2, r: 16, d: 24, reps: 2, errorSample: 40 },
        { onProgress: (p) => events.push(p) },
      );
      expect(validateResults(JSON.parse(JSON.stringify(res)))).toBeTruthy();
      expect(res.rows.length).toBe(3 * 3 * 2 * 2);
      expect(events.map((e) => e.done)).toEqual(res.rows.map((_, i) => i + 1));
      expect(events.every((e) => e.total === 36)).toBe(true);
      expect(res.header.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(res.header.device.bandwidth).toBeGreaterThan(1e8);
      for (const row of res.rows) {
        if (row.method === "ts-zero") {
          if (row.dtype === "float16") {
            expect(row.status).toBe("skipped");
            expect(row.reason).toMatch(/ts-zero does not run float16 on cpu/);
          } else {
            expect(row.status).toBe("ok");
            expect(row.relError).toBeCloseTo(1, 12);
          }
          continue;
        }
        expect(row.status, JSON.stringify(row)).toBe("ok");
        expect(row.medianMs).toBeGreaterThan(0);
        expect(row.reps).toBe(2);
        expect(row.gbPerSecond).toBeCloseTo(row.bytes / (row.medianMs! * 1e6), 6);
        expect(row.tflopPerSecond).toBeCloseTo(row.flops / (row.medianMs! * 1e9), 9);
        expect(row.relError).toBeLessThan(row.dtype === "float32" ? 1e-5 : 3e-3);
      }
      // Fits for every method × dtype × decay with 3 lengths, the registered one included.
      expect(res.fits.filter((f) => f.method === "blocked").length).toBe(4);
      expect(res.fits.filter((f) => f.method === "ts-zero").map((f) => f.dtype)).toEqual(["float32", "float32"]);
    } finally {
      unregisterMethod("ts-zero");
    }
  });

  it("skips what the models say will not fit, records failures, and goes on", async () => {
    registerMethod({
      id: "ts-flaky",
      complexity: { flops: (s) => s.N, bytes: (s) => s.N, extraMemory: () => 0, asymptotic: "O(N)" },
      run: (q, k, v, ctx) => {
        if (ctx.shape.N === 128) throw new Error("flaky at 128");
        return Tensor.full([...v.shape], 0, "float32");
      },
    });
    try {
      const res = await sweep({
        backend: "cpu", methods: ["vanilla", "ts-flaky", "recurrent"], lengths: [64, 128, 512], decays: [0.5], H: 1, r: 8, d: 8, reps: 1, errorSample: 0,
        memoryBudget: 600_000, // inputs+output of N=512 fit; vanilla's N² scores at 512 (1 MiB) do not
      });
      const row = (m: string, N: number) => res.rows.find((r) => r.method === m && r.N === N)!;
      expect(row("vanilla", 512).status).toBe("skipped");
      expect(row("vanilla", 512).reason).toMatch(/over the memory budget/);
      expect(row("vanilla", 512).floorMs).toBeGreaterThan(0); // models still filled in
      expect(row("ts-flaky", 128).status).toBe("failed");
      expect(row("ts-flaky", 128).reason).toBe("flaky at 128");
      expect(row("ts-flaky", 512).status).toBe("ok");
      expect(row("recurrent", 512).status).toBe("ok");
      expect(row("recurrent", 512).relError).toBeNull();

      // N=16 is predicted (from its floor) to fit 0.1 ms; N=4096 is extrapolated from N=16 by
      // the floors' ratio, (4096/16)² = 65536 times its measured time: far over.
      const slow = await sweep({ backend: "cpu", methods: ["vanilla"], lengths: [16, 4096], decays: [1], H: 1, r: 8, d: 8, reps: 3, timeBudget: 1e-4, errorSample: 0 });
      expect(slow.rows[0].status).toBe("ok");
      expect(slow.rows[1].status).toBe("skipped");
      expect(slow.rows[1].reason).toMatch(/extrapolated from .* ms at N = 16.* time budget of 0.0001 s/);
    } finally {
      unregisterMethod("ts-flaky");
    }
  });

  it("gives the chunked methods 64-token chunks on the CPU and each CUDA kernel its own", () => {
    // (on Hopper a chunk given to blocked is its state granularity: 64 made it 2x slower)
    const budget = { memoryBudget: 1e9 };
    expect(resolveSweepOptions(budget, "cpu").chunk).toBe(64);
    expect(resolveSweepOptions(budget, "cuda").chunk).toBe(0);
    expect(resolveSweepOptions({ ...budget, chunk: 32 }, "cuda").chunk).toBe(32);
    expect(() => resolveSweepOptions({ ...budget, chunk: 0 }, "cuda")).toThrow(/for chunk but received 0/);
  });

  it("rejects bad options with messages naming them", async () => {
    await expect(sweep({ methods: ["nope"], backend: "cpu" })).rejects.toThrow(/for methods\[0\] but received "nope"/);
    await expect(sweep({ lengths: [], backend: "cpu" })).rejects.toThrow(/non-empty array for lengths/);
    await expect(sweep({ decays: [0], backend: "cpu" })).rejects.toThrow(/γ in \(0, 1\] for decays\[0\]/);
    await expect(sweep({ dtypes: ["int8" as never], backend: "cpu" })).rejects.toThrow(/for dtypes\[0\]/);
  });
});

// The CLI from dist/ (built by npm install / npm ci); skipped when dist is older than the sources.
const cli = path.resolve(__dirname, "..", "dist", "cli.js");
const distFresh = fs.existsSync(cli) && ["cli.ts", "bench/commands.ts", "bench/sweep.ts", "plot/html.ts"].every((f) => fs.statSync(path.resolve(__dirname, "..", "src", f)).mtimeMs <= fs.statSync(cli.replace("cli.js", f.replace(".ts", ".js"))).mtimeMs);

describe.skipIf(!distFresh)("leet-decoding CLI", () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 120_000 });

  it("bench writes results.json and a report whose plots all draw", async () => {
    const out = path.join(tmp, "cli");
    const r = run("bench", "--methods", "vanilla,blocked,recurrent", "--lengths", "128,256,512", "--decays", "1,1e-6", "--dtype", "float32,float16", "--heads", "2", "--reps", "2", "--out", out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/time per call, ms/);
    expect(r.stdout).toMatch(/relative error against float64/);
    expect(r.stdout).toContain(path.join(out, "report.html"));
    const res = validateResults(JSON.parse(fs.readFileSync(path.join(out, "results.json"), "utf8")));
    expect(res.rows.length).toBe(3 * 3 * 2 * 2);
    if (haveChromium) {
      const page = await openReport(path.join(out, "report.html"));
      expect(page.errors).toEqual([]);
      expect(page.status).toBe("done");
      expect(page.plots.length).toBeGreaterThanOrEqual(6);
      for (const p of page.plots) {
        expect(p.traces, p.id).toBeGreaterThan(0);
        expect(p.drawn, p.id).toBe(p.traces);
      }
    }
    const again = run("report", path.join(out, "results.json"), "--out", path.join(out, "again.html"));
    expect(again.status, again.stderr).toBe(0);
    expect(fs.statSync(path.join(out, "again.html")).size).toBeGreaterThan(1e6);
  });

  it("bad arguments print the usage and exit with 2", () => {
    for (const args of [["bench", "--lengths", "abc"], ["bench", "--methods", "nope"], ["bench", "--bogus", "1"], ["report"], ["report", path.join(tmp, "missing.json")], ["frobnicate"], []]) {
      const r = run(...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/usage: leet-decoding <command>/);
    }
  });

  it("check passes on every method and info reports the measured bandwidth", () => {
    const c = run("check", "--backend", "cpu");
    expect(c.status, c.stdout + c.stderr).toBe(0);
    expect(c.stdout).toMatch(/28 passed, 0 failed|\d+ passed, 0 failed/);
    const i = run("info");
    expect(i.status).toBe(0);
    expect(i.stdout).toMatch(/cpu bandwidth: [\d.]+ GB\/s \(measured/);
  });
});
