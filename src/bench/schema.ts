// The JSON schema of sweep results (results.json): one header, one row per
// method × length × decay × dtype (× head dim), and the fitted exponents. Plots and the
// `report` command read exactly this; validateResults() checks a parsed file against it.
import type { DType } from "../dtype";
import type { Backend } from "../methods/types";
import type { ScalingShape } from "../complexity/fit";

export const RESULTS_SCHEMA = "leet-decoding/sweep-results";
export const RESULTS_SCHEMA_VERSION = 1;

export interface SweepResults {
  /** Always "leet-decoding/sweep-results". */
  schema: typeof RESULTS_SCHEMA;
  /** 1 for this layout. */
  schemaVersion: number;
  header: SweepHeader;
  rows: SweepRow[];
  /** Power-law fits of median time against N, per method × dtype × decay × (r, d), from >= 3 ok rows. */
  fits: FitRow[];
}

export interface SweepHeader {
  library: "leet-decoding";
  /** Library version (package.json). */
  version: string;
  /** ISO 8601 start time. */
  date: string;
  /** Seconds the sweep took. */
  durationSeconds: number;
  backend: Backend;
  device: {
    name: string;
    /** Measured copy bandwidth, bytes/s (read + write). */
    bandwidth: number;
    bandwidthSource: string;
    /** Peak FLOP/s per dtype used for the floors. */
    peakFlops: Record<DType, number>;
    peakSource: string;
    /** CPU threads (cpu backend) or null. */
    threads: number | null;
  };
  /** Node.js version, platform and architecture, e.g. "v20.19.0 linux x64". */
  runtime: string;
  /** The options the sweep ran with, defaults filled in. */
  config: SweepConfig;
}

export interface SweepConfig {
  methods: string[];
  lengths: number[];
  /** Decay factors γ. */
  decays: number[];
  dtypes: DType[];
  /** (r, d) pairs swept; one entry unless headDims was given. */
  dims: Array<{ r: number; d: number }>;
  B: number;
  H: number;
  chunk: number;
  warmup: number;
  reps: number;
  /** Seconds allowed per configuration (warm-up + timed runs). */
  timeBudget: number;
  /** Bytes a configuration may use (inputs, output and the model's extra memory). */
  memoryBudget: number;
  /** Positions compared with the reference at each end of the first (b, h); 0 = no error check. */
  errorSample: number;
  seed: number;
}

export type RowStatus = "ok" | "skipped" | "failed";

export interface SweepRow {
  method: string;
  backend: Backend;
  dtype: DType;
  B: number;
  H: number;
  N: number;
  r: number;
  d: number;
  chunk: number;
  /** Decay factor γ of every head (s = −ln γ). */
  decay: number;
  status: RowStatus;
  /** skipped: why (from the models or the method's dtypes); failed: the error. null when ok. */
  reason: string | null;
  // --- from the models (every row) ---
  flops: number;
  bytes: number;
  /** Working memory beyond inputs and outputs (model), bytes. */
  extraMemoryBytes: number;
  /** Roofline floor max(bytes / bandwidth, flops / peak), ms. */
  floorMs: number;
  floorBound: "memory" | "compute";
  // --- measured (null unless ok) ---
  medianMs: number | null;
  minMs: number | null;
  maxMs: number | null;
  /** Timed runs behind the median (may be fewer than asked when the time budget is short). */
  reps: number | null;
  /** bytes / median time, GB/s (1e9). */
  gbPerSecond: number | null;
  /** flops / median time, TFLOP/s (1e12). */
  tflopPerSecond: number | null;
  /** floor / median: the fraction of the roofline reached. */
  efficiency: number | null;
  /** Relative L2 error against the float64 reference on the sampled positions (null if not checked). */
  relError: number | null;
  /** Largest growth of the process's resident memory seen while the method ran (sampled every ms), bytes (cpu; null on cuda). */
  peakRssGrowthBytes: number | null;
}

export interface FitRow {
  method: string;
  dtype: DType;
  decay: number;
  r: number;
  d: number;
  lengths: number[];
  exponent: number;
  /** null with only two lengths. */
  stderr: number | null;
  ci95: [number, number] | null;
  r2: number;
  bestShape: ScalingShape;
}

function typeOf(x: unknown): string {
  return x === null ? "null" : Array.isArray(x) ? "array" : typeof x;
}

/**
 * Checks that `x` (a parsed results.json) follows the schema; returns it typed, or throws
 * an Error naming the first field that does not, e.g. `rows[3].medianMs: expected number or null, got string`.
 */
export function validateResults(x: unknown): SweepResults {
  const err = (path: string, want: string, got: unknown): never => {
    throw new Error(`results${path}: expected ${want}, got ${typeOf(got)}${typeof got === "string" ? ` "${got}"` : ""}`);
  };
  const obj = (path: string, v: unknown): Record<string, unknown> => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) err(path, "object", v);
    return v as Record<string, unknown>;
  };
  const num = (path: string, v: unknown, nullable = false): void => {
    if (nullable && v === null) return;
    if (typeof v !== "number" || Number.isNaN(v)) err(path, nullable ? "number or null" : "number", v);
  };
  const str = (path: string, v: unknown, nullable = false): void => {
    if (nullable && v === null) return;
    if (typeof v !== "string") err(path, nullable ? "string or null" : "string", v);
  };
  const arr = (path: string, v: unknown): unknown[] => {
    if (!Array.isArray(v)) err(path, "array", v);
    return v as unknown[];
  };
  const root = obj("", x);
  if (root.schema !== RESULTS_SCHEMA) err(".schema", `"${RESULTS_SCHEMA}"`, root.schema);
  if (root.schemaVersion !== RESULTS_SCHEMA_VERSION) err(".schemaVersion", String(RESULTS_SCHEMA_VERSION), root.schemaVersion);
  const h = obj(".header", root.header);
  for (const k of ["library", "version", "date", "backend", "runtime"]) str(`.header.${k}`, h[k]);
  num(".header.durationSeconds", h.durationSeconds);
  const dev = obj(".header.device", h.device);
  str(".header.device.name", dev.name);
  num(".header.device.bandwidth", dev.bandwidth);
  str(".header.device.bandwidthSource", dev.bandwidthSource);
  str(".header.device.peakSource", dev.peakSource);
  num(".header.device.threads", dev.threads, true);
  const peak = obj(".header.device.peakFlops", dev.peakFlops);
  for (const [k, v] of Object.entries(peak)) num(`.header.device.peakFlops.${k}`, v);
  const c = obj(".header.config", h.config);
  for (const k of ["methods", "dtypes"]) arr(`.header.config.${k}`, c[k]).forEach((v, i) => str(`.header.config.${k}[${i}]`, v));
  for (const k of ["lengths", "decays"]) arr(`.header.config.${k}`, c[k]).forEach((v, i) => num(`.header.config.${k}[${i}]`, v));
  arr(".header.config.dims", c.dims).forEach((v, i) => {
    const o = obj(`.header.config.dims[${i}]`, v);
    num(`.header.config.dims[${i}].r`, o.r);
    num(`.header.config.dims[${i}].d`, o.d);
  });
  for (const k of ["B", "H", "chunk", "warmup", "reps", "timeBudget", "memoryBudget", "errorSample", "seed"]) num(`.header.config.${k}`, c[k]);
  arr(".rows", root.rows).forEach((v, i) => {
    const p = `.rows[${i}]`;
    const r = obj(p, v);
    for (const k of ["method", "backend", "dtype"]) str(`${p}.${k}`, r[k]);
    for (const k of ["B", "H", "N", "r", "d", "chunk", "decay", "flops", "bytes", "extraMemoryBytes", "floorMs"]) num(`${p}.${k}`, r[k]);
    if (r.status !== "ok" && r.status !== "skipped" && r.status !== "failed") err(`${p}.status`, '"ok", "skipped" or "failed"', r.status);
    if (r.floorBound !== "memory" && r.floorBound !== "compute") err(`${p}.floorBound`, '"memory" or "compute"', r.floorBound);
    str(`${p}.reason`, r.reason, true);
    if (r.status !== "ok" && r.reason === null) err(`${p}.reason`, `a reason for a ${r.status} row`, r.reason);
    for (const k of ["medianMs", "minMs", "maxMs", "reps", "gbPerSecond", "tflopPerSecond", "efficiency", "relError", "peakRssGrowthBytes"]) {
      num(`${p}.${k}`, r[k], true);
    }
    if (r.status === "ok" && r.medianMs === null) err(`${p}.medianMs`, "a number for an ok row", r.medianMs);
  });
  arr(".fits", root.fits).forEach((v, i) => {
    const p = `.fits[${i}]`;
    const f = obj(p, v);
    for (const k of ["method", "dtype", "bestShape"]) str(`${p}.${k}`, f[k]);
    for (const k of ["decay", "r", "d", "exponent", "r2"]) num(`${p}.${k}`, f[k]);
    num(`${p}.stderr`, f.stderr, true);
    arr(`${p}.lengths`, f.lengths).forEach((x, j) => num(`${p}.lengths[${j}]`, x));
    if (f.ci95 !== null) arr(`${p}.ci95`, f.ci95).forEach((x, j) => num(`${p}.ci95[${j}]`, x));
  });
  return root as unknown as SweepResults;
}
