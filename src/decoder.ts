// Decoding: a decoder owns the recurrent state of B sequences × H heads ([B, H, r, d],
// float32) and continues from it: prefill(q, k, v) consumes a prompt, step(q, k, v)
// one position per sequence. The state lives where the decoder runs (on the GPU for
// backend "cuda"); both calls equal one decayAttention call over the whole sequence.
// On the GPU a step whose inputs are already there takes one native call (a StepPlan
// prepared once per state buffer) that updates the state in place.
import { cudaAvailable } from "./backend";
import { addon, type RawStepPlan } from "./binding/addon";
import { resolveDecayRates, type DecayOptions } from "./decay";
import { bytesPerElement, DTYPE_INDEX, DTYPES, type DType } from "./dtype";
import { getMethod } from "./methods";
import type { Backend } from "./methods/types";
import { decayAttention, deviceOutput, MAX_GPU_DIM, type AttentionWithState, type Precision } from "./operator";
import { Tensor } from "./tensor";
import { checkFinite, checkOneOf, checkPositiveInteger, fail, failWith, formatShape } from "./validate";

export interface DecoderOptions extends DecayOptions {
  /** Sequences decoded together (B). */
  batch: number;
  /** Heads (H). */
  heads: number;
  /** Key/query size (r). */
  keyDim: number;
  /** Value size (d). */
  valueDim: number;
  /** Multiplies every output. Default 1. */
  scale?: number;
  /** dtype of q, k, v and the outputs. Default "float32". */
  dtype?: DType;
  /** Where the state lives and the kernels run. Default "auto" (CUDA when usable). */
  backend?: "auto" | Backend;
  /** Method for prefill. Default "auto". Steps always use the recurrence. */
  method?: string;
  /** float32 precision on tensor-core paths. Default "exact". */
  precision?: Precision;
}

export class Decoder {
  readonly batch: number;
  readonly heads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly dtype: DType;
  readonly backend: Backend;
  /** Positions consumed so far (prefill lengths plus steps). */
  position = 0;
  private readonly rates: Float64Array;
  private readonly scale: number;
  private readonly method: string;
  private readonly precision: Precision;
  private current: Tensor;
  // A state the caller set stays the caller's: the decoder never disposes it.
  private ownsState = true;
  private isDisposed = false;
  // The native step prepared for `current` (rebuilt when the state buffer changes).
  private plan?: RawStepPlan;
  private planState?: Tensor;

  /** @internal Use createDecoder. */
  constructor(o: DecoderOptions) {
    if (o === null || typeof o !== "object") fail("options", "a decoder options object", o);
    this.batch = checkPositiveInteger("batch", o.batch);
    this.heads = checkPositiveInteger("heads", o.heads);
    this.keyDim = checkPositiveInteger("keyDim", o.keyDim);
    this.valueDim = checkPositiveInteger("valueDim", o.valueDim);
    this.dtype = o.dtype === undefined ? "float32" : checkOneOf("dtype", o.dtype, DTYPES);
    this.scale = o.scale === undefined ? 1 : checkFinite("scale", o.scale);
    this.rates = resolveDecayRates(o, this.heads);
    this.method = o.method ?? "auto";
    this.precision = o.precision ?? "exact";
    const backend = checkOneOf("backend", o.backend ?? "auto", ["auto", "cpu", "cuda"] as const);
    this.backend = backend === "auto" ? (cudaAvailable() && this.dtype !== "float64" ? "cuda" : "cpu") : backend;
    const zeros = Tensor.from(new Float32Array(this.stateSize()), this.stateShape(), "float32");
    this.current = this.backend === "cuda" ? zeros.to("cuda") : zeros;
  }

  private stateShape(): number[] {
    return [this.batch, this.heads, this.keyDim, this.valueDim];
  }
  private stateSize(): number {
    return this.batch * this.heads * this.keyDim * this.valueDim;
  }
  private checkAlive(what: string): void {
    if (this.isDisposed) throw new Error(`Decoder.${what}: the decoder was disposed`);
  }

  /**
   * The current state [B, H, r, d] float32 (on the decoder's backend). This is the live
   * state: a GPU step updates it in place, and prefill replaces it (disposing this one).
   * Keep a snapshot with `await decoder.state.toHost()`.
   */
  get state(): Tensor {
    this.checkAlive("state");
    return this.current;
  }

  /**
   * Replaces the state (copied to the decoder's backend if needed). A tensor set here
   * stays the caller's: it is read, never written or disposed, by the decoder.
   */
  set state(s: Tensor) {
    this.checkAlive("state");
    if (!(s instanceof Tensor) || s.disposed) fail("state", "a live Tensor", s);
    const want = this.stateShape();
    if (s.shape.length !== 4 || s.shape.some((x, i) => x !== want[i])) {
      failWith("state", `shape ${formatShape(want)}`, `shape ${formatShape(s.shape)}`);
    }
    if (s.dtype !== "float32") failWith("state", "dtype float32", `dtype ${s.dtype}`);
    const placed = this.backend === "cuda" && s.location === "cpu" ? s.to("cuda") : s;
    if (this.backend === "cpu" && placed.location === "cuda") {
      failWith("state", "a host tensor for a cpu decoder", "a tensor on cuda (call await state.toHost() first)");
    }
    if (this.ownsState && this.current !== placed) this.current.dispose();
    this.current = placed;
    this.ownsState = placed !== s;
  }

  /** Consumes a prompt q, k: [B, H, N, r], v: [B, H, N, d]; resolves to its output. */
  prefill(q: Tensor, k: Tensor, v: Tensor): Promise<Tensor> {
    return this.advance(q, k, v, this.method, "prefill");
  }

  /** One position per sequence (N = 1): resolves to that position's output [B, H, 1, d]. */
  step(q: Tensor, k: Tensor, v: Tensor): Promise<Tensor> {
    return this.gpuStep(q, k, v) ?? this.advance(q, k, v, "recurrent", "step");
  }

  // The GPU step: inputs already on the device with exactly the decoder's shapes and
  // dtype, and a live state the decoder owns (a state the caller set is first replaced by
  // the general path's output, so the caller's tensor is never written). Anything else
  // returns undefined and takes the general path, which also reports bad input. The
  // launch does not wait: the output is ready for any later GPU work or toHost().
  private gpuStep(q: Tensor, k: Tensor, v: Tensor): Promise<Tensor> | undefined {
    if (this.isDisposed || this.backend !== "cuda" || !this.ownsState || this.current.disposed) return undefined;
    if (!this.isStepInput(q, this.keyDim) || !this.isStepInput(k, this.keyDim) || !this.isStepInput(v, this.valueDim)) {
      return undefined;
    }
    const o = deviceOutput(this.batch * this.heads * this.valueDim * bytesPerElement(this.dtype));
    try {
      this.stepPlan().step(q.deviceBuffer, k.deviceBuffer, v.deviceBuffer, o);
    } catch (e) {
      o.free();
      return Promise.reject(e);
    }
    this.position += 1;
    return Promise.resolve(Tensor.wrap(this.dtype, [this.batch, this.heads, 1, this.valueDim], undefined, o));
  }

  private isStepInput(t: unknown, last: number): t is Tensor {
    return (
      t instanceof Tensor && !t.disposed && t.location === "cuda" && t.dtype === this.dtype && t.shape.length === 4 &&
      t.shape[0] === this.batch && t.shape[1] === this.heads && t.shape[2] === 1 && t.shape[3] === last &&
      last <= MAX_GPU_DIM && this.keyDim <= MAX_GPU_DIM
    );
  }

  private stepPlan(): RawStepPlan {
    if (!this.plan || this.planState !== this.current) {
      const state = this.current.deviceBuffer;
      this.plan = new (addon().StepPlan)({
        backend: "cuda",
        method: getMethod("recurrent")!.native!,
        dtype: DTYPE_INDEX[this.dtype],
        B: this.batch, H: this.heads, N: 1, r: this.keyDim, d: this.valueDim,
        decayRate: this.rates,
        scale: this.scale,
        chunk: 0,
        threads: 1,
        precision: this.precision,
        initialState: state,
        finalState: state,
      });
      this.planState = this.current;
    }
    return this.plan;
  }

  /** Frees the state. Using the decoder afterwards is an error. */
  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    if (this.ownsState) this.current.dispose();
    this.plan = undefined;
    this.planState = undefined;
  }

  private async advance(q: Tensor, k: Tensor, v: Tensor, method: string, what: "prefill" | "step"): Promise<Tensor> {
    this.checkAlive(what);
    for (const [name, t] of [["q", q], ["k", k], ["v", v]] as const) {
      if (!(t instanceof Tensor)) fail(name, "a Tensor", t);
      if (t.shape.length === 4 && (t.shape[0] !== this.batch || t.shape[1] !== this.heads)) {
        failWith(name, `a tensor with B = ${this.batch}, H = ${this.heads} (the decoder's)`, `shape ${formatShape(t.shape)}`);
      }
      if (t.dtype !== this.dtype) failWith(name, `dtype ${this.dtype} (the decoder's)`, `dtype ${t.dtype}`);
    }
    if (what === "step" && q.shape.length === 4 && q.shape[2] !== 1) {
      failWith("q", "one position per sequence (N = 1) for step", `shape ${formatShape(q.shape)}`);
    }
    const onDevice = this.backend === "cuda";
    const moved: Tensor[] = [];
    const place = (t: Tensor): Tensor => {
      if (!onDevice || t.location === "cuda") return t;
      const m = t.to("cuda");
      moved.push(m);
      return m;
    };
    try {
      const res: AttentionWithState = await decayAttention(place(q), place(k), place(v), {
        decayRate: this.rates,
        scale: this.scale,
        method,
        backend: this.backend,
        precision: this.precision,
        initialState: this.current,
        returnState: true,
      });
      if (this.ownsState) this.current.dispose();
      this.current = res.state;
      this.ownsState = true;
      this.position += q.shape[2];
      if (onDevice && q.location === "cpu") {
        const host = await res.output.toHost();
        res.output.dispose();
        return host;
      }
      return res.output;
    } finally {
      for (const t of moved) t.dispose();
    }
  }
}

/** A decoder for `batch` sequences with the given decay, scale, dtype and shapes. */
export function createDecoder(options: DecoderOptions): Decoder {
  return new Decoder(options);
}
