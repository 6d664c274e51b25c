#!/usr/bin/env node
// Run ze, developer use: fused on lopsided packs in float32 "exact" (r = d = 128, H = 32) at
// forced segment lengths (LEET_FUSED_SEGMENT), beside the model's own choice and blocked and
// lightning; CUDA-event medians of 10 calls after 2, each three times. From the repository
// root: node bench/h200-2026-11-27-ze/segment-sweep.js
"use strict";
const path = require("node:path");
const root = path.join(__dirname, "..", "..", "dist");
const { timeAttention } = require(root);
const { bigRandom } = require(path.join(root, "bench", "gpu"));

const packs = [[14000, 1200, 2000, 800, 1500], [10000, 5000, 5000], [24000, 3000, 3000], [9000, 3000, 3000, 3000],
  [20000, 2000, 2000, 2000, 2000], [12000, 12000], [8192, 2048, 1024, 1536, 3000]];
async function main() {
  const H = 32, r = 128, d = 128;
  for (const pack of packs) {
    const N = pack.reduce((a, b) => a + b, 0);
    const cu = [0];
    for (const n of pack) cu.push(cu[cu.length - 1] + n);
    const q = bigRandom([1, H, N, r], "float32", 1, 1).t;
    const k = bigRandom([1, H, N, r], "float32", 2, 1 / Math.sqrt(r)).t;
    const v = bigRandom([1, H, N, d], "float32", 3, 1).t;
    const opts = { backend: "cuda", precision: "exact", cuSeqlens: cu, decayRate: Array.from({ length: H }, (_, h) => 2 ** (-0.25 * (h + 1))) };
    const cells = [];
    const time = async (method, seg) => {
      if (seg) process.env.LEET_FUSED_SEGMENT = String(seg);
      else delete process.env.LEET_FUSED_SEGMENT;
      const t = [];
      for (let i = 0; i < 3; ++i) t.push((await timeAttention(q, k, v, { ...opts, method, warmup: 2, reps: 10 })).median);
      delete process.env.LEET_FUSED_SEGMENT;
      return t.sort((a, b) => a - b)[1];
    };
    cells.push(`blocked ${(await time("blocked")).toFixed(3)}`, `lightning ${(await time("lightning")).toFixed(3)}`, `fused ${(await time("fused")).toFixed(3)}`);
    for (const L of [1024, 2048, 4096, 8192, 16384]) cells.push(`L=${L} ${(await time("fused", L)).toFixed(3)}`);
    console.log(`[${pack.join(",")}]: ${cells.join(", ")}`);
    for (const t of [q, k, v]) t.dispose();
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
