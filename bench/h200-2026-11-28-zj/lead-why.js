// Run zj: where does LEET_FUSED_LEAD=1 (forced; an error that names the cause when the plan
// does not fit) fail at B = 1, H = 32, r = d = 128? Host or device inputs, with an initial
// state and the final state or without, 16384 and 16421 tokens, float16 and float32 (tf32).
// Prints "ran" or the error per case. Run it with LEET_DECODING_POISON=1 and without.
// (Calls 2 and 3 passed the initial state on the host with device inputs, which the
// library rejects: those lines say so.)
"use strict";
const path = require("node:path");
const { decayAttention, Tensor } = require(path.join(process.cwd(), "dist"));
async function main() {
  const [H, r] = [32, 128];
  const decay = Array.from({ length: H }, (_, h) => [0.97, 0.3, 0.9995, 1e-3][h % 4]);
  process.env.LEET_FUSED_LEAD = "1";
  for (const dtype of ["float16", "float32"]) {
    for (const N of [16384, 16421]) {
      const host = [1, 2, 3].map((seed) => Tensor.randn([1, H, N, r], { dtype, seed, std: seed === 2 ? 1 / Math.sqrt(r) : 1 }));
      const dev = host.map((t) => t.to("cuda"));
      const s0h = Tensor.randn([1, H, r, r], { seed: 4 });
      const s0d = s0h.to("cuda");
      for (const [where, [q, k, v], s0] of [["host", host, s0h], ["device", dev, s0d]]) {
        for (const state of [false, true]) {
          const opts = { decay, method: "fused", backend: "cuda", precision: dtype === "float32" ? "tf32" : undefined,
            ...(state ? { initialState: s0, returnState: true } : {}) };
          let what = "ran";
          try {
            const res = await decayAttention(q, k, v, opts);
            (res.output ?? res).dispose?.();
          } catch (e) {
            what = String(e.message ?? e);
          }
          console.log(`${dtype} 1x${N} ${where} inputs, state ${state}: ${what}`);
        }
      }
      for (const t of [...dev, s0d]) t.dispose();
    }
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
