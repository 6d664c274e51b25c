// Where a Decoder.step's wall time goes on the GPU (B=1 and 64, H=32, r=d=128, device
// inputs): the whole step waiting for the GPU each time, the step alone (queued, no
// wait), the native StepPlan.step call alone (+ wait), one DeviceBuffer alloc + free,
// synchronize() on an idle GPU, and the general decayAttention path for comparison.
// Medians of 300 after 50 warm-ups, microseconds.
// Run from the repo root with dist/ built and the addon in build/Release (or
// LEET_DECODING_ADDON): node scripts/gpu-harness/step-breakdown.js
"use strict";
const path = require("node:path");
const dist = path.resolve(__dirname, "..", "..", "dist");
const { createDecoder } = require(path.join(dist, "decoder.js"));
const { decayAttention } = require(path.join(dist, "operator.js"));
const { addon } = require(path.join(dist, "binding", "addon.js"));
const { Tensor } = require(path.join(dist, "tensor.js"));

const med = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
async function timeIt(f, reps = 300, warm = 50) {
  for (let i = 0; i < warm; i++) await f();
  addon().synchronize();
  const t = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    await f();
    t.push(Number(process.hrtime.bigint() - t0) / 1e3);
  }
  addon().synchronize();
  return med(t);
}

(async () => {
  const H = 32, r = 128, d = 128;
  const decayRate = Array.from({ length: H }, (_, h) => 2 ** (-0.25 * (h + 1)));
  const sync = () => addon().synchronize();
  const Dev = addon().DeviceBuffer;
  console.log("step breakdown (µs, medians of 300)");
  for (const dtype of ["float32", "bfloat16"]) {
    for (const B of [1, 64]) {
      const q = Tensor.randn([B, H, 1, r], { dtype, seed: 1 }).to("cuda");
      const k = Tensor.randn([B, H, 1, r], { dtype, seed: 2, std: 1 / Math.sqrt(r) }).to("cuda");
      const v = Tensor.randn([B, H, 1, d], { dtype, seed: 3 }).to("cuda");
      const s0 = Tensor.randn([B, H, r, d], { seed: 4 }).to("cuda");
      const dec = createDecoder({ batch: B, heads: H, keyDim: r, valueDim: d, decayRate, dtype, backend: "cuda" });
      const outBytes = B * H * d * (dtype === "float32" ? 4 : 2);
      const waited = await timeIt(async () => { const o = await dec.step(q, k, v); sync(); o.dispose(); });
      const queued = await timeIt(async () => (await dec.step(q, k, v)).dispose());
      const o = new Dev(outBytes);
      const plan = dec.stepPlan();
      const native = await timeIt(() => { plan.step(q.deviceBuffer, k.deviceBuffer, v.deviceBuffer, o); sync(); });
      const nativeQueued = await timeIt(() => plan.step(q.deviceBuffer, k.deviceBuffer, v.deviceBuffer, o));
      o.free();
      const allocFree = await timeIt(() => new Dev(outBytes).free());
      const idleSync = await timeIt(() => sync());
      const general = await timeIt(async () => {
        const x = await decayAttention(q, k, v, { decayRate, method: "recurrent", backend: "cuda", initialState: s0, returnState: true });
        sync();
        x.output.dispose();
        x.state.dispose();
      });
      dec.dispose();
      for (const t of [q, k, v, s0]) t.dispose();
      console.log(
        `${dtype} B=${B}: Decoder.step waited ${waited.toFixed(1)}, queued ${queued.toFixed(1)}; StepPlan.step waited ${native.toFixed(1)}, ` +
          `queued ${nativeQueued.toFixed(1)}; DeviceBuffer alloc+free ${allocFree.toFixed(1)}; idle synchronize ${idleSync.toFixed(1)}; ` +
          `decayAttention with state, waited ${general.toFixed(1)}`,
      );
    }
  }
})().catch((e) => { console.error(e); process.exit(1); });
