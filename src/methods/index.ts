// The method registry: one entry per method, in a fixed order.
import { blocked } from "./blocked";
import { fleet } from "./fleet";
import { fused } from "./fused";
import { lightning } from "./lightning";
import { recurrent } from "./recurrent";
import { recursive } from "./recursive";
import type { DType } from "../dtype";
import { Tensor } from "../tensor";
import { ArgumentError, checkOneOf, fail, failWith, formatShape } from "../validate";
import { ALL_DTYPES, BACKENDS, DEFAULT_CHUNK, type Backend, type MethodContext, type MethodInfo, type MethodRun, type ProblemShape } from "./types";
import { vanilla } from "./vanilla";

export type BuiltinMethodId = "vanilla" | "recurrent" | "blocked" | "recursive" | "fleet" | "lightning" | "fused";

const registry = new Map<string, MethodInfo>();
for (const m of [vanilla, recurrent, blocked, recursive, fleet, lightning, fused]) registry.set(m.id, m);

const list: MethodInfo[] = [...registry.values()];
const builtinIds = new Set(registry.keys());

/** Every registered method (built-in ones first); user methods join it when registered. */
export const methods: readonly MethodInfo[] = list;

/** @internal Adds an entry (used by registerMethod, which validates it first). */
export function addMethod(m: MethodInfo): void {
  registry.set(m.id, m);
  list.push(m);
}

export function methodIds(): string[] {
  return [...registry.keys()];
}

export function getMethod(id: string): MethodInfo | undefined {
  return registry.get(id);
}

export * from "./types";

/** The cost model a registered method brings (the same formulas built-in entries carry). */
export interface MethodComplexity {
  /** Floating-point operations of one call (multiply-add = 2). */
  flops(shape: ProblemShape): number;
  /** Bytes moved to and from memory by one call with `dtype` inputs and outputs. */
  bytes(shape: ProblemShape, dtype: DType): number;
  /** Working memory beyond inputs and outputs, in bytes. */
  extraMemory(shape: ProblemShape, dtype: DType): number;
  /** Asymptotic cost per (batch, head) as text, e.g. "O(N r d)". */
  asymptotic: string;
}

export interface MethodDefinition {
  /** The registry id (the `method` option): letters, digits, "-", "_"; not an existing id. */
  id: string;
  /** A human-readable name for tables and legends. Default: the id. */
  title?: string;
  /** Where the algorithm comes from. Default "registered by the user". */
  origin?: string;
  complexity: MethodComplexity;
  /** The implementation: inputs to the [B, H, N, d] output with q's dtype. */
  run: MethodRun;
  /** Backends and dtypes it accepts. Default { cpu: ["float32", "float64"] }. */
  dtypes?: Partial<Record<Backend, readonly DType[]>>;
}

/**
 * Adds a method of your own to the registry. It then takes part in decayAttention
 * (`method: id`), check, sweeps, plots and fits exactly like a built-in method.
 * Registering an id that exists is an error (unregisterMethod first to replace one).
 */
export function registerMethod(def: MethodDefinition): MethodInfo {
  if (def === null || typeof def !== "object") fail("method", "a method definition object", def);
  const { id, complexity: c, run } = def;
  if (typeof id !== "string" || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(id)) {
    fail("method.id", "a name of letters, digits, '-' or '_' starting with a letter", id);
  }
  if (id === "auto" || registry.has(id)) {
    throw new ArgumentError("method.id", `Expected a new method id for method.id but received "${id}": a method with that id is already registered (${["auto", ...registry.keys()].join(", ")})`);
  }
  if (typeof run !== "function") fail("method.run", "a function (q, k, v, context) => Tensor", run);
  if (c === null || typeof c !== "object") fail("method.complexity", "an object with flops, bytes, extraMemory and asymptotic", c);
  for (const f of ["flops", "bytes", "extraMemory"] as const) {
    if (typeof c[f] !== "function") fail(`method.complexity.${f}`, "a function of the problem shape", c[f]);
  }
  if (typeof c.asymptotic !== "string" || c.asymptotic.length === 0) fail("method.complexity.asymptotic", 'a non-empty string such as "O(N r d)"', c.asymptotic);
  // The formulas must give finite, non-negative numbers on a sample shape.
  const probe: ProblemShape = { B: 1, H: 2, N: 128, r: 16, d: 16, chunk: 64 };
  for (const f of ["flops", "bytes", "extraMemory"] as const) {
    const x = c[f](probe, "float32");
    if (typeof x !== "number" || !Number.isFinite(x) || x < 0) {
      fail(`method.complexity.${f}`, "a function returning a finite number >= 0", x, `at shape ${JSON.stringify(probe)}`);
    }
  }
  const dtypes: Partial<Record<Backend, readonly DType[]>> = {};
  for (const [backend, list] of Object.entries(def.dtypes ?? { cpu: ["float32", "float64"] })) {
    checkOneOf("method.dtypes", backend, BACKENDS);
    if (!Array.isArray(list) || list.length === 0) fail(`method.dtypes.${backend}`, "a non-empty array of dtypes", list);
    for (const t of list) checkOneOf(`method.dtypes.${backend}`, t, ALL_DTYPES);
    dtypes[backend as Backend] = [...list];
  }
  if (Object.keys(dtypes).length === 0) fail("method.dtypes", "at least one backend", def.dtypes);
  const info: MethodInfo = {
    id,
    title: def.title ?? id,
    origin: def.origin ?? "registered by the user",
    asymptotic: c.asymptotic,
    flops: (s) => c.flops(s),
    bytes: (s, t) => c.bytes(s, t),
    extraMemory: (s, t) => c.extraMemory(s, t),
    dtypes,
    varlen: [],
    run,
  };
  addMethod(info);
  return info;
}

/** Removes a registered (user) method; built-in methods cannot be removed. Returns whether it existed. */
export function unregisterMethod(id: string): boolean {
  if (builtinIds.has(id)) throw new ArgumentError("id", `Expected the id of a registered user method for id but received "${id}": built-in methods cannot be removed`);
  const m = registry.get(id);
  if (!m) return false;
  registry.delete(id);
  list.splice(list.indexOf(m), 1);
  return true;
}

/** @internal Runs a registered method for decayAttention and checks what it returns. */
export async function runRegistered(
  m: MethodInfo,
  q: Tensor,
  k: Tensor,
  v: Tensor,
  call: { shape: ProblemShape; dtype: DType; backend: Backend; rates: Float64Array; scale: number; initialState?: unknown; returnState: boolean },
): Promise<Tensor> {
  if (call.initialState !== undefined || call.returnState) {
    failWith(call.initialState !== undefined ? "initialState" : "returnState", `no state options for the registered method "${m.id}" (it returns the output only)`, call.initialState !== undefined ? "an initial state" : "returnState: true");
  }
  const { B, H, N, r, d } = call.shape;
  const context: MethodContext = {
    shape: { B, H, N, r, d, chunk: call.shape.chunk ?? DEFAULT_CHUNK },
    dtype: call.dtype,
    backend: call.backend,
    decayRates: Float64Array.from(call.rates),
    decay: call.rates.map((s) => Math.exp(-s)),
    scale: call.scale,
  };
  const out = await m.run!(q, k, v, context);
  const want = [B, H, N, d];
  if (!(out instanceof Tensor)) {
    throw new Error(`method "${m.id}": run returned ${out === null ? "null" : typeof out === "object" ? "an object that is not a Tensor" : typeof out}; expected a Tensor of shape ${formatShape(want)}`);
  }
  if (out.shape.length !== 4 || out.shape.some((x, i) => x !== want[i])) {
    throw new Error(`method "${m.id}": run returned a tensor of shape ${formatShape(out.shape)}; expected [B, H, N, d] = ${formatShape(want)}`);
  }
  if (out.dtype !== call.dtype) {
    throw new Error(`method "${m.id}": run returned dtype ${out.dtype}; expected ${call.dtype} (the dtype of q)`);
  }
  return out;
}
