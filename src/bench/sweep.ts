// sweep(): every method × length × decay × dtype (× head dim) on one backend, one JSON
// results object (see schema.ts). Configurations the models say will not fit in memory
// or in the time budget are skipped with the reason; a failing row is recorded and the
// sweep goes on; onProgress hears about every row.
import * as os from "node:os";
import { addon } from "../binding/addon";
import { cudaAvailable, requireCuda } from "../backend";
import { fitScaling } from "../complexity/fit";
import { measureDevice, roofline, type DeviceProfile, type Floor } from "../complexity/roofline";
import { bytesPerElement, decodeArray, DTYPES, type DType, type Storage } from "../dtype";
import { info } from "../info";
import { DEFAULT_CHUNK, ioElements, methodIds, methods as registry, getMethod, type Backend } from "../methods";
import { Tensor } from "../tensor";
import { checkOneOf, checkPositiveInteger, fail } from "../validate";
import { measureMethod } from "./measure";
import { referenceSample, sampledError, type ReferenceSample } from "./sample";
import { RESULTS_SCHEMA, RESULTS_SCHEMA_VERSION, type FitRow, type SweepConfig, type SweepResults, type SweepRow } from "./schema";

export interface SweepOptions {
  /** Method ids. Default: every registered method that runs on the backend. */
  methods?: string[];
  /** Sequence lengths N. Default: cpu [256, 512, 1024, 2048, 4096]; cuda [1024, 2048, …, 65536]. */
  lengths?: number[];
  /** Decay factors γ in (0, 1]. Default [1, 0.9, 1e-3, 1e-6]. */
  decays?: number[];
  /** Input dtypes. Default: cpu ["float32", "float16"]; cuda ["float32", "float16", "bfloat16"]. */
  dtypes?: DType[];
  /** Batch. Default 1. */
  B?: number;
  /** Heads. Default: 4 on cpu, 16 on cuda. */
  H?: number;
  /** Key size. Default 64. */
  r?: number;
  /** Value size. Default 64. */
  d?: number;
  /** Head dims to sweep, each setting r = d (for the fastest-method map over (N, head dim)). Default: [r, d] only. */
  headDims?: number[];
  /**
   * Chunk size of the chunked methods. Default 64 on the CPU; on CUDA each kernel's own
   * (recorded as 0): a chunk given to blocked on Hopper is its state granularity.
   */
  chunk?: number;
  /** "cpu", "cuda" or "auto" (CUDA when usable). Default "auto". */
  backend?: Backend | "auto";
  /** Untimed runs before timing. Default 1. */
  warmup?: number;
  /** Timed runs per configuration. Default 5. */
  reps?: number;
  /** Seconds one configuration may take (warm-up + timed runs); fewer reps, or a skip, beyond. Default 10. */
  timeBudget?: number;
  /** Bytes one configuration may use. Default: half the free memory (CPU), 80% of free device memory (CUDA). */
  memoryBudget?: number;
  /** Positions checked against the float64 reference at each end of the first (b, h); 0 turns the check off. Default 128. */
  errorSample?: number;
  /** Seed of the random inputs. Default 1. */
  seed?: number;
  /** CPU threads. Default: every core available. */
  threads?: number;
  /** Roofline parameters; measured (measureDevice) when absent. */
  device?: DeviceProfile;
}

export interface SweepProgress {
  /** Rows finished (ok, skipped or failed). */
  done: number;
  total: number;
  /** The row just finished. */
  row: SweepRow;
  elapsedSeconds: number;
  /** Rough time left, seconds. */
  etaSeconds: number;
}

export interface SweepCallbacks {
  onProgress?: (progress: SweepProgress) => void;
}

/** The default sweep per backend: on a 2-core CPU it takes well under a minute. */
export const SWEEP_DEFAULTS: Record<Backend, { lengths: number[]; dtypes: DType[]; H: number }> = {
  cpu: { lengths: [256, 512, 1024, 2048, 4096], dtypes: ["float32", "float16"], H: 4 },
  cuda: { lengths: [1024, 2048, 4096, 8192, 16384, 32768, 65536], dtypes: ["float32", "float16", "bfloat16"], H: 16 },
};
export const DEFAULT_DECAYS = [1, 0.9, 1e-3, 1e-6];

function checkList<T>(name: string, x: unknown, each: (v: unknown, name: string) => T): T[] {
  if (!Array.isArray(x) || x.length === 0) fail(name, "a non-empty array", x);
  return x.map((v, i) => each(v, `${name}[${i}]`));
}

function checkDecay(v: unknown, name: string): number {
  if (typeof v !== "number" || !(v > 0 && v <= 1)) fail(name, "a decay factor γ in (0, 1]", v);
  return v;
}

/** @internal Options with defaults filled in and checked. */
export function resolveSweepOptions(options: SweepOptions, backend: Backend): SweepConfig & { threads?: number } {
  if (options === null || typeof options !== "object") fail("options", "an options object", options);
  const ids = methodIds();
  const methods = options.methods === undefined
    ? registry.filter((m) => m.dtypes[backend] !== undefined).map((m) => m.id)
    : checkList("methods", options.methods, (v, n) => checkOneOf(n, v, ids));
  const defaults = SWEEP_DEFAULTS[backend];
  const lengths = options.lengths === undefined ? defaults.lengths : checkList("lengths", options.lengths, (v, n) => checkPositiveInteger(n, v, 1 << 26));
  const decays = options.decays === undefined ? DEFAULT_DECAYS : checkList("decays", options.decays, checkDecay);
  const dtypes = options.dtypes === undefined ? defaults.dtypes : checkList("dtypes", options.dtypes, (v, n) => checkOneOf(n, v, DTYPES));
  const int = (name: keyof SweepOptions, def: number, max = 1 << 20): number =>
    options[name] === undefined ? def : checkPositiveInteger(name, options[name], max);
  const r = int("r", 64, 4096);
  const d = int("d", 64, 4096);
  const dims = options.headDims === undefined
    ? [{ r, d }]
    : checkList("headDims", options.headDims, (v, n) => checkPositiveInteger(n, v, 4096)).map((x) => ({ r: x, d: x }));
  const warmup = options.warmup === undefined ? 1 : options.warmup === 0 ? 0 : checkPositiveInteger("warmup", options.warmup, 10000);
  const timeBudget = options.timeBudget ?? 10;
  if (typeof timeBudget !== "number" || !(timeBudget > 0)) fail("timeBudget", "a number of seconds > 0", timeBudget);
  let memoryBudget = options.memoryBudget;
  if (memoryBudget === undefined) {
    memoryBudget = backend === "cuda" ? 0.8 * addon().memInfo().free : 0.5 * Math.min(os.freemem(), os.totalmem());
  } else if (typeof memoryBudget !== "number" || !(memoryBudget > 0)) {
    fail("memoryBudget", "a number of bytes > 0", memoryBudget);
  }
  const errorSample = options.errorSample === undefined ? 128 : options.errorSample === 0 ? 0 : checkPositiveInteger("errorSample", options.errorSample, 1 << 16);
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) fail("seed", "an integer", seed);
  return {
    methods: [...methods],
    lengths: [...new Set(lengths)].sort((a, b) => a - b),
    decays: [...decays],
    dtypes: [...dtypes],
    dims,
    B: int("B", 1),
    H: int("H", defaults.H),
    chunk: options.chunk === undefined && backend === "cuda" ? 0 : int("chunk", DEFAULT_CHUNK, 4096),
    warmup,
    reps: int("reps", 5, 100000),
    timeBudget,
    memoryBudget: Math.floor(memoryBudget),
    errorSample,
    seed,
    threads: options.threads === undefined ? undefined : checkPositiveInteger("threads", options.threads, 1024),
  };
}

/** Runs the sweep (see the file header); resolves to results in the documented schema. */
export async function sweep(options: SweepOptions = {}, callbacks: SweepCallbacks = {}): Promise<SweepResults> {
  const started = Date.now();
  const backendOpt = options.backend ?? "auto";
  checkOneOf("backend", backendOpt, ["auto", "cpu", "cuda"] as const);
  const backend: Backend = backendOpt === "auto" ? (cudaAvailable() ? "cuda" : "cpu") : backendOpt;
  if (backend === "cuda") requireCuda(backendOpt);
  const config = resolveSweepOptions(options, backend);
  const { threads, ...cfg } = config;
  const device = options.device ?? (await measureDevice(backend, { threads }));
  const roof = roofline(device);
  const { B, H } = cfg;
  const chunk = cfg.chunk || undefined; // 0: each kernel's own
  const total = cfg.dtypes.length * cfg.dims.length * cfg.lengths.length * cfg.decays.length * cfg.methods.length;
  const rows: SweepRow[] = [];
  // Last measured time per method × dtype × dims: what longer lengths are extrapolated from.
  const lastTime = new Map<string, { N: number; ms: number; floor: number }>();
  const emit = (row: SweepRow): void => {
    rows.push(row);
    const elapsed = (Date.now() - started) / 1000;
    callbacks.onProgress?.({ done: rows.length, total, row, elapsedSeconds: elapsed, etaSeconds: (elapsed / rows.length) * (total - rows.length) });
  };

  for (const dtype of cfg.dtypes) {
    for (const { r, d } of cfg.dims) {
      for (const N of cfg.lengths) {
        const shape = { B, H, N, r, d, chunk };
        const ioBytes = ioElements(shape) * bytesPerElement(dtype);
        let inputs: { q: Tensor; k: Tensor; v: Tensor; host: { q: ArrayLike<number>; k: ArrayLike<number>; v: ArrayLike<number> } } | undefined;
        const references = new Map<number, ReferenceSample>();
        try {
          for (const decay of cfg.decays) {
            for (const id of cfg.methods) {
              const m = getMethod(id)!;
              const base = { method: id, backend, dtype, B, H, N, r, d, chunk: cfg.chunk, decay };
              let floor: Floor;
              let extra: number;
              try {
                floor = roof.floor(m, shape, dtype);
                extra = m.extraMemory(shape, dtype);
              } catch (e) {
                emit(failedRow(base, 0, 0, 0, 0, "memory", `the method's cost model threw: ${(e as Error).message}`));
                continue;
              }
              const model = { flops: floor.flops, bytes: floor.bytes, extraMemoryBytes: extra, floorMs: floor.seconds * 1e3, floorBound: floor.bound };
              const skip = (reason: string) => emit({ ...base, ...model, ...NO_MEASUREMENT, status: "skipped", reason });
              const dtypes = m.dtypes[backend];
              if (!dtypes || !dtypes.includes(dtype)) {
                skip(dtypes ? `${id} does not run ${dtype} on ${backend} (it runs ${dtypes.join(", ")})` : `${id} does not run on ${backend}`);
                continue;
              }
              if (ioBytes + extra > cfg.memoryBudget) {
                skip(`needs ${mib(ioBytes + extra)} (inputs and output ${mib(ioBytes)}, extra ${mib(extra)} by the model), over the memory budget of ${mib(cfg.memoryBudget)}`);
                continue;
              }
              // Predicted time per call: extrapolated from the last measured length by the
              // ratio of the modelled floors, or the floor itself when nothing was measured.
              const key = `${id}|${dtype}|${r}|${d}`;
              const prev = lastTime.get(key);
              const perCall = prev ? (prev.ms * floor.seconds * 1e3) / prev.floor / 1e3 : floor.seconds;
              const basis = prev ? `extrapolated from ${prev.ms.toPrecision(3)} ms at N = ${prev.N}` : "the roofline floor";
              let warmup = cfg.warmup;
              let reps = cfg.reps;
              const calls = Math.floor(cfg.timeBudget / perCall);
              if (calls < 1 + warmup + reps) {
                warmup = Math.min(warmup, Math.max(0, calls - 2));
                reps = calls - 1 - warmup;
                if (reps < 1) {
                  skip(`predicted ${perCall.toPrecision(3)} s per call (${basis}) does not fit the time budget of ${cfg.timeBudget} s for one run and one timed run`);
                  continue;
                }
              }
              try {
                if (!inputs) inputs = makeInputs(shape, dtype, backend, cfg.seed);
                const { output, samples, rssGrowth: grown } = await measureMethod(m, inputs.q, inputs.k, inputs.v, { decay, backend, chunk, threads }, warmup, reps);
                const rssGrowth = backend === "cpu" ? grown : null;
                let relError: number | null = null;
                if (cfg.errorSample > 0) {
                  let ref = references.get(decay);
                  if (!ref) {
                    ref = referenceSample(inputs.host.q, inputs.host.k, inputs.host.v, N, r, d, -Math.log(decay), cfg.errorSample);
                    references.set(decay, ref);
                  }
                  relError = sampledError(output.toArray(), ref, d);
                }
                output.dispose();
                const med = median(samples);
                lastTime.set(key, { N, ms: med, floor: floor.seconds * 1e3 });
                emit({
                  ...base,
                  ...model,
                  status: "ok",
                  reason: null,
                  medianMs: med,
                  minMs: Math.min(...samples),
                  maxMs: Math.max(...samples),
                  reps: samples.length,
                  gbPerSecond: floor.bytes / (med * 1e6),
                  tflopPerSecond: floor.flops / (med * 1e9),
                  efficiency: (floor.seconds * 1e3) / med,
                  relError,
                  peakRssGrowthBytes: rssGrowth,
                });
              } catch (e) {
                emit({ ...base, ...model, ...NO_MEASUREMENT, status: "failed", reason: (e as Error).message ?? String(e) });
              }
            }
          }
        } finally {
          if (inputs && backend === "cuda") for (const t of [inputs.q, inputs.k, inputs.v]) t.dispose();
        }
      }
    }
  }

  return {
    schema: RESULTS_SCHEMA,
    schemaVersion: RESULTS_SCHEMA_VERSION,
    header: {
      library: "leet-decoding",
      version: info().version,
      date: new Date(started).toISOString(),
      durationSeconds: (Date.now() - started) / 1000,
      backend,
      device: {
        name: device.name,
        bandwidth: device.bandwidth,
        bandwidthSource: device.bandwidthSource,
        peakFlops: device.peakFlops,
        peakSource: device.peakSource,
        threads: backend === "cpu" ? threads ?? info().backends.cpu.threads : null,
      },
      runtime: `${process.version} ${process.platform} ${process.arch}`,
      config: cfg,
    },
    rows,
    fits: fitRows(rows),
  };
}

const NO_MEASUREMENT = {
  medianMs: null,
  minMs: null,
  maxMs: null,
  reps: null,
  gbPerSecond: null,
  tflopPerSecond: null,
  efficiency: null,
  relError: null,
  peakRssGrowthBytes: null,
} as const;

function failedRow(base: Pick<SweepRow, "method" | "backend" | "dtype" | "B" | "H" | "N" | "r" | "d" | "chunk" | "decay">, flops: number, bytes: number, extra: number, floorMs: number, bound: "memory" | "compute", reason: string): SweepRow {
  return { ...base, flops, bytes, extraMemoryBytes: extra, floorMs, floorBound: bound, ...NO_MEASUREMENT, status: "failed", reason };
}

function mib(bytes: number): string {
  return bytes >= 1 << 30 ? `${(bytes / (1 << 30)).toFixed(1)} GiB` : `${(bytes / (1 << 20)).toFixed(1)} MiB`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function makeInputs(shape: { B: number; H: number; N: number; r: number; d: number }, dtype: DType, backend: Backend, seed: number) {
  const { B, H, N, r, d } = shape;
  // k scaled by 1/√r keeps q·k of order 1, so outputs stay in range for the 16-bit types.
  const q = Tensor.randn([B, H, N, r], { dtype, seed });
  const k = Tensor.randn([B, H, N, r], { dtype, seed: seed + 1, std: 1 / Math.sqrt(r) });
  const v = Tensor.randn([B, H, N, d], { dtype, seed: seed + 2 });
  // The error check reads the first (b, h) only: keep just its values, decoded.
  const head = (t: Tensor, width: number) => decodeArray(t.data.subarray(0, N * width) as Storage, dtype);
  const host = { q: head(q, r), k: head(k, r), v: head(v, d) };
  if (backend === "cpu") return { q, k, v, host };
  return { q: q.to("cuda"), k: k.to("cuda"), v: v.to("cuda"), host };
}

/** Power-law fits per method × dtype × decay × (r, d) over the ok rows (>= 3 lengths). */
export function fitRows(rows: readonly SweepRow[]): FitRow[] {
  const groups = new Map<string, SweepRow[]>();
  for (const row of rows) {
    if (row.status !== "ok" || row.medianMs === null || !(row.medianMs > 0) || row.N < 2) continue;
    const key = `${row.method}|${row.dtype}|${row.decay}|${row.r}|${row.d}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(row);
  }
  const fits: FitRow[] = [];
  for (const group of groups.values()) {
    const byN = new Map(group.map((r) => [r.N, r.medianMs!]));
    if (byN.size < 3) continue;
    const lengths = [...byN.keys()].sort((a, b) => a - b);
    const f = fitScaling(lengths, lengths.map((n) => byN.get(n)!));
    const g = group[0];
    fits.push({
      method: g.method,
      dtype: g.dtype,
      decay: g.decay,
      r: g.r,
      d: g.d,
      lengths,
      exponent: f.exponent,
      stderr: Number.isFinite(f.stderr) ? f.stderr : null,
      ci95: Number.isFinite(f.stderr) ? f.ci95 : null,
      r2: f.r2,
      bestShape: f.bestShape,
    });
  }
  return fits;
}
