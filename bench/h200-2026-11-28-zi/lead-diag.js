// Run zi, call 4: does LEET_FUSED_LEAD=1 change fused's output and time at 1x16421 (H = 32,
// r = d = 128, initial state in, final state out)? Call 3 found forced and off bitwise equal
// in float16 (the file's first test) but not in bfloat16. Fresh process; order off, forced,
// off, forced, default; then the time of each (CUDA-event medians).
"use strict";
const path = require("node:path");
const { decayAttention, timeAttention, Tensor } = require(path.join(process.cwd(), "dist"));
async function main() {
  const [H, N, r] = [32, 16421, 128];
  for (const dtype of ["float16", "bfloat16"]) {
    const q = Tensor.randn([1, H, N, r], { dtype, seed: 1 });
    const k = Tensor.randn([1, H, N, r], { dtype, seed: 2, std: 1 / Math.sqrt(r) });
    const v = Tensor.randn([1, H, N, r], { dtype, seed: 3 });
    const s0 = Tensor.randn([1, H, r, r], { seed: 4 });
    const opts = { decay: Array.from({ length: H }, (_, h) => [0.97, 0.3, 0.9995, 1e-3][h % 4]), initialState: s0, scale: 0.5, method: "fused", backend: "cuda" };
    const runs = [];
    for (const lead of ["0", "1", "0", "1", undefined]) {
      if (lead === undefined) delete process.env.LEET_FUSED_LEAD;
      else process.env.LEET_FUSED_LEAD = lead;
      const res = await decayAttention(q, k, v, { ...opts, returnState: true });
      const o = (await res.output.toHost()).toArray();
      const t = (await timeAttention(q, k, v, { ...opts, warmup: 2, reps: 10 })).median;
      runs.push({ lead: lead ?? "default", o, t });
    }
    const eq = (a, b) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
    const desc = runs.map((x, i) => `${x.lead}: ${x.t.toFixed(3)} ms, same as run 0 ${eq(x.o, runs[0].o)}, as run 1 ${eq(x.o, runs[1].o)}`);
    console.log(`${dtype} 1x${N}:\n  ${desc.join("\n  ")}`);
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
