// Where a Decoder.step's wall time goes on the GPU (B=1 and 64, H=32, r=d=128): the
// whole step from the caller for each kernel variant (LEET_CUDA_DECODE=0 scan, 1-3 the
// decode variants; interleaved in one process, two rounds), addon runSync on a prebuilt
// baton (read_baton + make_context + launch + sync, no allocation), decayAttention with
// the step's options, planCall alone, one DeviceBuffer alloc + free. Medians of 300
// after 50 warm-ups.
// Run from the repo root with dist/ built and the addon in build/Release (or
// LEET_DECODING_ADDON): node scripts/gpu-harness/step-breakdown.js
"use strict";
const path = require("node:path");
const dist = path.resolve(__dirname, "..", "..", "dist");
const { createDecoder } = require(path.join(dist, "decoder.js"));
const { decayAttention, planCall, makeBaton } = require(path.join(dist, "operator.js"));
const { addon } = require(path.join(dist, "binding", "addon.js"));
const { Tensor } = require(path.join(dist, "tensor.js"));

const med = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
async function timeIt(f, reps = 300, warm = 50) {
  for (let i = 0; i < warm; i++) await f();
  const t = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    await f();
    t.push(Number(process.hrtime.bigint() - t0) / 1e3);
  }
  return med(t);
}

(async () => {
  const H = 32, r = 128, d = 128;
  const decayRate = Array.from({ length: H }, (_, h) => 2 ** (-0.25 * (h + 1)));
  const rows = [];
  for (const dtype of ["float32", "bfloat16"]) {
    for (const B of [1, 64]) {
      const q = Tensor.randn([B, H, 1, r], { dtype, seed: 1 }).to("cuda");
      const k = Tensor.randn([B, H, 1, r], { dtype, seed: 2, std: 1 / Math.sqrt(r) }).to("cuda");
      const v = Tensor.randn([B, H, 1, d], { dtype, seed: 3 }).to("cuda");
      const s0 = Tensor.randn([B, H, r, d], { seed: 4 }).to("cuda");
      const opts = { decayRate, method: "recurrent", backend: "cuda", initialState: s0, returnState: true };
      const Dev = addon().DeviceBuffer;
      const bytes = B * H * r * d * 4;
      const plan = planCall(q, k, v, opts);
      const o = new Dev(B * H * d * (dtype === "float32" ? 4 : 2)), fin = new Dev(bytes);
      const baton = makeBaton(plan, { q: q.deviceBuffer, k: k.deviceBuffer, v: v.deviceBuffer, o, initialState: s0.deviceBuffer, finalState: fin });
      // the kernel variants interleaved in one process (LEET_CUDA_DECODE is read per call)
      const step = {}, sync = {}, call = {};
      for (let round = 0; round < 2; round++) {
        for (const dv of ["0", "1", "2", "3"]) {
          process.env.LEET_CUDA_DECODE = dv;
          const dec = createDecoder({ batch: B, heads: H, keyDim: r, valueDim: d, decayRate, dtype, backend: "cuda" });
          (step[dv] ??= []).push(await timeIt(async () => (await dec.step(q, k, v)).dispose()));
          dec.dispose();
          (sync[dv] ??= []).push(await timeIt(() => addon().runSync(baton)));
          if (dv === "1") (call[dv] ??= []).push(await timeIt(async () => { const x = await decayAttention(q, k, v, opts); x.output.dispose(); x.state.dispose(); }));
        }
      }
      delete process.env.LEET_CUDA_DECODE;
      const plan_us = await timeIt(() => planCall(q, k, v, opts));
      const alloc = await timeIt(() => new Dev(bytes).free());
      o.free(); fin.free();
      for (const t of [q, k, v, s0]) t.dispose();
      rows.push({ dtype, B, step, sync, call: call["1"], plan: plan_us, allocFree: alloc });
    }
  }
  const f = (a) => a.map((x) => x.toFixed(1)).join("/");
  console.log("step breakdown (µs, medians of 300; two interleaved rounds a/b; v0 = scan, v1-3 decode variants)");
  for (const x of rows) {
    console.log(`${x.dtype} B=${x.B}: planCall ${x.plan.toFixed(1)}  DeviceBuffer alloc+free ${x.allocFree.toFixed(1)}  decayAttention(v1) ${f(x.call)}`);
    for (const dv of ["0", "1", "2", "3"]) console.log(`   v${dv}: Decoder.step ${f(x.step[dv])}   runSync(prebuilt baton) ${f(x.sync[dv])}`);
  }
})().catch((e) => { console.error(e); process.exit(1); });
