// fp16 and bf16 packs of even 64-token (and 48-token) sequences, no state, H = 32: the
// short-sequence kernel forced (LEET_CUDA_SHORT=all) against the default (lightning).
const { timeAttention, Tensor } = require("../dist");
async function main() {
  const H = 32;
  const decayRate = Array.from({ length: H }, (_, h) => 2 ** (-0.25 * (h + 1)));
  for (const L of [64, 48, 33]) {
    for (const rd of [128, 64]) {
      const S = Math.floor(16384 / L), N = S * L;
      const cu = Array.from({ length: S + 1 }, (_, i) => i * L);
      const q = Tensor.randn([1, H, N, rd], { dtype: "float16", seed: 1 }).to("cuda");
      const k = Tensor.randn([1, H, N, rd], { dtype: "float16", seed: 2, std: 1 / Math.sqrt(rd) }).to("cuda");
      const v = Tensor.randn([1, H, N, rd], { dtype: "float16", seed: 3 }).to("cuda");
      const row = [];
      for (const [label, method, env] of [["short kernel", "fused", "all"], ["lightning", "lightning", "0"], ["fused default", "fused", "1"]]) {
        process.env.LEET_CUDA_SHORT = env;
        const t = await timeAttention(q, k, v, { decayRate, cuSeqlens: cu, method, backend: "cuda", warmup: 2, reps: 15 });
        row.push(`${label} ${t.median.toFixed(3)}`);
      }
      console.log(`fp16 ${S}x${L} r=d=${rd}: ${row.join(", ")} ms`);
      for (const t of [q, k, v]) t.dispose();
    }
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
