#!/usr/bin/env node
// GPU, developer use: fused on packed sequences, its segment model for packed sequences
// (cuda/fused_kernels.cuh, segment_plan_packed) against an earlier model, alternating in
// one process: LEET_FUSED_PACKED_MODEL=1, the thirtieth session's per-sequence waves (the
// default baseline), or =0, the mean-length model before it. The packs of bench-auto's
// grids with at least one sequence longer than 64 tokens, in bf16 at r = d = 96 and fp16 at
// r = d = 128 (version 1's mma.sync kernels) and float32 exact at r = d = 128 (version 4's
// GEN kernels). Prints B/A per case (CUDA-event medians) and the largest difference between
// the two outputs, and writes fused-packed-ab.json to the folder given (default out/).
//   node scripts/fused-packed-ab.js [OUT_DIR] [--baseline 0|1] [--only DTYPE]
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const root = path.join(__dirname, "..", "dist");
const { decayAttention, timeAttention } = require(root);
const { bigRandom } = require(path.join(root, "bench", "gpu"));
const { cudaAutoCases, cudaAutoCheckCases, cudaAutoVarlenCases, cudaAutoHoldoutCases } = require(path.join(root, "bench", "auto"));

const args = process.argv.slice(2);
const at = args.indexOf("--baseline");
const baseline = at >= 0 ? args.splice(at, 2)[1] : "1";
if (baseline !== "0" && baseline !== "1") throw new Error(`--baseline expects 0 or 1, got ${JSON.stringify(baseline)}`);
const atOnly = args.indexOf("--only");
const only = atOnly >= 0 ? args.splice(atOnly, 2)[1] : undefined;
const outDir = args[0] ?? "out";
const packs = [];
for (const c of [...cudaAutoCases(), ...cudaAutoCheckCases(), ...cudaAutoVarlenCases(), ...cudaAutoHoldoutCases()]) {
  if (!c.packed || Math.max(...c.packed) <= 64) continue;
  const key = c.packed.join(",");
  if (!packs.some((p) => p.join(",") === key)) packs.push(c.packed);
}
const configs = [
  { dtype: "bfloat16", precision: "exact", r: 96, d: 96 },
  { dtype: "float16", precision: "exact", r: 128, d: 128 },
  { dtype: "float32", precision: "exact", r: 128, d: 128 },
];

async function main() {
  const H = 32;
  const rows = [];
  for (const cfg of configs.filter((c) => only === undefined || c.dtype === only)) {
    for (const pack of packs) {
      const N = pack.reduce((a, b) => a + b, 0);
      const cu = [0];
      for (const n of pack) cu.push(cu[cu.length - 1] + n);
      const q = bigRandom([1, H, N, cfg.r], cfg.dtype, 1, 1).t;
      const k = bigRandom([1, H, N, cfg.r], cfg.dtype, 2, 1 / Math.sqrt(cfg.r)).t;
      const v = bigRandom([1, H, N, cfg.d], cfg.dtype, 3, 1).t;
      const opts = { method: "fused", backend: "cuda", precision: cfg.precision, cuSeqlens: cu,
        decayRate: Array.from({ length: H }, (_, h) => 2 ** (-0.25 * (h + 1))) };
      // the segment model the next calls take: the baseline (A) or the default (B)
      const useModel = (old) => {
        if (old) process.env.LEET_FUSED_PACKED_MODEL = baseline;
        else delete process.env.LEET_FUSED_PACKED_MODEL;
      };
      const times = { A: [], B: [] };
      for (let rep = 0; rep < 3; ++rep) {
        for (const which of rep % 2 ? ["B", "A"] : ["A", "B"]) {
          useModel(which === "A");
          times[which].push((await timeAttention(q, k, v, { ...opts, warmup: 2, reps: 10 })).median);
        }
      }
      useModel(true);
      const oa = await decayAttention(q, k, v, opts);
      useModel(false);
      const ob = await decayAttention(q, k, v, opts);
      const a = (await oa.toHost()).toArray(), b = (await ob.toHost()).toArray();
      let diff = 0, scale = 0;
      for (let i = 0; i < a.length; ++i) {
        diff = Math.max(diff, Math.abs(a[i] - b[i]));
        scale = Math.max(scale, Math.abs(a[i]));
      }
      for (const t of [q, k, v, oa, ob]) t.dispose();
      const med = (x) => [...x].sort((u, w) => u - w)[1];
      const row = { ...cfg, pack: `${pack.length}×~${Math.round(N / pack.length)} (longest ${Math.max(...pack)})`,
        oldMs: med(times.A), newMs: med(times.B), ratio: med(times.B) / med(times.A), maxDiff: diff / scale };
      rows.push(row);
      console.log(`${cfg.dtype} ${cfg.precision} r${cfg.r} d${cfg.d} ${row.pack}: model ${baseline} ${row.oldMs.toFixed(3)} ms, ` +
        `default ${row.newMs.toFixed(3)} ms, B/A ${row.ratio.toFixed(3)}, max |diff| ${row.maxDiff.toExponential(1)} of max |o|`);
    }
  }
  const changed = rows.filter((r) => Math.abs(r.ratio - 1) > 0.02);
  const g = Math.exp(rows.reduce((s, r) => s + Math.log(r.ratio), 0) / rows.length);
  console.log(`${rows.length} cases: geometric mean B/A ${g.toFixed(3)}; ${changed.filter((r) => r.ratio < 1).length} faster and ` +
    `${changed.filter((r) => r.ratio > 1).length} slower by more than 2%; worst ${Math.max(...rows.map((r) => r.ratio)).toFixed(3)}, best ${Math.min(...rows.map((r) => r.ratio)).toFixed(3)}`);
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, "fused-packed-ab.json"), JSON.stringify({ date: new Date().toISOString(), baseline, rows }, null, 1));
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
