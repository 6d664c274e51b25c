#!/usr/bin/env node
// Replays stored `bench-auto` results (auto.json files) through the current rules of
// method "auto" (src/auto.ts, built into dist/): for each case, the method auto picks now,
// its stored time against the fastest stored time, and the summary bench-auto prints
// (within 5% of the fastest, geometric mean). A rule change can so be checked against
// every grid measured on every card before a GPU is lent; the GPU run confirms it.
//
//   node scripts/auto-replay.js bench/<run>/auto-check/auto.json [more.json ...]
//
// The files must come from a Hopper GPU (the rules for compute capability 9.x apply);
// the device's streaming multiprocessors are taken as 132 (H100 and H200 SXM).
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { chooseMethod, methods } = require(path.join(__dirname, "..", "dist"));
const { caseLabel: label } = require(path.join(__dirname, "..", "dist", "bench", "auto"));

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node scripts/auto-replay.js AUTO_JSON [AUTO_JSON ...]");
  process.exit(2);
}

let failed = false;
for (const file of files) {
  const run = JSON.parse(fs.readFileSync(file, "utf8"));
  if (run.backend !== "cuda" || !Array.isArray(run.rows)) {
    console.error(`${file}: not a CUDA bench-auto result (backend ${run.backend})`);
    failed = true;
    continue;
  }
  const lines = [];
  let within = 0, rated = 0, logSum = 0, withinBefore = 0;
  for (const c of run.rows) {
    const shape = { B: c.B, H: c.H, N: c.N, r: c.r, d: c.d, chunk: 64 };
    const longest = c.packed ? Math.max(...c.packed) : c.N;
    const choice = chooseMethod(shape, c.dtype, "cuda", c.precision, {
      computeCapability: "9.0",
      multiprocessors: 132,
      packed: !!c.packed,
      sequences: c.packed ? c.packed.length : c.B,
      longestSequence: longest,
      states: false,
      initialState: false,
    });
    // as planCall: a method without packed sequences on CUDA falls back to blocked
    const m = methods.find((x) => x.id === choice.method);
    const pick = c.packed && m && !m.varlen.includes("cuda") ? "blocked" : choice.method;
    const timed = c.times.filter((t) => Number.isFinite(t.ms));
    const fastest = timed.reduce((a, b) => (b.ms < a.ms ? b : a));
    const t = c.times.find((x) => x.method === pick);
    if (c.ratio <= 1.05) withinBefore++;
    if (!t || !Number.isFinite(t.ms)) {
      lines.push(`  ${label(c)}: auto now ${pick} (was ${c.auto}): not timed in this run`);
      continue;
    }
    const ratio = t.ms / fastest.ms;
    rated++;
    logSum += Math.log(ratio);
    if (ratio <= 1.05) within++;
    if (pick !== c.auto) {
      lines.push(`  ${label(c)}: auto now ${pick} ×${ratio.toFixed(2)} (was ${c.auto} ×${c.ratio.toFixed(2)}), fastest ${fastest.method}`);
    } else if (ratio > 1.05) {
      lines.push(`  ${label(c)}: auto ${pick} ×${ratio.toFixed(2)} of ${fastest.method} (unchanged)`);
    }
  }
  const dev = run.device && typeof run.device === "object" ? run.device.name : run.device;
  console.log(`${file} (${dev ?? "device not recorded"}, ${run.date ?? "no date"}):`);
  for (const l of lines) console.log(l);
  console.log(`  within 5% of the fastest: ${within} of ${run.rows.length} now, ${withinBefore} as run; ` +
    `geometric mean ×${Math.exp(logSum / Math.max(rated, 1)).toFixed(3)} over ${rated}`);
}
process.exit(failed ? 1 : 0);
