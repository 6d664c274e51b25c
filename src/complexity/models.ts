// Per-method cost models, read from the registry: FLOPs, bytes moved, extra memory and
// the asymptotic class, for one problem shape. Built-in and registered methods alike.
import type { DType } from "../dtype";
import { getMethod, methodIds, DEFAULT_CHUNK, type MethodInfo, type ProblemShape } from "../methods";
import { checkOneOf, fail } from "../validate";

export interface Complexity {
  method: string;
  title: string;
  /** Asymptotic cost per (batch, head), e.g. "O(N² (r+d))". */
  asymptotic: string;
  /** Floating-point operations of one call (multiply-add = 2). */
  flops: number;
  /** Bytes moved to and from memory by one call. */
  bytes: number;
  /** Working memory beyond inputs and outputs, bytes. */
  extraMemory: number;
  /** Arithmetic intensity, flops per byte. */
  intensity: number;
}

/** @internal The registry entry for an id (or the entry itself), with a clear error. */
export function resolveMethod(method: string | MethodInfo, name = "method"): MethodInfo {
  if (typeof method === "object" && method !== null && typeof (method as MethodInfo).flops === "function") return method as MethodInfo;
  const id = checkOneOf(name, method, methodIds());
  return getMethod(id)!;
}

/** @internal Checks a problem shape; chunk defaults to 64. */
export function checkProblemShape(shape: unknown, name = "shape"): Required<ProblemShape> {
  if (shape === null || typeof shape !== "object") fail(name, "an object { B, H, N, r, d, chunk? }", shape);
  const s = shape as Record<string, unknown>;
  for (const key of ["B", "H", "N", "r", "d"]) {
    const x = s[key];
    if (typeof x !== "number" || !Number.isInteger(x) || x < 1) fail(`${name}.${key}`, "an integer >= 1", x);
  }
  const chunk = s.chunk ?? DEFAULT_CHUNK;
  if (typeof chunk !== "number" || !Number.isInteger(chunk) || chunk < 1) fail(`${name}.chunk`, "an integer >= 1", chunk);
  return { B: s.B as number, H: s.H as number, N: s.N as number, r: s.r as number, d: s.d as number, chunk };
}

/** The cost of one call of `method` on `shape` with `dtype` inputs (default float32). */
export function complexity(method: string | MethodInfo, shape: ProblemShape, dtype: DType = "float32"): Complexity {
  const m = resolveMethod(method);
  const s = checkProblemShape(shape);
  const flops = m.flops(s);
  const bytes = m.bytes(s, dtype);
  return {
    method: m.id,
    title: m.title,
    asymptotic: m.asymptotic,
    flops,
    bytes,
    extraMemory: m.extraMemory(s, dtype),
    intensity: bytes > 0 ? flops / bytes : Infinity,
  };
}

/** complexity() of every registered method (or of `ids`), in registry order. */
export function complexityTable(shape: ProblemShape, dtype: DType = "float32", ids: readonly string[] = methodIds()): Complexity[] {
  return ids.map((id) => complexity(id, shape, dtype));
}
