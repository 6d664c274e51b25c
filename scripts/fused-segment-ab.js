#!/usr/bin/env node
// GPU, developer use: fused's segment lengths for fixed-length sequences (cuda/
// fused_kernels.cuh, segment_candidates and SegModel::long_state_us). The default (B)
// against an earlier model (A), alternating in one process:
//   --against 0  the powers of two alone (LEET_FUSED_SEGMODEL=0; the default)
//   --against 1  the thirty-fifth session's model: the even lengths at the 16-bit kernels'
//                old state cost (LEET_FUSED_SEGMODEL=1)
//   --against 2  the thirty-sixth session's model: the even lengths only next to the powers
//                of two, not every count up to 16 (LEET_FUSED_SEGMODEL=2)
//   --against 3  the thirty-seventh session's model: TF32 without the lead plan's cost
//                (LEET_FUSED_SEGMODEL=3)
//   --against 4  the thirty-eighth session's choice of output CTAs: on a card of at least
//                4 TB/s, the 64-column kernels' one walk a sequence in however many waves
//                (LEET_FUSED_SEGMODEL=4; out_narrow)
//   --against 5  the thirty-ninth session's 16-bit one walk a sequence of 67 to 88 walks on
//                a card of at least 4 TB/s, not cut into thirds (LEET_FUSED_SEGMODEL=5;
//                one_walk_thirds)
// Shapes: the issue's rows (where nothing may change) and lengths off the powers of two,
// H = 32, r = d = 128 (--grid issue, the default), or the 16-bit shapes whose segments the
// state cost moves, other B, H and d among them (--grid wide16), or the shapes whose
// segments every count moves, on either card, in fp16, TF32 and exact (--grid counts; by
// scripts/fused-bench/plan.cu, which prints the choices), or those and more that the memory
// bound moves, fp16 and TF32 (--grid bound), or shapes whose plans moved on an H100 in run
// zk's call 3, fp16, TF32 and exact (--grid h100), or the TF32 shapes that the lead plan's
// cost moves on either card (--grid lead), or the fp16, bf16 and TF32 shapes at which an H200 took
// the 64-column kernels' one walk in more than one wave of CTAs, by the fill of the last
// wave (--grid waves), or the fp16 and bf16 shapes whose one walk of 67 to 88 walks an H200
// cuts into thirds, with controls that keep it (--grid thirds), or the 85 to 88 of those
// (--grid two-waves). Prints B/A per case
// (CUDA-event medians of three alternating runs) and the largest difference between the two
// outputs (0 where both took the same segments), and writes fused-segment-ab.json to the
// folder given (default out/).
//   node scripts/fused-segment-ab.js [OUT_DIR] [--only DTYPE] [--against 0|1|2|3|4|5] [--grid issue|wide16|counts|bound|h100|lead|waves|thirds|two-waves]
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const root = path.join(__dirname, "..", "dist");
const { bigRandom } = require(path.join(root, "bench", "gpu"));
const { pairedAB, summary } = require("./paired-ab");

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : fallback;
};
const only = option("--only", undefined);
const against = option("--against", "0");
const grid = option("--grid", "issue");
if (!["0", "1", "2", "3", "4", "5"].includes(against)) throw new Error(`--against: expected 0, 1, 2, 3, 4 or 5, got ${against}`);
if (!["issue", "wide16", "counts", "bound", "h100", "lead", "waves", "thirds", "two-waves"].includes(grid)) {
  throw new Error(`--grid: expected issue, wide16, counts, bound, h100, lead, waves, thirds or two-waves, got ${grid}`);
}
const outDir = args[0] ?? "out";
const fp16 = { dtype: "float16", precision: "exact" }, bf16 = { dtype: "bfloat16", precision: "exact" };
const tf32 = { dtype: "float32", precision: "tf32" }, exact = { dtype: "float32", precision: "exact" };
const configs = {
  issue: [fp16, bf16, tf32, exact],
  wide16: [fp16, bf16],
  counts: [fp16, tf32, exact],
  bound: [fp16, tf32],
  h100: [fp16, tf32, exact],
  lead: [tf32],
  waves: [fp16, bf16, tf32],
  thirds: [fp16, bf16],
  "two-waves": [fp16, bf16],
}[grid];
// [B, H, N, d]
const shapes = {
  // the issue's rows first, then lengths just past, between and below powers of two
  issue: [[1, 65536], [8, 8192], [1, 16421], [1, 24000], [1, 50000], [1, 65573], [1, 100000], [2, 40000], [3, 30000]].map(
    ([B, N]) => [B, 32, N, 128]),
  // unchanged controls (the issue's rows), then the shapes whose segments move (by the
  // model run on the CPU; some only on an H200 or only on an H100)
  wide16: [[1, 32, 65536, 128], [8, 32, 8192, 128], [1, 32, 16421, 128], [1, 32, 30000, 128], [1, 32, 50000, 128],
    [1, 32, 65573, 128], [1, 32, 100000, 128], [2, 32, 40000, 128], [2, 32, 65573, 128], [1, 32, 40000, 256],
    [3, 32, 16384, 128], [3, 32, 16421, 128], [3, 32, 24000, 128], [3, 32, 65536, 128], [1, 40, 65536, 128],
    [1, 8, 20000, 128], [2, 16, 65573, 128]],
  // controls (the issue's rows), then shapes at which at least one of the three dtypes moves
  // on an H100 or an H200
  counts: [[1, 32, 65536, 128], [8, 32, 8192, 128], [1, 32, 24000, 128], [1, 32, 81920, 128], [1, 16, 24000, 128],
    [1, 16, 81920, 128], [1, 8, 24000, 128], [1, 8, 81920, 128], [1, 40, 16384, 128], [1, 40, 65536, 128],
    [1, 40, 81920, 128], [2, 40, 50000, 128], [2, 16, 24000, 128], [3, 8, 16384, 128], [3, 8, 65573, 128],
    [3, 16, 30000, 128], [3, 32, 24000, 128], [1, 16, 50000, 128], [4, 40, 24000, 128], [2, 8, 81920, 128]],
  // controls (the issue's row; 1x65573, whose plan stays), then B x H = 24 (to the lead
  // plan at five segments; at 3x81920 H = 8 the plan that run zk's call 3 lost on an H100)
  // and B x H = 32 at 30000 tokens (H100: to the plan from two 64-column segments)
  lead: [[1, 32, 65536], [1, 32, 65573], [3, 8, 81920], [1, 24, 24000], [1, 24, 32768], [1, 24, 40000], [3, 8, 50000],
    [1, 24, 65536], [2, 12, 65573], [1, 24, 100000], [3, 8, 131072], [1, 32, 30000], [4, 8, 30000], [2, 12, 81920]]
    .map(([B, H, N]) => [B, H, N, 128]),
  // controls that keep their plan (the issue's row; 32768 tokens; 96 and 90 walks; 64 walks,
  // the lead plan), then one walks of 72 to 88 walks, d of 128 and 256, lengths off the powers
  // of two, none of them in run zn's calls 2 and 3. The rule cuts them all into thirds (the
  // fortieth session's form stopped at 84 walks; run zo's calls 1 and 2 measured 85 to 90)
  thirds: [[1, 32, 65536, 128], [2, 40, 32768, 128], [3, 32, 65536, 128], [3, 30, 65536, 128], [2, 32, 131072, 128],
    [2, 44, 65536, 128], [2, 36, 49152, 128], [8, 10, 65536, 128], [6, 12, 81920, 128], [3, 28, 131072, 128],
    [2, 40, 50000, 128], [2, 40, 65573, 128], [5, 16, 98304, 128], [1, 40, 65573, 256], [1, 44, 81920, 256],
    [5, 8, 50000, 256], [2, 20, 65573, 256]],
  // the 85 to 88 walks that the rule took last (forty-first session): a control of 90 walks,
  // which keeps the one walk, then 88 walks at d = 128 and 256, lengths off those run zo ran
  "two-waves": [[3, 30, 65536, 128], [4, 22, 81920, 128], [1, 88, 50000, 128], [1, 44, 98304, 256], [2, 22, 65573, 256]],
}[grid === "bound" ? "counts" : grid] ?? [];
// --grid h100 and --grid waves: per configuration (h100: [B, H, N], d = 128; waves: [B, H,
// N, d], the controls first, then by the fill of the 64-column walk's last wave: 320 CTAs
// of 132 a wave fill 0.42 of the third)
const wavesConfig = {
  "float16 exact": [[1, 32, 65536, 128], [2, 32, 16384, 128],
    [3, 48, 16384, 128], [3, 48, 32768, 128], [6, 24, 24000, 128], [3, 24, 24000, 256], // 0.18
    [6, 48, 12000, 128], [3, 48, 12000, 256], // 0.36
    [4, 40, 16384, 128], [4, 40, 24000, 128], [4, 40, 32768, 128], [8, 20, 50000, 128], [2, 40, 24000, 256], // 0.42
    [8, 40, 4096, 128], [8, 40, 8192, 128], [4, 40, 8192, 256], // 0.85
    [4, 48, 4096, 128], [4, 48, 8192, 128], [4, 48, 12000, 128], [3, 32, 8192, 256]], // 0.91
  // (bf16: the same rule; four fp16 shapes it moves and one it keeps)
  "bfloat16 exact": [[1, 32, 65536, 128], [6, 24, 24000, 128], [4, 40, 16384, 128], [4, 40, 32768, 128],
    [2, 40, 24000, 256], [4, 48, 12000, 128]],
  "float32 tf32": [[1, 32, 65536, 128],
    [6, 48, 8192, 128], [6, 48, 16384, 128], [3, 48, 12000, 256], // 0.36
    [4, 40, 12000, 128], [8, 20, 12000, 128], // 0.42
    [8, 40, 16384, 128], // 0.85
    [4, 48, 8192, 128], [4, 48, 16384, 128], [4, 48, 24000, 128], [3, 32, 16384, 256]], // 0.91
};
const perConfig = {
  "float16 exact": [[1, 32, 65536], [1, 8, 30000], [1, 16, 24000], [1, 16, 65573], [1, 40, 32768], [1, 40, 65536],
    [2, 8, 81920], [2, 40, 24000], [2, 40, 65573], [3, 8, 65536], [3, 16, 50000], [3, 32, 65536], [4, 40, 30000]],
  "float32 tf32": [[1, 8, 24000], [1, 16, 24000], [1, 16, 81920], [1, 32, 81920], [1, 40, 81920], [2, 40, 50000],
    [3, 8, 81920], [3, 8, 100000], [3, 16, 24000]],
  "float32 exact": [[1, 32, 24000], [1, 32, 81920], [1, 40, 16384], [3, 8, 30000], [4, 40, 24000], [2, 16, 81920]],
};
// --grid bound: the counts shapes, then more that the memory bound moves (H200, then H100)
if (grid === "bound") {
  shapes.push(...[[3, 16, 16384], [3, 16, 65536], [2, 40, 24000], [3, 32, 65573], [1, 40, 100000], [8, 40, 30000],
    [3, 8, 50000], [3, 32, 65536], [1, 16, 65536], [1, 40, 50000], [3, 8, 40000], [2, 40, 65573], [4, 40, 32768]]
    .map(([B, H, N]) => [B, H, N, 128]));
}

async function main() {
  const r = 128;
  const rows = [];
  for (const cfg of configs.filter((c) => only === undefined || c.dtype === only)) {
    const key = `${cfg.dtype} ${cfg.precision}`;
    const list = grid === "h100" ? perConfig[key].map((x) => [...x, 128]) : grid === "waves" ? wavesConfig[key] : shapes;
    for (const [B, H, N, d] of list) {
      const q = bigRandom([B, H, N, r], cfg.dtype, 1, 1).t;
      const k = bigRandom([B, H, N, r], cfg.dtype, 2, 1 / Math.sqrt(r)).t;
      const v = bigRandom([B, H, N, d], cfg.dtype, 3, 1).t;
      const opts = { method: "fused", backend: "cuda", precision: cfg.precision,
        decayRate: Array.from({ length: H }, (_, h) => 2 ** (-0.25 * (h + 1))) };
      const useModel = (old) => {
        if (old) process.env.LEET_FUSED_SEGMODEL = against;
        else delete process.env.LEET_FUSED_SEGMODEL;
      };
      const row = { ...cfg, B, H, N, d, against, ...(await pairedAB(q, k, v, opts, useModel)) };
      for (const t of [q, k, v]) t.dispose();
      rows.push(row);
      console.log(`${cfg.dtype} ${cfg.precision} ${B}×${N} H=${H} d=${d}: LEET_FUSED_SEGMODEL=${against} ${row.oldMs.toFixed(3)} ms, ` +
        `default ${row.newMs.toFixed(3)} ms, B/A ${row.ratio.toFixed(3)} (A B B A ${row.ratioABBA.toFixed(3)}), max |diff| ${row.maxDiff.toExponential(1)} of max |o|`);
    }
  }
  console.log(summary(rows));
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, "fused-segment-ab.json"), JSON.stringify({ date: new Date().toISOString(), grid, against, rows }, null, 1));
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
