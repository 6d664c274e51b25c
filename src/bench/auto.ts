// Is `method: "auto"` the fastest method? For a grid of cases (dtype and precision, B×N,
// r×d, packed sequences), every method that runs the case on the backend is timed the way
// benchmarks must (timeAttention: inputs in place, CUDA events or the monotonic clock,
// median), and auto's pick (planCall, as a user's call makes it) is compared with the
// fastest. Each method's error against the float64 reference on a sample of head (0, 0)
// is reported beside its time, since auto may take a slower method for accuracy. Prints a
// table and writes auto.json.
import * as fs from "node:fs";
import * as path from "node:path";
import { allocate, bytesPerElement, decodeArray, type DType } from "../dtype";
import { decayAttention, planCall } from "../operator";
import { formatNumber as format, table } from "../format";
import { info } from "../info";
import { getMethod, methods, type ProblemShape } from "../methods";
import type { Backend } from "../methods/types";
import type { Tensor } from "../tensor";
import { timeAttention } from "../timing";
import { requireCuda } from "../backend";
import { bigRandom } from "./gpu";
import { referenceSample, sampledError } from "./sample";

export interface AutoCase {
  dtype: DType;
  precision: "exact" | "tf32";
  B: number;
  H: number;
  N: number;
  r: number;
  d: number;
  /** Packed sequence lengths (B = 1, N = their sum). */
  packed?: number[];
}

export interface AutoMethodTime {
  method: string;
  /** Median kernel time, ms; NaN when skipped. */
  ms: number;
  /** Relative error against float64 on the sample. */
  error: number;
  skipped?: string;
}

export interface AutoRow extends AutoCase {
  auto: string;
  reason: string;
  fastest: string;
  /** auto's median over the fastest method's median. */
  ratio: number;
  times: AutoMethodTime[];
}

export interface AutoBenchOptions {
  backend?: Backend;
  /** Default: cudaAutoCases or cpuAutoCases; "check", "varlen" and "holdout": cudaAutoCheckCases, cudaAutoVarlenCases and cudaAutoHoldoutCases (CUDA only). */
  cases?: AutoCase[] | "check" | "varlen" | "holdout";
  /** A method is timed only when one untimed call took at most this, ms. Default 400. */
  slowMs?: number;
  reps?: number;
  out?: string;
  quiet?: boolean;
}

/** The CUDA grid: the precisions auto distinguishes, three B×N, six r×d, packed sequences. */
export function cudaAutoCases(H = 32): AutoCase[] {
  const cases: AutoCase[] = [];
  const kinds: Array<[DType, "exact" | "tf32"]> = [["float16", "exact"], ["float32", "tf32"], ["float32", "exact"]];
  const dims = [[128, 128], [64, 64], [64, 128], [128, 64], [256, 256], [32, 32]];
  const packed = [4096, 1000, 7000, 300, 4004];
  for (const [dtype, precision] of kinds) {
    for (const { B, N } of [{ B: 1, N: 1024 }, { B: 1, N: 16384 }, { B: 8, N: 8192 }]) {
      for (const [r, d] of dims) cases.push({ dtype, precision, B, H, N, r, d });
    }
    for (const [r, d] of [[128, 128], [64, 64]]) {
      cases.push({ dtype, precision, B: 1, H, N: packed.reduce((a, b) => a + b, 0), r, d, packed });
    }
  }
  return cases;
}

/**
 * Other shapes than cudaAutoCases (whose results the rules of src/auto.ts were made from),
 * to see that the rules carry over: other B, H and N, r and d of 96 and mixed widths,
 * short calls (N = 1 and 100), other packed lengths.
 */
export function cudaAutoCheckCases(): AutoCase[] {
  const cases: AutoCase[] = [];
  const kinds: Array<[DType, "exact" | "tf32"]> = [["bfloat16", "exact"], ["float32", "tf32"], ["float32", "exact"]];
  const packed = [2048, 512, 9000, 100, 1340];
  for (const [dtype, precision] of kinds) {
    for (const { B, N, H } of [{ B: 1, N: 4096, H: 32 }, { B: 4, N: 2048, H: 16 }, { B: 2, N: 32768, H: 8 }, { B: 16, N: 2048, H: 32 }]) {
      for (const [r, d] of [[64, 64], [96, 96], [128, 256], [32, 64], [64, 256]]) cases.push({ dtype, precision, B, H, N, r, d });
    }
    for (const [B, N, r, d] of [[64, 1, 128, 128], [8, 100, 128, 128], [8, 100, 64, 64]]) cases.push({ dtype, precision, B, H: 32, N, r, d });
    for (const [r, d] of [[128, 128], [96, 96]]) {
      cases.push({ dtype, precision, B: 1, H: 32, N: packed.reduce((a, b) => a + b, 0), r, d, packed });
    }
  }
  return cases;
}

// Deterministic sequence lengths in [lo, hi] (a small LCG: the grid is the same on every run).
function lengths(count: number, lo: number, hi: number, seed: number): number[] {
  let x = seed >>> 0;
  return Array.from({ length: count }, () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return lo + (x % (hi - lo + 1));
  });
}

/**
 * Packed batches of many sequences (cuSeqlens), as a server's prefill batches are: where
 * the total N says little about the work, since every sequence has its own chunks and
 * state. Fixed lengths of 4, 16 and 64 tokens, random lengths up to 64, up to 256 and from
 * 256 to 1024, and a few long sequences among many short ones (500 of 1 to 32 tokens, 1000
 * of 1 to 12).
 */
export function cudaAutoVarlenCases(): AutoCase[] {
  const packs: number[][] = [
    Array(4096).fill(4),
    Array(1024).fill(16),
    Array(256).fill(64),
    lengths(512, 1, 64, 5),
    lengths(200, 1, 256, 7),
    lengths(40, 256, 1024, 11),
    [...Array(4).fill(4096), ...lengths(500, 1, 32, 13)],
    [...Array(2).fill(4096), ...lengths(1000, 1, 12, 17)],
  ];
  const cases: AutoCase[] = [];
  const kinds: Array<[DType, "exact" | "tf32"]> = [["float16", "exact"], ["float32", "tf32"], ["float32", "exact"]];
  for (const [dtype, precision] of kinds) {
    for (const packed of packs) {
      for (const [r, d] of [[128, 128], [64, 64]]) {
        cases.push({ dtype, precision, B: 1, H: 32, N: packed.reduce((a, b) => a + b, 0), r, d, packed });
      }
    }
  }
  return cases;
}

/**
 * Cases near the edges of the rules that the check and varlen grids led to (src/auto.ts:
 * the token recurrence for float32 at a small state on many short packed sequences and on
 * many walks of a few thousand tokens; the method for long packed sequences of uneven
 * lengths): each rule's side of every bound it draws, to see whether the bounds hold. The
 * bounds were moved after timing them (run zd; docs/benchmarks.md, thirtieth session):
 * each block of cases below was added after one move and first timed before the next.
 * The rules for exact float32 with a packed sequence of 8500 tokens or more (after fused's
 * packed segment model changed) were fitted to call 9's timings, and the rule for a
 * sequence of 2048 tokens or more among short ones to run ze's varlen grid.
 */
export function cudaAutoHoldoutCases(): AutoCase[] {
  const cases: AutoCase[] = [];
  const add = (dtype: DType, precision: "exact" | "tf32", B: number, H: number, N: number, r: number, d: number) =>
    cases.push({ dtype, precision, B, H, N, r, d });
  const addPacked = (dtype: DType, precision: "exact" | "tf32", packed: number[], r: number, d: number) =>
    cases.push({ dtype, precision, B: 1, H: 32, N: packed.reduce((a, b) => a + b, 0), r, d, packed });
  // many short packed sequences, float32 at a small state (inside: longest <= 256)
  const short = lengths(300, 65, 256, 19);
  addPacked("float32", "tf32", short, 64, 64);
  addPacked("float32", "exact", short, 32, 32);
  addPacked("float16", "exact", short, 64, 64);
  addPacked("float32", "tf32", lengths(100, 128, 512, 23), 64, 64);
  addPacked("float32", "exact", lengths(150, 1, 256, 29), 64, 128);
  // many walks of a few thousand tokens (inside: 3.5 SMs' walks or more, 1024 < N <= 2048)
  add("float32", "tf32", 32, 32, 2048, 32, 64);
  add("float32", "tf32", 24, 32, 1536, 64, 32);
  add("float32", "exact", 32, 16, 2048, 32, 32);
  add("float32", "tf32", 8, 32, 2048, 32, 64);
  add("float32", "tf32", 16, 32, 4096, 32, 64);
  add("float32", "tf32", 16, 32, 1024, 32, 64);
  // (added after run zd had widened the bounds above)
  add("float32", "tf32", 16, 32, 8192, 32, 64);
  add("float32", "tf32", 4, 32, 4096, 32, 64);
  add("float32", "exact", 16, 32, 4096, 32, 64);
  // lopsided packs: the longest over the mean 2.6, 3.6, 2.4 and 3.3 times
  const packs = [[8192, 2048, 1024, 1536, 3000], [14000, 1200, 2000, 800, 1500], [24000, 3000, 3000], [30000, 2000, 2000, 2000]];
  for (const p of packs) {
    addPacked("float32", "exact", p, 128, 128);
    addPacked("bfloat16", "exact", p, 96, 96);
  }
  addPacked("float16", "exact", packs[3], 64, 128);
  addPacked("float32", "exact", packs[1], 96, 128);
  addPacked("bfloat16", "exact", Array(5).fill(3000), 96, 96);
  // (added after run zd call 2 had moved the bounds again)
  addPacked("bfloat16", "exact", [6000, 3000, 3000, 2000, 2000], 96, 96);
  addPacked("bfloat16", "exact", [4000, 3500, 3000, 2500, 2000], 96, 96);
  add("float32", "tf32", 32, 32, 8192, 32, 32);
  add("float32", "tf32", 16, 32, 16384, 32, 64);
  add("float32", "tf32", 12, 32, 3072, 64, 64);
  // (added with the final rules, before any run timed them)
  addPacked("bfloat16", "exact", [5000, 2500, 2500, 2500, 2500], 96, 96);
  addPacked("bfloat16", "exact", [4400, 3000, 3000, 3000, 3000], 96, 96);
  addPacked("float16", "exact", Array(5).fill(3000), 64, 128);
  add("float32", "tf32", 8, 64, 16384, 32, 64);
  add("float32", "tf32", 24, 32, 2048, 32, 32);
  add("float32", "exact", 12, 32, 4096, 32, 64);
  add("float32", "exact", 16, 32, 2048, 64, 64);
  addPacked("float32", "tf32", lengths(400, 1, 256, 31), 32, 64);
  addPacked("float32", "exact", lengths(100, 200, 300, 37), 64, 64);
  addPacked("float32", "exact", [20000, 2000, 2000, 2000, 2000], 128, 128);
  addPacked("float32", "exact", [9000, 3000, 3000, 3000], 128, 128);
  // (added after run zd call 4 had moved the bounds a fourth time)
  addPacked("bfloat16", "exact", [5500, 3000, 2500, 2000, 2000], 96, 96);
  addPacked("bfloat16", "exact", [5000, 3500, 3000, 2500, 2000], 96, 96);
  addPacked("float32", "exact", [8000, 1000, 1000, 1000], 128, 128);
  addPacked("float32", "exact", [10000, 5000, 5000], 128, 128);
  addPacked("float32", "exact", [12000, 12000], 128, 128);
  add("float32", "exact", 20, 24, 2048, 32, 64);
  add("float32", "tf32", 12, 32, 4096, 64, 64);
  // (added with the rule for a sequence of 2048 tokens or more among short ones, run ze,
  // before any run timed them)
  addPacked("float16", "exact", [...lengths(150, 1, 40, 41), 2048, ...lengths(150, 1, 40, 43)], 128, 128);
  addPacked("bfloat16", "exact", [1500, ...lengths(300, 1, 40, 47)], 128, 128);
  addPacked("float32", "tf32", [...lengths(400, 1, 64, 53), 3000, 3000, 3000], 128, 128);
  addPacked("float32", "exact", [16384, ...lengths(1000, 1, 16, 59)], 128, 128);
  addPacked("float32", "exact", [6000, ...lengths(600, 1, 32, 61), 6000], 64, 64);
  addPacked("float32", "tf32", [...Array(4).fill(4096), ...lengths(500, 1, 32, 67)], 64, 64);
  addPacked("float16", "exact", [8192, ...lengths(200, 1, 100, 71)], 128, 256);
  return cases;
}

/** A small CPU grid (seconds on two cores). */
export function cpuAutoCases(): AutoCase[] {
  return [
    { dtype: "float32", precision: "exact", B: 1, H: 4, N: 16, r: 32, d: 32 },
    { dtype: "float32", precision: "exact", B: 1, H: 4, N: 2048, r: 64, d: 64 },
    { dtype: "float32", precision: "exact", B: 1, H: 8, N: 8192, r: 64, d: 64 },
    { dtype: "float64", precision: "exact", B: 2, H: 2, N: 1024, r: 32, d: 32 },
    { dtype: "float32", precision: "exact", B: 1, H: 2, N: 1000, r: 32, d: 32, packed: [300, 200, 500] },
  ];
}

/** A case as bench-auto's log names it, e.g. "float32 tf32 16×2048 H32 r32 d64". */
export function caseLabel(c: AutoCase): string {
  const kind = c.dtype === "float32" ? `float32 ${c.precision}` : c.dtype;
  const bn = c.packed ? `packed ${c.packed.length}×~${Math.round(c.N / c.packed.length)}` : `${c.B}×${c.N}`;
  return `${kind} ${bn} H${c.H} r${c.r} d${c.d}`;
}

// The first `n` elements of an output (head (0, 0) leads the [B, H, N, d] layout), as numbers.
function leading(out: Tensor, n: number): ArrayLike<number> {
  if (out.location === "cpu") return decodeArray(out.data.subarray(0, n), out.dtype);
  const head = allocate(out.dtype, n);
  out.deviceBuffer.download(head);
  return decodeArray(head, out.dtype);
}

export async function runAutoBench(options: AutoBenchOptions = {}): Promise<AutoRow[]> {
  const backend = options.backend ?? "cuda";
  const cases = options.cases === "check"
    ? cudaAutoCheckCases()
    : options.cases === "varlen"
      ? cudaAutoVarlenCases()
      : options.cases === "holdout"
        ? cudaAutoHoldoutCases()
        : options.cases ?? (backend === "cuda" ? cudaAutoCases() : cpuAutoCases());
  const slowMs = options.slowMs ?? 400;
  if (backend === "cuda") requireCuda();
  const log = options.quiet ? () => {} : (s: string) => console.log(s);
  const rows: AutoRow[] = [];
  for (const c of cases) {
    const { B, H, N, r, d, dtype } = c;
    // ALiBi-style per-head decay rates as in ANCHORS.md (as bench-gpu): s_h = 2^(-0.25(h+1)).
    const decayRate = Array.from({ length: H }, (_, h) => 2 ** (-0.25 * (h + 1)));
    let cuSeqlens: number[] | undefined;
    if (c.packed) {
      cuSeqlens = [0];
      for (const n of c.packed) cuSeqlens.push(cuSeqlens[cuSeqlens.length - 1] + n);
    }
    const qs = bigRandom([B, H, N, r], dtype, 1, 1, backend);
    const ks = bigRandom([B, H, N, r], dtype, 2, 1 / Math.sqrt(r), backend);
    const vs = bigRandom([B, H, N, d], dtype, 3, 1, backend);
    const [q, k, v] = [qs.t, ks.t, vs.t];
    // Packed: the sample covers the first sequence, the only one that starts at position 0.
    const n0 = c.packed ? c.packed[0] : N;
    const sample = referenceSample(qs.head0, ks.head0, vs.head0, n0, r, d, decayRate[0], 128);
    const base = { decayRate, backend, precision: c.precision, cuSeqlens };
    const plan = planCall(q, k, v, { ...base, method: "auto" });
    const shape: ProblemShape = { B, H, N, r, d };
    const ids = methods
      .filter((m) => m.native !== undefined && m.dtypes[backend]?.includes(dtype) && (!c.packed || m.varlen.includes(backend)))
      .map((m) => m.id);
    const times: AutoMethodTime[] = [];
    for (const id of ids) {
      const m = getMethod(id)!;
      if (m.extraMemory(shape, dtype) > 20e9) {
        times.push({ method: id, ms: NaN, error: NaN, skipped: "needs more than 20 GB of extra memory" });
        continue;
      }
      // The quadratic methods at long sequences: not even one call when its FLOPs alone
      // would take over 10 × slowMs at 10 TFLOP/s (a GPU's CUDA cores; the CPU is slower).
      const predictedMs = (m.flops(shape) / (backend === "cuda" ? 10e12 : 50e9)) * 1e3;
      if (predictedMs > 10 * slowMs) {
        times.push({ method: id, ms: NaN, error: NaN, skipped: `predicted ${format(predictedMs)} ms from its FLOPs` });
        continue;
      }
      try {
        const opts = { ...base, method: id };
        const t0 = process.hrtime.bigint();
        const out = await decayAttention(q, k, v, opts);
        const once = Number(process.hrtime.bigint() - t0) / 1e6;
        const error = sampledError(leading(out, n0 * d), sample, d);
        out.dispose();
        if (once > slowMs) {
          times.push({ method: id, ms: NaN, error, skipped: `one call took ${format(once)} ms > ${slowMs}` });
          continue;
        }
        const reps = options.reps ?? (B * N * H * (r + d) * bytesPerElement(dtype) > 1e9 ? 10 : 20);
        const t = await timeAttention(q, k, v, { ...opts, warmup: 2, reps });
        times.push({ method: id, ms: t.median, error });
      } catch (e) {
        times.push({ method: id, ms: NaN, error: NaN, skipped: (e as Error).message });
      }
    }
    for (const t of [q, k, v]) t.dispose();
    const timed = times.filter((t) => Number.isFinite(t.ms));
    const fastest = timed.reduce((a, b) => (b.ms < a.ms ? b : a), timed[0] ?? { method: "-", ms: NaN, error: NaN });
    const autoTime = times.find((t) => t.method === plan.method.id);
    const row: AutoRow = {
      ...c,
      auto: plan.method.id,
      reason: plan.autoReason ?? "",
      fastest: fastest.method,
      ratio: autoTime && Number.isFinite(autoTime.ms) ? autoTime.ms / fastest.ms : NaN,
      times,
    };
    rows.push(row);
    log(`${caseLabel(c)}: auto ${row.auto}, fastest ${row.fastest} (×${format(row.ratio)}); ` +
      timed.map((t) => `${t.method} ${format(t.ms)}`).join(", "));
  }
  const byMethod = [...new Set(rows.flatMap((x) => x.times.map((t) => t.method)))];
  log(table(
    ["case", "auto", "fastest", "auto ÷ fastest", ...byMethod.map((m) => `${m} ms (err)`)],
    rows.map((x) => [caseLabel(x), x.auto, x.fastest, x.ratio, ...byMethod.map((m) => {
      const t = x.times.find((y) => y.method === m);
      return !t ? "" : Number.isFinite(t.ms) ? `${format(t.ms)} (${t.error.toExponential(1)})` : "skipped";
    })]),
  ));
  const rated = rows.filter((x) => Number.isFinite(x.ratio));
  const within = rated.filter((x) => x.ratio <= 1.05).length;
  const geomean = Math.exp(rated.reduce((a, x) => a + Math.log(x.ratio), 0) / rated.length);
  const worst = rated.reduce((a, b) => (b.ratio > a.ratio ? b : a), rated[0]);
  if (worst) {
    log(`auto within 5% of the fastest in ${within} of ${rows.length} cases (geometric mean ×${geomean.toFixed(3)} of the fastest, over the ${rated.length} where auto's pick was timed); ` +
      `the largest gap: ${caseLabel(worst)}, ${worst.auto} ×${format(worst.ratio)} of ${worst.fastest}`);
  }
  const out = options.out ?? path.join("out", "bench-auto");
  fs.mkdirSync(out, { recursive: true });
  const file = path.join(out, "auto.json");
  const device = backend === "cuda" ? info().backends.cuda.devices[0] : undefined;
  fs.writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), backend, device, rows }, null, 2));
  log(`wrote ${file}`);
  return rows;
}
