// decayAttention(): validate → pick method and backend → one native call. All checks
// happen here (and in validate.ts / decay.ts) before anything crosses into C++.
import { chooseMethod } from "./auto";
import { cudaAvailable, cudaComputeCapability, cudaMultiprocessors, defaultThreads, requireCuda } from "./backend";
import { addon, type RawBaton, type RawDeviceBuffer } from "./binding/addon";
import { resolveDecayRates, type DecayOptions } from "./decay";
import { allocate, allocatePoisoned, DTYPE_INDEX, type DType, type Storage } from "./dtype";
import { getMethod, methodIds, runRegistered, type Backend, type MethodInfo, type ProblemShape } from "./methods";
import { Tensor } from "./tensor";
import { checkFinite, checkOneOf, checkPositiveInteger, describe, fail, failWith, formatShape } from "./validate";

export type BackendOption = "auto" | Backend;
export type Precision = "exact" | "tf32";

export interface DecayAttentionOptions extends DecayOptions {
  /** Multiplies every output. Default 1. */
  scale?: number;
  /** A registered method id, or "auto" (see chooseMethod). Default "auto". */
  method?: string;
  /** "cpu", "cuda", or "auto": CUDA when it is usable, else the CPU. Default "auto". */
  backend?: BackendOption;
  /**
   * Chunk / block / leaf size of the chunked methods. Default: 64 on the CPU; on CUDA
   * each kernel's own tuned size (blocked picks it from the GPU's occupancy).
   */
  chunk?: number;
  /**
   * float32 inputs on tensor-core paths (CUDA: vanilla, blocked, recursive, lightning, fused): "exact" keeps float32
   * accuracy, "tf32" trades it (rel. error ~1e-3) for speed. Default "exact". With "tf32", `fused`'s Hopper kernels
   * round the values they compute in registers (state, decayed scores and keys) in a range narrower than float32's:
   * magnitudes above about 4e34 there become infinite.
   */
  precision?: Precision;
  /** CPU worker threads. Default: every core available to the process. */
  threads?: number;
  /** [S, H, r, d] float32 state to continue from (S = B, or the number of packed sequences). Default none (zeros). */
  initialState?: Tensor;
  /** Resolve to { output, state } with the final state. Default false. */
  returnState?: boolean;
  /** Offsets of sequences packed along N (B must be 1), like FlashAttention's cu_seqlens. Default none. */
  cuSeqlens?: readonly number[];
}

export interface AttentionWithState {
  output: Tensor;
  /** [S, H, r, d] float32 final state. */
  state: Tensor;
}

/** @internal A validated call. */
export interface Plan {
  method: MethodInfo;
  backend: Backend;
  dtype: DType;
  shape: ProblemShape;
  rates: Float64Array;
  scale: number;
  /** Chunk size passed to the kernel; 0 = the kernel's own default (CUDA). */
  chunk: number;
  threads: number;
  precision: Precision;
  initialState?: Tensor;
  returnState: boolean;
  cuSeqlens?: number[];
  numStates: number;
  autoReason?: string;
}

export const MAX_GPU_DIM = 256;

function checkTensor(name: string, t: unknown): Tensor {
  if (!(t instanceof Tensor)) fail(name, "a Tensor", t);
  if (t.disposed) failWith(name, "a live Tensor", "a disposed tensor");
  return t;
}

function checkRank4(name: string, t: Tensor, layout: string): void {
  if (t.shape.length !== 4) {
    failWith(name, `a rank-4 tensor ${layout}`, `shape ${formatShape(t.shape)} (rank ${t.shape.length})`);
  }
}

/** @internal Validates every argument and resolves method and backend. */
export function planCall(qIn: unknown, kIn: unknown, vIn: unknown, options: DecayAttentionOptions = {}): Plan {
  if (options === null || typeof options !== "object") fail("options", "an options object", options);
  const q = checkTensor("q", qIn);
  const k = checkTensor("k", kIn);
  const v = checkTensor("v", vIn);
  checkRank4("q", q, "[B, H, N, r]");
  checkRank4("k", k, "[B, H, N, r]");
  checkRank4("v", v, "[B, H, N, d]");
  const [B, H, N, r] = q.shape;
  if (k.shape.some((x, i) => x !== q.shape[i])) {
    failWith("k", `shape ${formatShape(q.shape)} (the shape of q)`, `shape ${formatShape(k.shape)}`);
  }
  const d = v.shape[3];
  if (v.shape[0] !== B || v.shape[1] !== H || v.shape[2] !== N) {
    failWith("v", `shape [${B}, ${H}, ${N}, d] (B, H, N of q)`, `shape ${formatShape(v.shape)}`);
  }
  for (const [name, t] of [["k", k], ["v", v]] as const) {
    if (t.dtype !== q.dtype) failWith(name, `dtype ${q.dtype} (the dtype of q)`, `dtype ${t.dtype}`);
    if (t.location !== q.location) failWith(name, `a tensor on ${q.location} (where q is)`, `a tensor on ${t.location}`);
  }
  const dtype = q.dtype;

  const rates = resolveDecayRates(options, H);
  const scale = options.scale === undefined ? 1 : checkFinite("scale", options.scale);
  const chunkOpt = options.chunk === undefined ? undefined : checkPositiveInteger("chunk", options.chunk, 4096);
  const threads = options.threads === undefined ? defaultThreads() : checkPositiveInteger("threads", options.threads, 1024);
  const precision = options.precision === undefined ? "exact" : checkOneOf("precision", options.precision, ["exact", "tf32"] as const);
  const returnState = options.returnState ?? false;
  if (typeof returnState !== "boolean") fail("returnState", "a boolean", returnState);

  // Backend.
  const backendOpt = options.backend ?? "auto";
  checkOneOf("backend", backendOpt, ["auto", "cpu", "cuda"] as const);
  let backend: Backend;
  if (backendOpt === "cuda") {
    requireCuda();
    backend = "cuda";
  } else if (backendOpt === "cpu") {
    if (q.location === "cuda") failWith("q", 'host tensors on the "cpu" backend', "a tensor on cuda (call await tensor.toHost() first)");
    backend = "cpu";
  } else {
    backend = q.location === "cuda" || (cudaAvailable() && dtype !== "float64") ? "cuda" : "cpu";
  }

  // Packed sequences.
  let cuSeqlens: number[] | undefined;
  if (options.cuSeqlens !== undefined) {
    const cu = options.cuSeqlens;
    const expected = `strictly increasing integer offsets starting at 0 and ending at N = ${N}`;
    if (!Array.isArray(cu) && !(ArrayBuffer.isView(cu) && !(cu instanceof DataView))) fail("cuSeqlens", expected, cu);
    const list = Array.from(cu as ArrayLike<number>);
    const ok =
      list.length >= 2 &&
      list[0] === 0 &&
      list[list.length - 1] === N &&
      list.every((x) => Number.isInteger(x)) &&
      list.every((x, i) => i === 0 || x > list[i - 1]);
    if (!ok) fail("cuSeqlens", expected, list);
    if (B !== 1) failWith("cuSeqlens", "B = 1 (sequences are packed along N)", `B = ${B}`);
    cuSeqlens = list;
  }
  const numStates = cuSeqlens ? cuSeqlens.length - 1 : B;

  // Method.
  const chunk = chunkOpt ?? (backend === "cuda" ? 0 : 64);
  const shape: ProblemShape = { B, H, N, r, d, chunk: chunkOpt ?? 64 };
  const methodOpt = options.method ?? "auto";
  const ids = methodIds();
  checkOneOf("method", methodOpt, ["auto", ...ids]);
  let autoReason: string | undefined;
  let id = methodOpt;
  if (methodOpt === "auto") {
    const choice = chooseMethod(shape, dtype, backend, precision, {
      computeCapability: backend === "cuda" ? cudaComputeCapability() : undefined,
      multiprocessors: backend === "cuda" ? cudaMultiprocessors() : undefined,
      packed: cuSeqlens !== undefined,
      sequences: numStates,
      longestSequence: cuSeqlens ? cuSeqlens.reduce((m, e, i) => (i > 0 && e - cuSeqlens![i - 1] > m ? e - cuSeqlens![i - 1] : m), 0) : N,
      states: options.initialState !== undefined || returnState,
      initialState: options.initialState !== undefined,
    });
    id = cuSeqlens && !getMethod(choice.method)!.varlen.includes(backend) ? "blocked" : choice.method;
    autoReason = choice.reason;
  }
  const method = getMethod(id)!;
  const dtypes = method.dtypes[backend];
  if (!dtypes) {
    failWith("backend", `a backend that runs method "${id}" (${Object.keys(method.dtypes).join(", ")})`, `"${backend}"`);
  }
  if (!dtypes.includes(dtype)) {
    failWith("q", `dtype ${dtypes.join(", ")} for method "${id}" on the ${backend} backend`, `dtype ${dtype}`);
  }
  if (backend === "cuda" && (r > MAX_GPU_DIM || d > MAX_GPU_DIM)) {
    failWith(r > MAX_GPU_DIM ? "q" : "v", `a feature size r, d <= ${MAX_GPU_DIM} on the cuda backend`, `r = ${r}, d = ${d}`);
  }
  if (method.native === undefined && cuSeqlens) {
    failWith("cuSeqlens", `no packed sequences for the registered method "${id}"`, "offsets");
  }
  if (cuSeqlens && !method.varlen.includes(backend)) {
    failWith("cuSeqlens", `a method that supports packed sequences on ${backend} (${ids.filter((m) => getMethod(m)!.varlen.includes(backend)).join(", ")})`, `method "${id}"`);
  }

  // Initial state.
  let initialState: Tensor | undefined;
  if (options.initialState !== undefined) {
    initialState = checkTensor("initialState", options.initialState);
    const want = [numStates, H, r, d];
    if (initialState.shape.length !== 4 || initialState.shape.some((x, i) => x !== want[i])) {
      failWith("initialState", `shape ${formatShape(want)} ([S, H, r, d], S = ${cuSeqlens ? "number of packed sequences" : "B"})`, `shape ${formatShape(initialState.shape)}`);
    }
    if (initialState.dtype !== "float32") failWith("initialState", "dtype float32", `dtype ${initialState.dtype}`);
    if (initialState.location !== q.location) {
      failWith("initialState", `a tensor on ${q.location} (where q is)`, `a tensor on ${initialState.location}`);
    }
  }
  return { method, backend, dtype, shape, rates, scale, chunk, threads, precision, initialState, returnState, cuSeqlens, numStates, autoReason };
}

function baton(plan: Plan, io: Pick<RawBaton, "q" | "k" | "v" | "o" | "initialState" | "finalState">): RawBaton {
  const { B, H, N, r, d } = plan.shape;
  return {
    backend: plan.backend,
    method: plan.method.native!,
    dtype: DTYPE_INDEX[plan.dtype],
    B, H, N, r, d,
    ...io,
    decayRate: plan.rates,
    scale: plan.scale,
    chunk: plan.chunk,
    threads: plan.threads,
    precision: plan.precision,
    cuSeqlens: plan.cuSeqlens ? Float64Array.from(plan.cuSeqlens) : undefined,
  };
}

// Poison device outputs (NaN in every dtype) when asked, so tests catch unwritten
// elements. Read once: process.env lookups cost microseconds on the decode-step path.
const POISON_DEVICE = process.env.LEET_DECODING_POISON === "1";
const poisonDevice = (): boolean => POISON_DEVICE;

/** @internal A new device buffer for an output (NaN-poisoned when tests ask for it). */
export function deviceOutput(bytes: number): RawDeviceBuffer {
  const buf = new (addon().DeviceBuffer)(bytes);
  if (poisonDevice()) buf.fill(0xff);
  return buf;
}

/** @internal Operands of one native call, on the plan's backend; `release` frees temporaries. */
export interface Operands {
  io: Pick<RawBaton, "q" | "k" | "v" | "o" | "initialState" | "finalState">;
  finish(): Promise<{ output: Tensor; state?: Tensor }>;
  /** Frees temporaries; after a failure (`failed`), the outputs too. */
  release(failed?: boolean): void;
}

/** @internal Places inputs and outputs where the backend needs them. */
export function prepareOperands(plan: Plan, q: Tensor, k: Tensor, v: Tensor): Operands {
  const { B, H, N, r, d } = plan.shape;
  const outShape = [B, H, N, d];
  const stateShape = [plan.numStates, H, r, d];
  if (plan.backend === "cpu") {
    const o = allocatePoisoned(plan.dtype, B * H * N * d);
    const fin = plan.returnState ? (allocatePoisoned("float32", plan.numStates * H * r * d) as Float32Array) : undefined;
    return {
      io: { q: q.data, k: k.data, v: v.data, o, initialState: plan.initialState?.data, finalState: fin },
      finish: async () => ({
        output: Tensor.wrap(plan.dtype, outShape, o),
        state: fin ? Tensor.wrap("float32", stateShape, fin) : undefined,
      }),
      release: () => {},
    };
  }
  // CUDA: host inputs are copied over and the results copied back.
  const owned: RawDeviceBuffer[] = [];
  const Dev = addon().DeviceBuffer;
  const place = (t: Tensor): RawDeviceBuffer => {
    if (t.location === "cuda") return t.deviceBuffer;
    const buf = new Dev(t.byteLength);
    owned.push(buf);
    buf.upload(t.data);
    return buf;
  };
  const onHost = q.location === "cpu";
  try {
    const io = {
      q: place(q),
      k: place(k),
      v: place(v),
      o: deviceOutput(B * H * N * d * (plan.dtype === "float32" ? 4 : 2)),
      initialState: plan.initialState ? place(plan.initialState) : undefined,
      finalState: plan.returnState ? deviceOutput(plan.numStates * H * r * d * 4) : undefined,
    };
    const o = io.o;
    const fin = io.finalState;
    if (onHost) {
      owned.push(o);
      if (fin) owned.push(fin);
    }
    return {
      io,
      finish: async () => {
        if (!onHost) {
          return {
            output: Tensor.wrap(plan.dtype, outShape, undefined, o),
            state: fin ? Tensor.wrap("float32", stateShape, undefined, fin) : undefined,
          };
        }
        const out: Storage = allocate(plan.dtype, B * H * N * d);
        o.download(out);
        let state: Tensor | undefined;
        if (fin) {
          const s = new Float32Array(plan.numStates * H * r * d);
          fin.download(s);
          state = Tensor.wrap("float32", stateShape, s);
        }
        return { output: Tensor.wrap(plan.dtype, outShape, out), state };
      },
      release: (failed = false) => {
        for (const b of owned) b.free();
        if (failed) {
          o.free();
          fin?.free();
        }
      },
    };
  } catch (e) {
    for (const b of owned) b.free();
    throw e;
  }
}

/**
 * Exponentially decaying causal linear attention:
 *   o[b,h,i,:] = scale · Σ_{j≤i} γ_h^(i−j) (q[b,h,i,:]·k[b,h,j,:]) v[b,h,j,:]
 * q, k: [B, H, N, r]; v: [B, H, N, d]; the output [B, H, N, d] has the inputs' dtype and
 * location. Runs off the JS thread; the promise resolves when the result is ready.
 */
export function decayAttention(q: Tensor, k: Tensor, v: Tensor, options?: DecayAttentionOptions & { returnState?: false }): Promise<Tensor>;
export function decayAttention(q: Tensor, k: Tensor, v: Tensor, options: DecayAttentionOptions & { returnState: true }): Promise<AttentionWithState>;
export function decayAttention(q: Tensor, k: Tensor, v: Tensor, options?: DecayAttentionOptions): Promise<Tensor | AttentionWithState>;
export async function decayAttention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  options: DecayAttentionOptions = {},
): Promise<Tensor | AttentionWithState> {
  const plan = planCall(q, k, v, options);
  const { output, state } = await runPlan(plan, q, k, v);
  return plan.returnState ? { output, state: state! } : output;
}

// CUDA calls this small (a decode step: one position, a few state matrices) finish in
// microseconds; launching them from the JS thread without waiting avoids a worker-pool
// round trip and a synchronisation that would cost more than the work (results are
// stream-ordered: a later kernel or toHost() sees them). CPU work always runs off the
// JS thread.
const TINY_ELEMENTS = 1 << 21;
function isTiny(plan: Plan): boolean {
  const { B, H, N, r, d } = plan.shape;
  const elements = B * H * (N * (2 * r + 2 * d) + (plan.initialState || plan.returnState ? 2 * r * d : 0));
  return plan.backend === "cuda" && N <= 16 && elements <= TINY_ELEMENTS;
}

/** @internal Runs a validated plan (native methods, or a registered method's own run). */
export async function runPlan(plan: Plan, q: Tensor, k: Tensor, v: Tensor): Promise<{ output: Tensor; state?: Tensor }> {
  if (plan.method.native === undefined) {
    if (!plan.method.run) throw new Error(`method "${plan.method.id}" has no native implementation`);
    return { output: await runRegistered(plan.method, q, k, v, plan) };
  }
  const ops = prepareOperands(plan, q, k, v);
  let failed = true;
  try {
    const b = baton(plan, ops.io);
    if (isTiny(plan)) addon().runSync(b);
    else await addon().run(b);
    const result = await ops.finish();
    failed = false;
    return result;
  } finally {
    ops.release(failed);
  }
}

/** @internal The native baton for a plan and operands (timing uses it). */
export const makeBaton = baton;

export { describe };
