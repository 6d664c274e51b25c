// The results.json schema: what sweeps write is what validateResults accepts, and the
// validator names the first field that is wrong.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { validateResults } from "../src";
import { fitRows, RESULTS_SCHEMA } from "../src/bench";
import { parseBenchArgs, parseFlags, UsageError } from "../src/bench/args";
import { syntheticResults } from "./support/synthetic";

describe("results schema", () => {
  it("accepts results and their JSON round trip", () => {
    const res = syntheticResults();
    expect(validateResults(res)).toBe(res);
    const back = validateResults(JSON.parse(JSON.stringify(res)));
    expect(back.rows.length).toBe(res.rows.length);
    expect(back.schema).toBe(RESULTS_SCHEMA);
  });

  it("accepts a real CUDA sweep's results.json (H200) and its rows are consistent", () => {
    const res = validateResults(JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "sweep-h200.json"), "utf8")));
    expect(res.header.backend).toBe("cuda");
    const c = res.header.config;
    expect(res.rows.length).toBe(c.methods.length * c.lengths.length * c.decays.length * c.dtypes.length);
    for (const r of res.rows.filter((x) => x.status === "ok")) {
      expect(r.gbPerSecond).toBeCloseTo(r.bytes / (r.medianMs! * 1e6), 6);
      expect(r.minMs!).toBeLessThanOrEqual(r.medianMs!);
    }
    const skipped = res.rows.filter((x) => x.status === "skipped");
    expect(skipped.every((x) => x.method === "vanilla" && /over the memory budget/.test(x.reason!))).toBe(true);
  });

  it("has one row per method × length × decay × dtype", () => {
    const res = syntheticResults();
    const c = res.header.config;
    expect(res.rows.length).toBe(c.methods.length * c.lengths.length * c.decays.length * c.dtypes.length);
    const keys = new Set(res.rows.map((r) => `${r.method}|${r.N}|${r.decay}|${r.dtype}`));
    expect(keys.size).toBe(res.rows.length);
  });

  it("names the first wrong field", () => {
    const res = JSON.parse(JSON.stringify(syntheticResults()));
    expect(() => validateResults({ ...res, schema: "other" })).toThrow(/results\.schema: expected "leet-decoding\/sweep-results", got string "other"/);
    res.rows[3].medianMs = "fast";
    expect(() => validateResults(res)).toThrow("results.rows[3].medianMs: expected number or null, got string \"fast\"");
    res.rows[3].medianMs = 1;
    res.rows[5].status = "skipped";
    res.rows[5].reason = null;
    expect(() => validateResults(res)).toThrow(/rows\[5\]\.reason: expected a reason for a skipped row/);
    delete res.header.device;
    expect(() => validateResults(res)).toThrow(/results\.header\.device: expected object, got undefined/);
    expect(() => validateResults(null)).toThrow(/results: expected object, got null/);
  });

  it("fits exponents per method × dtype × decay from >= 3 ok lengths", () => {
    const res = syntheticResults({ methods: ["vanilla", "recurrent"], decays: [1], dtypes: ["float32"] });
    const fits = fitRows(res.rows);
    const byMethod = Object.fromEntries(fits.map((f) => [f.method, f]));
    // vanilla: 4 ok lengths (4096 skipped), time ∝ floor ∝ N² at long N.
    expect(byMethod.vanilla.lengths).toEqual([256, 512, 1024, 2048]);
    expect(byMethod.vanilla.exponent).toBeGreaterThan(1.8);
    expect(byMethod.recurrent.exponent).toBeCloseTo(1, 5);
    expect(byMethod.recurrent.bestShape).toBe("N");
  });
});

describe("bench arguments", () => {
  it("parses every option", () => {
    const a = parseBenchArgs(["--methods", "blocked,recurrent", "--lengths=256,1024", "--decays", "1,0.9,1e-6", "--dtype", "float32,float16", "--backend", "cpu", "--out", "dir", "--heads", "2", "--reps", "3", "--time-budget", "2.5", "--quiet"]);
    expect(a.sweep).toEqual({ methods: ["blocked", "recurrent"], lengths: [256, 1024], decays: [1, 0.9, 1e-6], dtypes: ["float32", "float16"], backend: "cpu", H: 2, reps: 3, timeBudget: 2.5 });
    expect(a.out).toBe("dir");
    expect(a.quiet).toBe(true);
    expect(a.full).toBe(false);
    expect(parseBenchArgs([]).out).toBe("out/bench");
  });
  it("rejects bad arguments with a UsageError that says what is wrong", () => {
    const bad: Array<[string[], RegExp]> = [
      [["--methods", "nope"], /unknown method "nope"/],
      [["--lengths", "0,5"], /--lengths expects integers/],
      [["--lengths", "1.5"], /--lengths expects integers/],
      [["--decays", "2"], /γ in \(0, 1\]/],
      [["--dtype", "int8"], /unknown dtype "int8"/],
      [["--backend", "tpu"], /--backend expects auto, cpu, cuda/],
      [["--frobnicate", "1"], /unknown option --frobnicate/],
      [["--lengths"], /--lengths needs a value/],
      [["stray"], /unexpected argument "stray"/],
      [["--reps", "2", "--reps", "3"], /given twice/],
    ];
    for (const [args, msg] of bad) {
      expect(() => parseBenchArgs(args), args.join(" ")).toThrow(UsageError);
      expect(() => parseBenchArgs(args)).toThrow(msg);
    }
    expect(() => parseFlags(["--quiet=1"], [], ["quiet"])).toThrow(/takes no value/);
  });
});
