// Sweep results made up from the cost models (no native code): time = floor × a fixed
// slowdown per method, so figure, schema and report tests run anywhere.
import type { DType } from "../../src";
import { fitRows, RESULTS_SCHEMA, RESULTS_SCHEMA_VERSION, type SweepResults, type SweepRow } from "../../src/bench";
import { roofline, type DeviceProfile } from "../../src/complexity";

export const FAKE_DEVICE: DeviceProfile = {
  backend: "cpu",
  name: "test CPU",
  bandwidth: 10e9,
  bandwidthSource: "made up for tests",
  peakFlops: { float32: 100e9, float64: 50e9, float16: 100e9, bfloat16: 100e9 },
  peakSource: "made up for tests",
};

export function syntheticResults(options: {
  methods?: string[];
  lengths?: number[];
  decays?: number[];
  dtypes?: DType[];
  headDims?: number[];
} = {}): SweepResults {
  const methods = options.methods ?? ["vanilla", "recurrent", "blocked", "recursive", "fleet"];
  const lengths = options.lengths ?? [256, 512, 1024, 2048, 4096];
  const decays = options.decays ?? [1, 0.9, 1e-3, 1e-6];
  const dtypes = options.dtypes ?? ["float32", "float16"];
  const dims = (options.headDims ?? [64]).map((x) => ({ r: x, d: x }));
  const roof = roofline(FAKE_DEVICE);
  const slowdown: Record<string, number> = { vanilla: 3, recurrent: 8, blocked: 2, recursive: 4, fleet: 10 };
  const rows: SweepRow[] = [];
  const B = 1, H = 2, chunk = 64;
  for (const dtype of dtypes) {
    for (const { r, d } of dims) {
      for (const N of lengths) {
        for (const decay of decays) {
          for (const method of methods) {
            const floor = roof.floor(method, { B, H, N, r, d, chunk }, dtype);
            const base = {
              method, backend: "cpu" as const, dtype, B, H, N, r, d, chunk, decay,
              flops: floor.flops, bytes: floor.bytes, extraMemoryBytes: 4 * N * (method === "vanilla" ? N : d),
              floorMs: floor.seconds * 1e3, floorBound: floor.bound,
            };
            if (method === "vanilla" && N >= 4096) {
              rows.push({ ...base, status: "skipped", reason: "over the time budget (synthetic)", medianMs: null, minMs: null, maxMs: null, reps: null, gbPerSecond: null, tflopPerSecond: null, efficiency: null, relError: null, peakRssGrowthBytes: null });
              continue;
            }
            const ms = floor.seconds * 1e3 * (slowdown[method] ?? 5);
            rows.push({
              ...base, status: "ok", reason: null, medianMs: ms, minMs: ms * 0.95, maxMs: ms * 1.1, reps: 5,
              gbPerSecond: floor.bytes / (ms * 1e6), tflopPerSecond: floor.flops / (ms * 1e9), efficiency: floor.seconds * 1e3 / ms,
              relError: (dtype === "float32" ? 1e-7 : 1e-3) * (1 + methods.indexOf(method)) * (decay < 0.01 ? 0.5 : 1),
              peakRssGrowthBytes: method === "vanilla" ? 4 * N * N : 1000,
            });
          }
        }
      }
    }
  }
  return {
    schema: RESULTS_SCHEMA,
    schemaVersion: RESULTS_SCHEMA_VERSION,
    header: {
      library: "leet-decoding", version: "0.0.0-test", date: new Date(0).toISOString(), durationSeconds: 1, backend: "cpu",
      device: { ...FAKE_DEVICE, threads: 2 },
      runtime: "test",
      config: { methods, lengths, decays, dtypes, dims, B, H, chunk, warmup: 1, reps: 5, timeBudget: 10, memoryBudget: 1e9, errorSample: 128, seed: 1 },
    },
    rows,
    fits: fitRows(rows),
  };
}
