// Times packed short sequences with returnState (final states written), H = 32, fp16 and
// float32 exact, r = d = 128 and 64: fused by default (cuda/short_seqs.cu where it
// applies) against the methods' own kernels (LEET_CUDA_SHORT=0) and recurrent.
// CUDA-event medians (timeAttention). The floor counts q, k, v, o and the final states
// once at 3.0 TB/s. Run on the GPU machine by scripts/gpu-check.sh varlen.
const { timeAttention, Tensor } = require("../dist");
async function main() {
  const H = 32;
  const decayRate = Array.from({ length: H }, (_, h) => 2 ** (-0.25 * (h + 1)));
  for (const [S, L] of [[4096, 4], [1024, 16], [256, 64]]) {
    for (const rd of [128, 64]) {
      for (const [dtype, precision] of [["float16", "exact"], ["float32", "exact"]]) {
        const N = S * L;
        const cu = Array.from({ length: S + 1 }, (_, i) => i * L);
        const q = Tensor.randn([1, H, N, rd], { dtype, seed: 1 }).to("cuda");
        const k = Tensor.randn([1, H, N, rd], { dtype, seed: 2, std: 1 / Math.sqrt(rd) }).to("cuda");
        const v = Tensor.randn([1, H, N, rd], { dtype, seed: 3 }).to("cuda");
        const row = [];
        for (const [label, method, env] of [["fused (default)", "fused", "1"], ["fused (own kernels)", "fused", "0"], ["lightning (own)", "lightning", "0"], ["recurrent", "recurrent", "1"]]) {
          process.env.LEET_CUDA_SHORT = env;
          const t = await timeAttention(q, k, v, { decayRate, cuSeqlens: cu, method, precision, returnState: true, backend: "cuda", warmup: 2, reps: 10 });
          row.push(`${label} ${t.median.toFixed(3)}`);
        }
        const stateBytes = S * H * rd * rd * 4, ioBytes = N * H * rd * 4 * (dtype === "float16" ? 2 : 4);
        console.log(`${dtype} ${precision} ${S}x${L} r=d=${rd} returnState: ${row.join(", ")} ms; floor ${((stateBytes + ioBytes) / 3.0e9).toFixed(3)} ms`);
        for (const t of [q, k, v]) t.dispose();
      }
    }
  }
  process.env.LEET_CUDA_SHORT = "1";
}
main().catch((e) => { console.error(e); process.exit(1); });
