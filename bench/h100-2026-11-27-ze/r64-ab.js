#!/usr/bin/env node
// Run ze, developer use: fused's packed segment model at float32 "exact", r = d = 64 (version
// 4's R = 64 GEN kernels), the default (dispatch-costed) against LEET_FUSED_PACKED_MODEL=1 (the
// waves), beside blocked and lightning; CUDA-event medians of 10 calls after 2, three
// alternating repeats. From the repository root: node bench/h100-2026-11-27-ze/r64-ab.js
"use strict";
const path = require("node:path");
const root = path.join(__dirname, "..", "..", "dist");
const { timeAttention } = require(root);
const { bigRandom } = require(path.join(root, "bench", "gpu"));
const packs = [[4096, 1000, 7000, 300, 4004], [2048, 512, 9000, 100, 1340], [14000, 1200, 2000, 800, 1500], [10000, 5000, 5000],
  [24000, 3000, 3000], [8192, 2048, 1024, 1536, 3000], [8000, 1000, 1000, 1000], [20000, 2000, 2000, 2000, 2000]];
async function main() {
  const H = 32, r = 64, d = 64;
  for (const pack of packs) {
    const N = pack.reduce((a, b) => a + b, 0);
    const cu = [0];
    for (const n of pack) cu.push(cu[cu.length - 1] + n);
    const q = bigRandom([1, H, N, r], "float32", 1, 1).t;
    const k = bigRandom([1, H, N, r], "float32", 2, 1 / Math.sqrt(r)).t;
    const v = bigRandom([1, H, N, d], "float32", 3, 1).t;
    const opts = { backend: "cuda", precision: "exact", cuSeqlens: cu, decayRate: Array.from({ length: H }, (_, h) => 2 ** (-0.25 * (h + 1))) };
    const t = { A: [], B: [] };
    for (let rep = 0; rep < 3; ++rep) {
      for (const w of rep % 2 ? ["B", "A"] : ["A", "B"]) {
        if (w === "A") process.env.LEET_FUSED_PACKED_MODEL = "1";
        else delete process.env.LEET_FUSED_PACKED_MODEL;
        t[w].push((await timeAttention(q, k, v, { ...opts, method: "fused", warmup: 2, reps: 10 })).median);
      }
    }
    delete process.env.LEET_FUSED_PACKED_MODEL;
    const med = (x) => [...x].sort((a, b) => a - b)[1];
    const other = async (m) => (await timeAttention(q, k, v, { ...opts, method: m, warmup: 2, reps: 10 })).median;
    const bl = await other("blocked"), li = await other("lightning");
    console.log(`[${pack.join(",")}] exact r64 d64: waves ${med(t.A).toFixed(3)} ms, default ${med(t.B).toFixed(3)} (B/A ${(med(t.B) / med(t.A)).toFixed(3)}); blocked ${bl.toFixed(3)}, lightning ${li.toFixed(3)}`);
    for (const x of [q, k, v]) x.dispose();
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
