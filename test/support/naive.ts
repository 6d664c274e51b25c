// The "straightforward computation in the same dtype" of the tolerance rule: the
// operator's definition with float32 arithmetic (Math.fround after every operation) for
// float32/float16/bfloat16 inputs, float64 for float64, and the output rounded to the
// dtype once.
import { Tensor, type DType } from "../../src";

export function naiveAttention(q: Tensor, k: Tensor, v: Tensor, rates: Float64Array, scale: number): Tensor {
  const [B, H, N, r] = q.shape;
  const d = v.shape[3];
  const f = q.dtype === "float64" ? (x: number) => x : Math.fround;
  const Q = q.toArray();
  const K = k.toArray();
  const V = v.toArray();
  const out = new Float64Array(B * H * N * d);
  const row = new Float64Array(d);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const base = (b * H + h) * N;
      for (let i = 0; i < N; i++) {
        row.fill(0);
        for (let j = 0; j <= i; j++) {
          let dot = 0;
          for (let x = 0; x < r; x++) dot = f(dot + f(Q[(base + i) * r + x] * K[(base + j) * r + x]));
          const w = f(dot * f(Math.exp(-rates[h] * (i - j))));
          for (let y = 0; y < d; y++) row[y] = f(row[y] + f(w * V[(base + j) * d + y]));
        }
        for (let y = 0; y < d; y++) out[(base + i) * d + y] = f(scale * row[y]);
      }
    }
  }
  return Tensor.from(out, [B, H, N, d], q.dtype as DType);
}
