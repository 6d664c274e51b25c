// Runs the Hopper wgmma walks of 16-bit inputs (cuda/fused_v2.cuh) on small shapes, for
// compute-sanitizer on the GPU machine (scripts/gpu-check.sh sanitize): fused on its
// 128- and 64-column output kernels (LEET_FUSED_OUT) with segments of 128 tokens (state
// pass and inline prefix), blocked's three passes at chunk 128 and lightning's single
// walk, a length that is not a multiple of the 64-token chunk, float16 and bfloat16.
// Prints each call's error against float64; racecheck reports shared-memory races (one
// such race, a decay table read before the barrier that orders its writes, was found this
// way in the eighteenth session).
const { decayAttention, referenceAttention, Tensor } = require("../dist");
const { relativeError } = require("../dist/reference");

async function main() {
  const [B, H, N, r, d] = [1, 2, 333, 128, 128];
  for (const [method, out] of [["fused", "128"], ["fused", "64"], ["blocked", ""], ["lightning", ""]]) {
    // (the addon reads these at each launch)
    if (out) Object.assign(process.env, { LEET_FUSED_OUT: out, LEET_FUSED_SEGMENT: "128" });
    else for (const name of ["LEET_FUSED_OUT", "LEET_FUSED_SEGMENT"]) delete process.env[name];
    for (const dtype of ["float16", "bfloat16"]) {
      const q = Tensor.randn([B, H, N, r], { dtype, seed: 1 });
      const k = Tensor.randn([B, H, N, r], { dtype, seed: 2, std: 1 / Math.sqrt(r) });
      const v = Tensor.randn([B, H, N, d], { dtype, seed: 3 });
      const opts = { decay: [0.9, 0.99], scale: 0.7, backend: "cuda", method, chunk: method === "blocked" ? 128 : undefined };
      const ref = referenceAttention(q, k, v, opts).output;
      const o = (await (await decayAttention(q, k, v, opts)).toHost()).toArray();
      const err = relativeError(o, ref).toExponential(2);
      console.log(`${method}${out ? ` (LEET_FUSED_OUT=${out})` : ""} ${B}x${H}x${N} r=${r} d=${d} ${dtype}: relative error ${err}`);
    }
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
