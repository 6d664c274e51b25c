// The CPU speed benchmark of the foundation issue: each method at B=1, H=8, N=8192,
// r=d=64 float32 (GFLOP/s from the registry's formulas), and the speed-up of the fastest
// over the float64 reference at N=4096. Prints a table and writes bench/cpu.json.
import * as fs from "node:fs";
import * as path from "node:path";
import { table } from "../format";
import { info } from "../info";
import { methods } from "../methods";
import { referenceAttention } from "../reference";
import { Tensor } from "../tensor";
import { timeAttention } from "../timing";

export async function runCpuBench(outDir = "bench"): Promise<void> {
  const B = 1, H = 8, r = 64, d = 64;
  const decay = 0.99;
  const make = (N: number) => ({
    q: Tensor.randn([B, H, N, r], { seed: 1 }),
    k: Tensor.randn([B, H, N, r], { seed: 2, std: 1 / 8 }),
    v: Tensor.randn([B, H, N, d], { seed: 3 }),
  });
  const rows: Array<{ method: string; N: number; ms: number; gflops: number }> = [];
  for (const N of [8192, 4096]) {
    const { q, k, v } = make(N);
    for (const m of methods.filter((x) => x.native !== undefined && x.id !== "fused")) {
      if (m.id === "vanilla" && N > 4096) continue; // O(N²) memory and time: skipped at 8192
      const t = await timeAttention(q, k, v, { decay, method: m.id, backend: "cpu", warmup: 1, reps: 5 });
      rows.push({ method: m.id, N, ms: t.median, gflops: m.flops({ B, H, N, r, d }) / (t.median * 1e6) });
    }
  }
  // float64 reference at N = 4096 (the oracle, in TypeScript).
  const { q, k, v } = make(4096);
  const t0 = process.hrtime.bigint();
  referenceAttention(q, k, v, { decay });
  const refMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const at4096 = rows.filter((x) => x.N === 4096).sort((a, b) => a.ms - b.ms)[0];
  const best8192 = rows.filter((x) => x.N === 8192).sort((a, b) => b.gflops - a.gflops)[0];
  console.log(`CPU: ${info().backends.cpu.threads} threads, ${info().backends.cpu.simd}; B=${B} H=${H} r=d=${r} float32, decay ${decay}\n`);
  console.log(table(["method", "N", "ms (median)", "GFLOP/s"], rows.map((x) => [x.method, String(x.N), x.ms, x.gflops])));
  console.log(`\nfastest at N=8192: ${best8192.method}, ${best8192.gflops.toFixed(1)} GFLOP/s (target >= 45)`);
  console.log(`float64 reference at N=4096: ${refMs.toFixed(0)} ms; fastest method ${at4096.method} ${at4096.ms.toFixed(2)} ms: ${(refMs / at4096.ms).toFixed(0)}x faster (target >= 100x)`);
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, "cpu.json");
  fs.writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), info: info(), rows, referenceMs4096: refMs }, null, 2));
  console.log(`wrote ${file}`);
}
