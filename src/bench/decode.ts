// The decoding benchmark of the decoding issue: one decode step (N = 1 per sequence,
// float32 state read and written on the GPU) at H=32, r=d=128 for B = 1 and 64, timed
// three ways: the kernel alone with CUDA events (after an L2 flush, see cuda::time); a
// whole Decoder.step from the caller's side, waiting for the GPU after each step
// (latency: JS, allocation, launch, kernel, synchronisation); and the caller's time per
// step over 200 steps issued back to back with one wait at the end (what a generation
// loop that keeps its tensors on the GPU pays). The floor is reading and writing the
// state once at the measured copy bandwidth. Also prefill with the final state
// returned, against the fused method without it. Prints a table, writes JSON.
import * as fs from "node:fs";
import * as path from "node:path";
import { addon } from "../binding/addon";
import { createDecoder } from "../decoder";
import type { DType } from "../dtype";
import { table } from "../format";
import { info } from "../info";
import { Tensor } from "../tensor";
import { copyBandwidth, median, timeAttention } from "../timing";
import { requireCuda } from "../backend";

export interface DecodeBenchRow {
  what: string;
  dtype: DType;
  B: number;
  N: number;
  kernelMs: number;
  /** Caller's wall time of one step including the wait for the GPU (median). */
  callerMs: number;
  /** Caller's wall time per step of 200 back-to-back steps and one wait. */
  pipelinedMs: number;
  floorMs: number;
  ratioToFloor: number;
}

export async function runDecodeBench(out = "bench"): Promise<DecodeBenchRow[]> {
  const H = 32, r = 128, d = 128;
  const decayRate = Array.from({ length: H }, (_, h) => 2 ** (-0.25 * (h + 1)));
  requireCuda();
  const bw = await copyBandwidth("cuda", 1 << 30);
  const rows: DecodeBenchRow[] = [];
  for (const dtype of ["bfloat16", "float32"] as DType[]) {
    for (const B of [1, 64]) {
      const q = Tensor.randn([B, H, 1, r], { dtype, seed: 1 }).to("cuda");
      const k = Tensor.randn([B, H, 1, r], { dtype, seed: 2, std: 1 / Math.sqrt(r) }).to("cuda");
      const v = Tensor.randn([B, H, 1, d], { dtype, seed: 3 }).to("cuda");
      const s0 = Tensor.randn([B, H, r, d], { seed: 4 }).to("cuda");
      const kernel = await timeAttention(q, k, v, { decayRate, method: "recurrent", backend: "cuda", initialState: s0, returnState: true, warmup: 5, reps: 50 });
      const dec = createDecoder({ batch: B, heads: H, keyDim: r, valueDim: d, decayRate, dtype, backend: "cuda" });
      const sync = addon().synchronize;
      // warm-up: long enough for V8 to optimise the step path (a generation loop runs
      // thousands of steps)
      for (let i = 0; i < 500; i++) (await dec.step(q, k, v)).dispose();
      sync();
      const wall: number[] = [];
      for (let i = 0; i < 200; i++) {
        const t0 = process.hrtime.bigint();
        const o = await dec.step(q, k, v);
        sync();
        wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
        o.dispose();
      }
      const rounds: number[] = [];
      for (let round = 0; round < 5; round++) {
        const t0 = process.hrtime.bigint();
        for (let i = 0; i < 200; i++) (await dec.step(q, k, v)).dispose();
        sync();
        rounds.push(Number(process.hrtime.bigint() - t0) / 1e6 / 200);
      }
      dec.dispose();
      const floorMs = ((2 * B * H * r * d * 4) / bw) * 1e3;
      rows.push({ what: "decode step", dtype, B, N: 1, kernelMs: kernel.median, callerMs: median(wall), pipelinedMs: median(rounds), floorMs, ratioToFloor: kernel.median / floorMs });
      for (const t of [q, k, v, s0]) t.dispose();
    }
    // Prefill with the final state, against fused without it.
    const N = 8192, B = 8;
    const q = Tensor.randn([B, H, N, r], { dtype, seed: 5 }).to("cuda");
    const k = Tensor.randn([B, H, N, r], { dtype, seed: 6, std: 1 / Math.sqrt(r) }).to("cuda");
    const v = Tensor.randn([B, H, N, d], { dtype, seed: 7 }).to("cuda");
    const bytes = B * H * N * (2 * r + 2 * d) * (dtype === "float32" ? 4 : 2);
    for (const withState of [false, true]) {
      // float32 prefill on the TF32 tensor-core path, as serving would run it.
      const precision = dtype === "float32" ? ("tf32" as const) : undefined;
      const t = await timeAttention(q, k, v, { decayRate, method: "fused", backend: "cuda", precision, returnState: withState, warmup: 2, reps: 10 });
      const floorMs = ((bytes + (withState ? B * H * r * d * 4 : 0)) / bw) * 1e3;
      const label = `prefill${withState ? " + state" : ""} (fused${precision ? ", tf32" : ""})`;
      rows.push({ what: label, dtype, B, N, kernelMs: t.median, callerMs: NaN, pipelinedMs: NaN, floorMs, ratioToFloor: t.median / floorMs });
    }
    for (const t of [q, k, v]) t.dispose();
  }
  const dev = info().backends.cuda.devices[0];
  console.log(`GPU: ${dev?.name ?? "?"}; copy bandwidth ${(bw / 1e12).toFixed(2)} TB/s; H=${H} r=d=${r}`);
  console.log(
    table(
      ["what", "dtype", "B", "N", "kernel ms", "caller ms (waits)", "caller ms/step (200 queued)", "floor ms", "kernel ×floor"],
      rows.map((x) => [x.what, x.dtype, String(x.B), String(x.N), x.kernelMs, x.callerMs, x.pipelinedMs, x.floorMs, x.ratioToFloor]),
    ),
  );
  fs.mkdirSync(out, { recursive: true });
  const file = path.join(out, "decode.json");
  fs.writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), device: dev, copyBandwidth: bw, rows }, null, 2));
  console.log(`wrote ${file}`);
  return rows;
}
