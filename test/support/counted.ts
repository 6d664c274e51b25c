// Instrumented float64 implementations of each algorithm that count what they do:
// multiply-adds (2 flops each; decay scalings are not counted, as in the registry), and
// bytes of intermediates written to and read back from memory (materialised score
// matrices, per-chunk states). Their outputs are checked against the reference, so the
// counts are counts of working algorithms.
import { recursiveSplit } from "../../src/methods/recursive";

export interface Counted {
  output: Float64Array;
  flops: number;
  /** Bytes of float32 intermediates written and read back (beyond inputs/outputs). */
  scratchBytes: number;
}

export interface Problem {
  Q: Float64Array; // [N, r] for one (b, h)
  K: Float64Array;
  V: Float64Array; // [N, d]
  N: number;
  r: number;
  d: number;
  s: number; // decay rate
  chunk: number;
}

const g = (s: number, n: number) => Math.exp(-s * n);

export function countedVanilla(p: Problem): Counted {
  const { Q, K, V, N, r, d, s } = p;
  let flops = 0;
  let scratch = 0;
  const P = new Float64Array(N * N);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j <= i; j++) {
      let dot = 0;
      for (let x = 0; x < r; x++) dot += Q[i * r + x] * K[j * r + x];
      flops += 2 * r;
      P[i * N + j] = dot * g(s, i - j);
      scratch += 4; // written
    }
  }
  const O = new Float64Array(N * d);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j <= i; j++) {
      const w = P[i * N + j];
      scratch += 4; // read back
      for (let y = 0; y < d; y++) O[i * d + y] += w * V[j * d + y];
      flops += 2 * d;
    }
  }
  return { output: O, flops, scratchBytes: scratch };
}

export function countedRecurrent(p: Problem): Counted {
  const { Q, K, V, N, r, d, s } = p;
  const S = new Float64Array(r * d);
  const O = new Float64Array(N * d);
  let flops = 0;
  for (let i = 0; i < N; i++) {
    for (let x = 0; x < r * d; x++) S[x] *= g(s, 1);
    for (let x = 0; x < r; x++) for (let y = 0; y < d; y++) S[x * d + y] += K[i * r + x] * V[i * d + y];
    flops += 2 * r * d;
    for (let x = 0; x < r; x++) for (let y = 0; y < d; y++) O[i * d + y] += Q[i * r + x] * S[x * d + y];
    flops += 2 * r * d;
  }
  return { output: O, flops, scratchBytes: 0 };
}

// Chunked form shared by blocked (states stored per chunk) and lightning (running state).
function chunked(p: Problem, storeStates: boolean): Counted {
  const { Q, K, V, N, r, d, s, chunk } = p;
  const O = new Float64Array(N * d);
  let S = new Float64Array(r * d);
  let flops = 0;
  let scratch = 0;
  for (let c0 = 0; c0 < N; c0 += chunk) {
    const c = Math.min(chunk, N - c0);
    for (let i = 0; i < c; i++) {
      for (let j = 0; j <= i; j++) {
        let dot = 0;
        for (let x = 0; x < r; x++) dot += Q[(c0 + i) * r + x] * K[(c0 + j) * r + x];
        const w = dot * g(s, i - j);
        for (let y = 0; y < d; y++) O[(c0 + i) * d + y] += w * V[(c0 + j) * d + y];
        flops += 2 * r + 2 * d;
      }
      // inter-chunk: γ^(i+1) q_i S
      for (let x = 0; x < r; x++) {
        const a = Q[(c0 + i) * r + x] * g(s, i + 1);
        for (let y = 0; y < d; y++) O[(c0 + i) * d + y] += a * S[x * d + y];
      }
      flops += 2 * r * d;
    }
    const next = new Float64Array(r * d);
    for (let x = 0; x < r * d; x++) next[x] = S[x] * g(s, c);
    for (let j = 0; j < c; j++) {
      for (let x = 0; x < r; x++) {
        const a = K[(c0 + j) * r + x] * g(s, c - 1 - j);
        for (let y = 0; y < d; y++) next[x * d + y] += a * V[(c0 + j) * d + y];
      }
    }
    flops += 2 * c * r * d;
    if (storeStates) scratch += 2 * 4 * r * d; // state written, read back by the next chunk's pass
    S = next;
  }
  return { output: O, flops, scratchBytes: scratch };
}

export const countedBlocked = (p: Problem) => chunked(p, true);
export const countedLightning = (p: Problem) => chunked(p, false);

export function countedRecursive(p: Problem): Counted {
  const { Q, K, V, r, d, s, chunk } = p;
  const O = new Float64Array(p.N * d);
  let flops = 0;
  const solve = (start: number, n: number): void => {
    if (n <= chunk) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++) {
          let dot = 0;
          for (let x = 0; x < r; x++) dot += Q[(start + i) * r + x] * K[(start + j) * r + x];
          const w = dot * g(s, i - j);
          for (let y = 0; y < d; y++) O[(start + i) * d + y] += w * V[(start + j) * d + y];
          flops += 2 * r + 2 * d;
        }
      }
      return;
    }
    const L = recursiveSplit(n, chunk);
    const R = n - L;
    solve(start, L);
    solve(start + L, R);
    const KV = new Float64Array(r * d); // Σ_j γ^(L−1−j) k_jᵀ v_j over the left half
    for (let j = 0; j < L; j++) {
      for (let x = 0; x < r; x++) {
        const a = K[(start + j) * r + x] * g(s, L - 1 - j);
        for (let y = 0; y < d; y++) KV[x * d + y] += a * V[(start + j) * d + y];
      }
    }
    flops += 2 * L * r * d;
    for (let i = 0; i < R; i++) {
      for (let x = 0; x < r; x++) {
        const a = Q[(start + L + i) * r + x] * g(s, i + 1);
        for (let y = 0; y < d; y++) O[(start + L + i) * d + y] += a * KV[x * d + y];
      }
    }
    flops += 2 * R * r * d;
  };
  solve(0, p.N);
  return { output: O, flops, scratchBytes: 0 };
}

export function countedFleet(p: Problem): Counted {
  const { Q, K, V, N, r, d, s } = p;
  const O = new Float64Array(N * d);
  let flops = 0;
  for (let x = 0; x < r; x++) {
    const acc = new Float64Array(d); // Σ_j γ^(i−j) k_jx v_j
    for (let i = 0; i < N; i++) {
      for (let y = 0; y < d; y++) acc[y] = acc[y] * g(s, 1) + K[i * r + x] * V[i * d + y];
      flops += 2 * d;
      for (let y = 0; y < d; y++) O[i * d + y] += Q[i * r + x] * acc[y];
      flops += 2 * d;
    }
  }
  return { output: O, flops, scratchBytes: 0 };
}
