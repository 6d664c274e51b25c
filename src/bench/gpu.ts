// The GPU benchmark of the CUDA issue: every method and dtype at H=32, r=d=128, N from
// 1024 to 65536 (B=1) and B=8, N=8192. Inputs live on the device before timing; kernel
// times are CUDA-event medians; the floor is the bytes of q, k, v read and o written once
// over the copy bandwidth measured in the same run. Prints a table and writes JSON.
import * as fs from "node:fs";
import * as path from "node:path";
import { allocate, bytesPerElement, decodeArray, encodeArray, type DType } from "../dtype";
import { decayAttention } from "../operator";
import { referenceSample, sampledError } from "./sample";
import { table } from "../format";
import { info } from "../info";
import { getMethod, ioElements, methods, type ProblemShape } from "../methods";
import { Random } from "../random";
import { Tensor } from "../tensor";
import { copyBandwidth, timeAttention } from "../timing";
import { requireCuda } from "../backend";

export interface GpuBenchOptions {
  methods?: string[];
  dtypes?: DType[];
  shapes?: Array<{ B: number; N: number }>;
  H?: number;
  r?: number;
  d?: number;
  reps?: number;
  out?: string;
  /** Skip a method at a shape when its predicted time (bytes at copy bandwidth ×20) exceeds this, ms. */
  budgetMs?: number;
  precision?: "exact" | "tf32";
}

export interface GpuBenchRow {
  method: string;
  dtype: DType;
  precision: string;
  B: number;
  H: number;
  N: number;
  r: number;
  d: number;
  ms: number;
  minMs: number;
  maxMs: number;
  gbps: number;
  floorMs: number;
  ratioToFloor: number;
  tflops: number;
  /** Relative error against float64 on head (0, 0)'s first and last 128 positions. */
  error: number;
  skipped?: string;
}

// Random values made fast for large tensors: one block of normals, repeated. Returns the
// tensor (on the device unless `location` says "cpu") and the host values of head (0, 0)
// for the reference sample.
export function bigRandom(shape: number[], dtype: DType, seed: number, std: number, location: "cpu" | "cuda" = "cuda"): { t: Tensor; head0: Float32Array } {
  const n = shape.reduce((a, b) => a * b, 1);
  const block = Math.min(n, 1 << 22);
  const rng = new Random(seed);
  const src = new Float32Array(block);
  for (let i = 0; i < block; i++) src[i] = std * rng.normal();
  const enc = encodeArray(src, dtype);
  const full = allocate(dtype, n);
  for (let off = 0; off < n; off += block) full.set((enc as Float32Array).subarray(0, Math.min(block, n - off)), off);
  const headLen = shape[2] * shape[3];
  const head0 = decodeArray(full.subarray(0, headLen) as Float32Array, dtype) as Float32Array;
  const t = Tensor.fromStorage(full, shape, dtype);
  return { t: location === "cuda" ? t.to("cuda") : t, head0 };
}

export async function runGpuBench(options: GpuBenchOptions = {}): Promise<GpuBenchRow[]> {
  const H = options.H ?? 32, r = options.r ?? 128, d = options.d ?? 128;
  const dtypes = options.dtypes ?? ["float16", "bfloat16", "float32"];
  const ids = options.methods ?? methods.filter((m) => m.native !== undefined && m.dtypes.cuda).map((m) => m.id);
  const shapes = options.shapes ?? [
    { B: 1, N: 1024 }, { B: 1, N: 4096 }, { B: 1, N: 16384 }, { B: 1, N: 65536 }, { B: 8, N: 8192 },
  ];
  const budgetMs = options.budgetMs ?? 2000;
  requireCuda();
  const bw = await copyBandwidth("cuda", 1 << 30);
  const dev = info().backends.cuda.devices[0];
  console.log(`GPU: ${dev?.name ?? "?"}; copy bandwidth ${(bw / 1e12).toFixed(2)} TB/s (read + write); H=${H} r=${r} d=${d}`);
  // ALiBi-style per-head decay rates as in ANCHORS.md: s_h = 2^(-0.25(h+1)).
  const decayRate = Array.from({ length: H }, (_, h) => 2 ** (-0.25 * (h + 1)));
  const rows: GpuBenchRow[] = [];
  for (const dtype of dtypes) {
    for (const { B, N } of shapes) {
      const shape: ProblemShape = { B, H, N, r, d };
      const qs = bigRandom([B, H, N, r], dtype, 1, 1);
      const ks = bigRandom([B, H, N, r], dtype, 2, 1 / Math.sqrt(r));
      const vs = bigRandom([B, H, N, d], dtype, 3, 1);
      const [q, k, v] = [qs.t, ks.t, vs.t];
      const sample = referenceSample(qs.head0, ks.head0, vs.head0, N, r, d, decayRate[0], 128);
      const floorMs = (ioElements(shape) * bytesPerElement(dtype)) / bw * 1e3;
      for (const id of ids) {
        const m = getMethod(id)!;
        const base = { method: id, dtype, precision: options.precision ?? "exact", B, H, N, r, d, floorMs };
        const predicted = (m.bytes(shape, dtype) / bw) * 1e3 * 20 + (m.flops(shape) / 5e12) * 1e3;
        if (predicted > budgetMs || m.extraMemory(shape, dtype) > 20e9) {
          rows.push({ ...base, ms: NaN, minMs: NaN, maxMs: NaN, gbps: NaN, ratioToFloor: NaN, tflops: NaN, error: NaN, skipped: `predicted ${predicted.toFixed(0)} ms > budget or too much memory` });
          continue;
        }
        try {
          const reps = options.reps ?? (N * B >= 65536 ? 10 : 30);
          const opts = { decayRate, method: id, backend: "cuda" as const, precision: options.precision };
          const out = await decayAttention(q, k, v, opts);
          const head = allocate(dtype, N * d); // (b, h) = (0, 0) is the first N·d elements
          out.deviceBuffer.download(head);
          out.dispose();
          const error = sampledError(decodeArray(head, dtype), sample, d);
          const t = await timeAttention(q, k, v, { ...opts, warmup: 2, reps });
          rows.push({
            ...base,
            ms: t.median,
            minMs: t.min,
            maxMs: t.max,
            gbps: (ioElements(shape) * bytesPerElement(dtype)) / (t.median * 1e6),
            ratioToFloor: t.median / floorMs,
            tflops: m.flops(shape) / (t.median * 1e9),
            error,
          });
        } catch (e) {
          rows.push({ ...base, ms: NaN, minMs: NaN, maxMs: NaN, gbps: NaN, ratioToFloor: NaN, tflops: NaN, error: NaN, skipped: (e as Error).message });
        }
      }
      q.dispose();
      k.dispose();
      v.dispose();
    }
  }
  console.log(
    table(
      ["method", "dtype", "B×N", "ms", "floor ms", "×floor", "GB/s", "TFLOP/s", "rel. error"],
      rows.map((x) => [x.method, x.dtype, `${x.B}×${x.N}`, x.skipped ? "skipped" : x.ms, x.floorMs, x.ratioToFloor, x.gbps, x.tflops, x.error.toExponential(1)]),
    ),
  );
  const out = options.out ?? "bench";
  fs.mkdirSync(out, { recursive: true });
  const file = path.join(out, "gpu.json");
  fs.writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), device: dev, copyBandwidth: bw, rows }, null, 2));
  console.log(`wrote ${file}`);
  return rows;
}
