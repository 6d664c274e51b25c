// Run zm, call 4 (an H100): TF32 shapes at which an H100 takes the 64-column kernels' one walk
// a sequence in three or five waves (out_narrow below 4 TB/s), paired against the 128-column
// kernels at their own segments (LEET_FUSED_OUT=128). A: the default; B: LEET_FUSED_OUT=128.
//   bash .gpu/run node bench/h200-2026-11-28-zm/zm-c4.js OUT_DIR
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const root = path.join(__dirname, "..", "..");
const { bigRandom } = require(path.join(root, "dist", "bench", "gpu"));
const { pairedAB, summary } = require(path.join(root, "scripts", "paired-ab"));

async function main() {
  const rows = [];
  for (const [B, H, N, d] of [[4, 40, 12000, 128], [4, 48, 8192, 128], [6, 48, 8192, 128], [3, 32, 16384, 256]]) {
    const q = bigRandom([B, H, N, 128], "float32", 1, 1).t;
    const k = bigRandom([B, H, N, 128], "float32", 2, 1 / Math.sqrt(128)).t;
    const v = bigRandom([B, H, N, d], "float32", 3, 1).t;
    const opts = { method: "fused", backend: "cuda", precision: "tf32",
      decayRate: Array.from({ length: H }, (_, h) => 2 ** (-0.25 * (h + 1))) };
    const use = (a) => {
      if (a) delete process.env.LEET_FUSED_OUT;
      else process.env.LEET_FUSED_OUT = "128";
    };
    const row = { dtype: "float32", precision: "tf32", B, H, N, d, ...(await pairedAB(q, k, v, opts, use)) };
    for (const t of [q, k, v]) t.dispose();
    rows.push(row);
    console.log(`tf32 ${B}×${N} H=${H} d=${d}: default ${row.oldMs.toFixed(3)} ms, LEET_FUSED_OUT=128 ${row.newMs.toFixed(3)} ms, ` +
      `B/A ${row.ratio.toFixed(3)} (A B B A ${row.ratioABBA.toFixed(3)}), max |diff| ${row.maxDiff.toExponential(1)} of max |o|`);
  }
  console.log(summary(rows));
  const out = process.argv[2] ?? "out";
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, "h100-waves.json"), JSON.stringify({ date: new Date().toISOString(), rows }, null, 1));
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
