#!/usr/bin/env node
// GPU, developer use: fused's segment lengths for fixed-length sequences (cuda/
// fused_kernels.cuh, segment_candidates), the thirty-fifth session's candidates (the
// default, B) against the powers of two alone (LEET_FUSED_SEGMODEL=0, A), alternating in one
// process. H = 32, r = d = 128 in float16, bfloat16, float32 at "tf32" and at "exact"; the
// issue's rows (where nothing may change) and lengths off the powers of two. Prints B/A per
// case (CUDA-event medians of three alternating runs) and the largest difference between
// the two outputs (0 where both took the same segments), and writes fused-segment-ab.json
// to the folder given (default out/).
//   node scripts/fused-segment-ab.js [OUT_DIR] [--only DTYPE]
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const root = path.join(__dirname, "..", "dist");
const { bigRandom } = require(path.join(root, "bench", "gpu"));
const { pairedAB, summary } = require("./paired-ab");

const args = process.argv.slice(2);
const atOnly = args.indexOf("--only");
const only = atOnly >= 0 ? args.splice(atOnly, 2)[1] : undefined;
const outDir = args[0] ?? "out";
const configs = [
  { dtype: "float16", precision: "exact" },
  { dtype: "bfloat16", precision: "exact" },
  { dtype: "float32", precision: "tf32" },
  { dtype: "float32", precision: "exact" },
];
// [B, N]: the rows first, then lengths just past, between and below powers of two
const shapes = [[1, 65536], [8, 8192], [1, 16421], [1, 24000], [1, 50000], [1, 65573], [1, 100000], [2, 40000], [3, 30000]];

async function main() {
  const [H, r, d] = [32, 128, 128];
  const rows = [];
  for (const cfg of configs.filter((c) => only === undefined || c.dtype === only)) {
    for (const [B, N] of shapes) {
      const q = bigRandom([B, H, N, r], cfg.dtype, 1, 1).t;
      const k = bigRandom([B, H, N, r], cfg.dtype, 2, 1 / Math.sqrt(r)).t;
      const v = bigRandom([B, H, N, d], cfg.dtype, 3, 1).t;
      const opts = { method: "fused", backend: "cuda", precision: cfg.precision,
        decayRate: Array.from({ length: H }, (_, h) => 2 ** (-0.25 * (h + 1))) };
      const useModel = (old) => {
        if (old) process.env.LEET_FUSED_SEGMODEL = "0";
        else delete process.env.LEET_FUSED_SEGMODEL;
      };
      const row = { ...cfg, B, N, ...(await pairedAB(q, k, v, opts, useModel)) };
      for (const t of [q, k, v]) t.dispose();
      rows.push(row);
      console.log(`${cfg.dtype} ${cfg.precision} ${B}×${N}: powers of two ${row.oldMs.toFixed(3)} ms, default ${row.newMs.toFixed(3)} ms, ` +
        `B/A ${row.ratio.toFixed(3)}, max |diff| ${row.maxDiff.toExponential(1)} of max |o|`);
    }
  }
  console.log(summary(rows));
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, "fused-segment-ab.json"), JSON.stringify({ date: new Date().toISOString(), rows }, null, 1));
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
