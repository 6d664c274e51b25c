// check: every method on every available backend against the float64 reference on random
// inputs with awkward sizes, per-head decays from 1 down to 1e-6. A method passes when
// its relative L2 error is within its dtype's tolerance.
import { cudaAvailable } from "../backend";
import type { DType } from "../dtype";
import { methods, type Backend } from "../methods";
import { decayAttention } from "../operator";
import { referenceAttention, relativeError } from "../reference";
import { Tensor } from "../tensor";
import { checkOneOf, fail } from "../validate";

export interface CheckOptions {
  /** Default: every backend available here. */
  backends?: Backend[];
  /** Default: every dtype the method runs on the backend. */
  dtypes?: DType[];
  /** Method ids. Default: every registered method. */
  methods?: string[];
  /** Problem size. Default B=2, H=4, N=257, r=24, d=40 (a partial last chunk, odd sizes). */
  shape?: { B: number; H: number; N: number; r: number; d: number };
  seed?: number;
}

export interface CheckRow {
  method: string;
  backend: Backend;
  dtype: DType;
  /** Relative L2 error against the float64 reference (Infinity for NaN output). */
  error: number | null;
  tolerance: number;
  status: "pass" | "fail" | "error";
  /** The thrown message, for status "error". */
  message?: string;
}

/**
 * Relative L2 error allowed per dtype on the check's problem: about ten times what a
 * straightforward computation in the dtype gets there (float32 ~2e-7, float16 ~2e-4,
 * bfloat16 ~1.6e-3: the 16-bit types accumulate in float32 but round their output).
 */
export const CHECK_TOLERANCE: Record<DType, number> = { float64: 1e-13, float32: 5e-6, float16: 2e-3, bfloat16: 1.6e-2 };

/** The per-head decays of the check: no decay, mild, strong, and 1e-6 (head h takes decays[h mod 4]). */
export const CHECK_DECAYS = [1, 0.95, 0.5, 1e-6];

export const CHECK_SHAPE = { B: 2, H: 4, N: 257, r: 24, d: 40 };

export async function checkMethods(options: CheckOptions = {}): Promise<CheckRow[]> {
  const backends = options.backends ?? (cudaAvailable() ? (["cpu", "cuda"] as Backend[]) : (["cpu"] as Backend[]));
  backends.forEach((b, i) => checkOneOf(`backends[${i}]`, b, ["cpu", "cuda"] as const));
  const ids = options.methods ?? methods.map((m) => m.id);
  const { B, H, N, r, d } = options.shape ?? CHECK_SHAPE;
  const seed = options.seed ?? 7;
  const decay = Array.from({ length: H }, (_, h) => CHECK_DECAYS[h % CHECK_DECAYS.length]);
  const rows: CheckRow[] = [];
  const refs = new Map<DType, { q: Tensor; k: Tensor; v: Tensor; ref: Float64Array }>();
  const problem = (dtype: DType) => {
    let p = refs.get(dtype);
    if (!p) {
      const q = Tensor.randn([B, H, N, r], { dtype, seed });
      const k = Tensor.randn([B, H, N, r], { dtype, seed: seed + 1, std: 1 / Math.sqrt(r) });
      const v = Tensor.randn([B, H, N, d], { dtype, seed: seed + 2 });
      p = { q, k, v, ref: referenceAttention(q, k, v, { decay }).output };
      refs.set(dtype, p);
    }
    return p;
  };
  for (const backend of backends) {
    for (const id of ids) {
      const m = methods.find((x) => x.id === id);
      if (!m) fail("methods", `registered method ids (${methods.map((x) => x.id).join(", ")})`, id);
      const dtypes = (options.dtypes ?? m.dtypes[backend] ?? []).filter((t) => m.dtypes[backend]?.includes(t));
      for (const dtype of dtypes) {
        const { q, k, v, ref } = problem(dtype);
        const tolerance = CHECK_TOLERANCE[dtype];
        try {
          const out = await decayAttention(q, k, v, { decay, method: id, backend });
          const host = await out.toHost();
          const error = relativeError(host.toArray(), ref);
          if (out !== host) out.dispose();
          rows.push({ method: id, backend, dtype, error, tolerance, status: error <= tolerance ? "pass" : "fail" });
        } catch (e) {
          rows.push({ method: id, backend, dtype, error: null, tolerance, status: "error", message: (e as Error).message });
        }
      }
    }
  }
  return rows;
}
