// The float64 oracle: the operator's definition evaluated term by term in float64 from
// the tensors' actual (already rounded) values. Every method is tested against it.
import { resolveDecayRates, type DecayOptions } from "./decay";
import type { Tensor } from "./tensor";

export interface ReferenceOptions extends DecayOptions {
  /** Default 1. */
  scale?: number;
  /** [S, H, r, d] float32/float64 initial state. Default none (zeros). */
  initialState?: Tensor;
  /** Packed sequences' offsets along N (B must be 1). Default: one sequence per batch. */
  cuSeqlens?: readonly number[];
}

export interface ReferenceResult {
  /** [B, H, N, d] */
  output: Float64Array;
  /** [S, H, r, d] final states */
  state: Float64Array;
}

/** o_i = scale Σ_{j≤i} γ^(i−j) (q_i·k_j) v_j + scale γ^(i+1) q_i S_init, in float64. */
export function referenceAttention(q: Tensor, k: Tensor, v: Tensor, options: ReferenceOptions = {}): ReferenceResult {
  const [B, H, N, r] = q.shape;
  const d = v.shape[3];
  const rates = resolveDecayRates(options, H);
  const scale = options.scale ?? 1;
  const Q = Float64Array.from(q.toArray());
  const K = Float64Array.from(k.toArray());
  const V = Float64Array.from(v.toArray());
  const S0 = options.initialState ? Float64Array.from(options.initialState.toArray()) : undefined;
  const cu = options.cuSeqlens;
  const seqs: Array<{ b: number; start: number; len: number; s: number }> = [];
  if (cu) for (let s = 0; s + 1 < cu.length; s++) seqs.push({ b: 0, start: cu[s], len: cu[s + 1] - cu[s], s });
  else for (let b = 0; b < B; b++) seqs.push({ b, start: 0, len: N, s: b });
  const out = new Float64Array(B * H * N * d);
  const state = new Float64Array(seqs.length * H * r * d);
  const row = new Float64Array(d);
  for (const seq of seqs) {
    for (let h = 0; h < H; h++) {
      const s = rates[h];
      const base = (seq.b * H + h) * N + seq.start; // position index of the sequence's first token
      const st = (seq.s * H + h) * r * d;
      for (let i = 0; i < seq.len; i++) {
        row.fill(0);
        const qi = (base + i) * r;
        for (let j = 0; j <= i; j++) {
          const kj = (base + j) * r;
          let dot = 0;
          for (let x = 0; x < r; x++) dot += Q[qi + x] * K[kj + x];
          const w = dot * Math.exp(-s * (i - j));
          const vj = (base + j) * d;
          for (let y = 0; y < d; y++) row[y] += w * V[vj + y];
        }
        if (S0) {
          const g = Math.exp(-s * (i + 1));
          for (let x = 0; x < r; x++) {
            const a = Q[qi + x] * g;
            for (let y = 0; y < d; y++) row[y] += a * S0[st + x * d + y];
          }
        }
        const oi = (base + i) * d;
        for (let y = 0; y < d; y++) out[oi + y] = scale * row[y];
      }
      // Final state: γ^len S_init + Σ_j γ^(len−1−j) k_jᵀ v_j
      const g0 = Math.exp(-s * seq.len);
      for (let x = 0; x < r * d; x++) state[st + x] = S0 ? g0 * S0[st + x] : 0;
      for (let j = 0; j < seq.len; j++) {
        const g = Math.exp(-s * (seq.len - 1 - j));
        const kj = (base + j) * r;
        const vj = (base + j) * d;
        for (let x = 0; x < r; x++) {
          const a = K[kj + x] * g;
          for (let y = 0; y < d; y++) state[st + x * d + y] += a * V[vj + y];
        }
      }
    }
  }
  return { output: out, state };
}

/**
 * @internal ‖a − b‖₂ / ‖b‖₂ (‖a − b‖₂ when b is all zeros); a NaN or ∞ in `a` gives
 * Infinity (an unwritten, poisoned element). The error measure of every check and
 * benchmark against the reference.
 */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) return Infinity;
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return den === 0 ? Math.sqrt(num) : Math.sqrt(num / den);
}
