// What every registry entry says about a method: where it comes from, what it costs
// (the complexity helpers and plots use these formulas), and where it runs.
import type { DType } from "../dtype";
import type { Tensor } from "../tensor";

export type Backend = "cpu" | "cuda";
export const BACKENDS: readonly Backend[] = ["cpu", "cuda"];

/** Problem size. `chunk` is the block/leaf size of chunked methods (default 64). */
export interface ProblemShape {
  B: number;
  H: number;
  N: number;
  r: number;
  d: number;
  chunk?: number;
}

export interface MethodInfo {
  /** Registry id, the `method` option. */
  readonly id: string;
  readonly title: string;
  /** Paper or code the algorithm comes from. */
  readonly origin: string;
  /** Asymptotic cost per (batch, head), e.g. "O(N² (r+d))". */
  readonly asymptotic: string;
  /** Floating-point operations (multiply-add = 2; decay scalings not counted). */
  flops(shape: ProblemShape): number;
  /** Bytes moved to and from memory by the algorithm, with `dtype` inputs/outputs. */
  bytes(shape: ProblemShape, dtype: DType): number;
  /** Working memory beyond inputs and outputs, in bytes (float32 intermediates). */
  extraMemory(shape: ProblemShape, dtype: DType): number;
  /** Where it runs and with which dtypes. */
  readonly dtypes: Readonly<Partial<Record<Backend, readonly DType[]>>>;
  /** Backends that accept packed variable-length sequences (cuSeqlens). */
  readonly varlen: readonly Backend[];
  /** @internal Index in native/params.h Method, for built-in methods. */
  readonly native?: number;
  /** A registered (user) method's implementation; built-in methods run natively instead. */
  readonly run?: MethodRun;
}

/** What a registered method's `run` is told about the call besides q, k and v. */
export interface MethodContext {
  /** B, H, N, r, d and the chunk option. */
  shape: Required<ProblemShape>;
  dtype: DType;
  backend: Backend;
  /** Per-head decay rates s_h = −ln γ_h (length H). */
  decayRates: Float64Array;
  /** Per-head decay factors γ_h = e^(−s_h) (length H). */
  decay: Float64Array;
  scale: number;
}

/**
 * A registered method: q, k [B, H, N, r] and v [B, H, N, d] (host tensors on the "cpu"
 * backend, device tensors on "cuda") to the output [B, H, N, d] with q's dtype.
 */
export type MethodRun = (q: Tensor, k: Tensor, v: Tensor, context: MethodContext) => Tensor | Promise<Tensor>;

export const DEFAULT_CHUNK = 64;

export const ALL_DTYPES: readonly DType[] = ["float32", "float64", "float16", "bfloat16"];
export const GPU_DTYPES: readonly DType[] = ["float32", "float16", "bfloat16"];

/** Elements of q, k, v and o together: the memory floor's traffic per call. */
export function ioElements(s: ProblemShape): number {
  return s.B * s.H * s.N * (2 * s.r + 2 * s.d);
}

/** Lengths of the chunks that split n positions into blocks of `chunk`. */
export function chunkLengths(n: number, chunk: number): number[] {
  const out: number[] = [];
  for (let c0 = 0; c0 < n; c0 += chunk) out.push(Math.min(chunk, n - c0));
  return out;
}

/** Causal intra-chunk matmul flops over all chunks: Σ c(c+1)(r+d). */
export function intraChunkFlops(n: number, chunk: number, r: number, d: number): number {
  return chunkLengths(n, chunk).reduce((acc, c) => acc + c * (c + 1) * (r + d), 0);
}
