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
const { bigRandom } = require(path.join(root, "bench", "gpu"));
const { pairedAB, summary } = require("./paired-ab");
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
      const ab = await pairedAB(q, k, v, opts, useModel);
      for (const t of [q, k, v]) t.dispose();
      const row = { ...cfg, pack: `${pack.length}×~${Math.round(N / pack.length)} (longest ${Math.max(...pack)})`, ...ab };
      rows.push(row);
      console.log(`${cfg.dtype} ${cfg.precision} r${cfg.r} d${cfg.d} ${row.pack}: model ${baseline} ${row.oldMs.toFixed(3)} ms, ` +
        `default ${row.newMs.toFixed(3)} ms, B/A ${row.ratio.toFixed(3)}, max |diff| ${row.maxDiff.toExponential(1)} of max |o|`);
    }
  }
  console.log(summary(rows));
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, "fused-packed-ab.json"), JSON.stringify({ date: new Date().toISOString(), baseline, rows }, null, 1));
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
