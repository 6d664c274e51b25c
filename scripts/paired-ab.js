// GPU, developer use: the paired A/B that scripts/fused-*-ab.js share. One call timed under
// two settings of the environment the addon reads at each call: three alternating rounds of
// timeAttention (CUDA-event medians of 10 after 2 warm-up runs), A then B, B then A, A then
// B; the middle of each side's three; and the largest difference between the two outputs,
// relative to max |o| (0 where both settings computed the same thing). Each side's three
// medians are kept too (roundsA, roundsB), in the order they ran, and ratioABBA: B/A over
// the first four runs (A B B A), which a steady drift does not favour. The middle of three
// does: TF32 runs of ~1.5 ms slowed by 1-2% a run as the card came under its power cap,
// so the second round, B before A, gave B the faster middle (run zl, call 1: the same plan
// on both sides, 1x65536 0.973 by the middle, 0.987 by the four).
//   use(a): sets the environment for side A (a = true) or side B (a = false)
"use strict";
const path = require("node:path");
const { decayAttention, timeAttention } = require(path.join(__dirname, "..", "dist"));

async function pairedAB(q, k, v, opts, use) {
  const times = { A: [], B: [] };
  for (let rep = 0; rep < 3; ++rep) {
    for (const which of rep % 2 ? ["B", "A"] : ["A", "B"]) {
      use(which === "A");
      times[which].push((await timeAttention(q, k, v, { ...opts, warmup: 2, reps: 10 })).median);
    }
  }
  use(true);
  const oa = await decayAttention(q, k, v, opts);
  use(false);
  const ob = await decayAttention(q, k, v, opts);
  const a = (await oa.toHost()).toArray(), b = (await ob.toHost()).toArray();
  let diff = 0, scale = 0;
  for (let i = 0; i < a.length; ++i) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(a[i]));
  }
  oa.dispose();
  ob.dispose();
  const mid = (x) => [...x].sort((u, w) => u - w)[1];
  return { oldMs: mid(times.A), newMs: mid(times.B), ratio: mid(times.B) / mid(times.A), maxDiff: diff / scale,
    roundsA: times.A, roundsB: times.B, ratioABBA: (times.B[0] + times.B[1]) / (times.A[0] + times.A[1]) };
}

// The closing line over rows of { ratio, ratioABBA }: geometric means, how many moved by
// more than 2%.
function summary(rows) {
  const changed = rows.filter((x) => Math.abs(x.ratio - 1) > 0.02);
  const gmean = (key) => Math.exp(rows.reduce((s, x) => s + Math.log(x[key]), 0) / rows.length);
  return `${rows.length} cases: geometric mean B/A ${gmean("ratio").toFixed(3)} (A B B A: ${gmean("ratioABBA").toFixed(3)}); ` +
    `${changed.filter((x) => x.ratio < 1).length} faster and ` +
    `${changed.filter((x) => x.ratio > 1).length} slower by more than 2%; worst ${Math.max(...rows.map((x) => x.ratio)).toFixed(3)}, ` +
    `best ${Math.min(...rows.map((x) => x.ratio)).toFixed(3)}`;
}

module.exports = { pairedAB, summary };
