// The error check of a sweep row: the float64 reference on a sample of the output, the
// first (b, h) at the first P and the last P positions. The head's leading positions are
// a prefix problem; the trailing ones start from the float64 state of everything before
// them, passed to the reference as its initial state, so long-range decay is checked too.
import { referenceAttention } from "../reference";
import { Tensor } from "../tensor";

export interface ReferenceSample {
  /** Positions of (b, h) = (0, 0) compared, ascending. */
  positions: number[];
  /** Reference rows at those positions, positions.length × d. */
  values: Float64Array;
}

/**
 * q, k, v: the inputs' values (already rounded to their dtype) as [B, H, N, ·] arrays.
 * `rate` is head 0's decay rate s = −ln γ.
 */
export function referenceSample(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  v: ArrayLike<number>,
  N: number,
  r: number,
  d: number,
  rate: number,
  P: number,
): ReferenceSample {
  const slice = (src: ArrayLike<number>, width: number, from: number, to: number): Tensor => {
    const out = new Float64Array((to - from) * width);
    for (let i = 0; i < out.length; i++) out[i] = src[from * width + i];
    return Tensor.fromStorage(out, [1, 1, to - from, width], "float64");
  };
  const head = Math.min(N, P);
  const first = referenceAttention(slice(q, r, 0, head), slice(k, r, 0, head), slice(v, d, 0, head), { decayRate: rate }).output;
  const positions = Array.from({ length: head }, (_, i) => i);
  if (N === head) return { positions, values: first };
  const start = Math.max(head, N - P);
  // Float64 state after positions [0, start): S = Σ_j γ^(start−1−j) k_jᵀ v_j.
  const g = Math.exp(-rate);
  const S = new Float64Array(r * d);
  for (let j = 0; j < start; j++) {
    for (let x = 0; x < r * d; x++) S[x] *= g;
    for (let x = 0; x < r; x++) {
      const a = k[j * r + x];
      for (let y = 0; y < d; y++) S[x * d + y] += a * v[j * d + y];
    }
  }
  const init = Tensor.fromStorage(S, [1, 1, r, d], "float64");
  const tail = referenceAttention(slice(q, r, start, N), slice(k, r, start, N), slice(v, d, start, N), { decayRate: rate, initialState: init }).output;
  const values = new Float64Array((head + N - start) * d);
  values.set(first, 0);
  values.set(tail, head * d);
  for (let i = start; i < N; i++) positions.push(i);
  return { positions, values };
}

/** ‖a − b‖₂ / ‖b‖₂ over the sampled rows of `output` ([B, H, N, d] values); NaN/∞ anywhere gives Infinity. */
export function sampledError(output: ArrayLike<number>, sample: ReferenceSample, d: number): number {
  let num = 0;
  let den = 0;
  sample.positions.forEach((pos, i) => {
    for (let y = 0; y < d; y++) {
      const a = output[pos * d + y];
      const b = sample.values[i * d + y];
      if (!Number.isFinite(a)) num = Infinity;
      num += (a - b) ** 2;
      den += b * b;
    }
  });
  if (!Number.isFinite(num)) return Infinity;
  return den === 0 ? Math.sqrt(num) : Math.sqrt(num / den);
}
