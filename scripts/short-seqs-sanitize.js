// Runs the packed short-sequence kernel (cuda/short_seqs.cu) on awkward shapes, for
// compute-sanitizer on the GPU machine (scripts/gpu-check.sh sanitize): r and d not
// multiples of 4, r = d = 256, one-token sequences, a tile of exactly 64 tokens, every
// input dtype, and short sequences among long ones (lightning and fused then skip them). Prints each call's error against float64; the sanitizer reports
// out-of-bounds accesses, races and uninitialized reads.
const { decayAttention, referenceAttention, Tensor } = require("../dist");

async function main() {
  // all short (one launch), then 40 short among two long ones (the short kernel, then the
  // methods' own kernels skipping the short sequences)
  const allShort = [1, 64, 3, 61, 1, 1, 40, 24, 17, 64, 5];
  const mixed = Array.from({ length: 42 }, (_, i) => (i === 10 ? 300 : i === 30 ? 100 : 1 + ((i * 7) % 40)));
  for (const [lens, method, shapes] of [
    [allShort, "fused", [[17, 33], [256, 256], [128, 8], [5, 250]]],
    [mixed, "fused", [[128, 128], [17, 33]]],
    [mixed, "lightning", [[128, 128], [64, 64]]],
  ]) {
  const cu = lens.reduce((acc, n) => [...acc, acc[acc.length - 1] + n], [0]);
  const N = cu[cu.length - 1];
  for (const [r, d] of shapes) {
    for (const dtype of ["float16", "bfloat16", "float32"]) {
      const q = Tensor.randn([1, 2, N, r], { dtype, seed: 1 });
      const k = Tensor.randn([1, 2, N, r], { dtype, seed: 2, std: 1 / Math.sqrt(r) });
      const v = Tensor.randn([1, 2, N, d], { dtype, seed: 3 });
      const opts = { decay: [0.9, 0.5], scale: 0.7, cuSeqlens: cu, backend: "cuda", method };
      const ref = referenceAttention(q, k, v, opts).output;
      // all short: with final states too (written by the same kernel)
      const res = await decayAttention(q, k, v, { ...opts, returnState: lens === allShort });
      const out = await (lens === allShort ? res.output : res).toHost();
      const o = out.toArray();
      let num = 0, den = 0;
      for (let i = 0; i < o.length; i++) {
        num += (o[i] - ref[i]) ** 2;
        den += ref[i] ** 2;
      }
      console.log(`${method}, ${lens.length} sequences (longest ${Math.max(...lens)}), r=${r} d=${d} ${dtype}: relative error ${Math.sqrt(num / den).toExponential(2)}`);
    }
  }
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
