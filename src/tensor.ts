// Tensor: a dtype, a shape, and data either on the host (a typed array) or on a CUDA
// device (a buffer owned by the addon). float16/bfloat16 host data are Uint16Array bit
// patterns. Device memory is freed by dispose(), or when the tensor is collected.
import { addon, type RawDeviceBuffer } from "./binding/addon";
import { allocate, bytesPerElement, decodeArray, DTYPES, encodeArray, type DType, type Storage } from "./dtype";
import { Random } from "./random";
import { checkOneOf, checkShape, describe, fail, failWith, formatShape } from "./validate";

export type Location = "cpu" | "cuda";

export interface RandnOptions {
  /** Element type. Default "float32". */
  dtype?: DType;
  /** Seed of the generator; the same seed gives the same values. Default 0. */
  seed?: number;
  /** Standard deviation. Default 1. */
  std?: number;
  /** Mean. Default 0. */
  mean?: number;
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function storageMatches(values: unknown, dtype: DType): values is Storage {
  return (
    (dtype === "float32" && values instanceof Float32Array) ||
    (dtype === "float64" && values instanceof Float64Array) ||
    ((dtype === "float16" || dtype === "bfloat16") && values instanceof Uint16Array)
  );
}

export class Tensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  private host: Storage | undefined;
  private device: RawDeviceBuffer | undefined;
  private isDisposed = false;

  private constructor(dtype: DType, shape: readonly number[], host?: Storage, device?: RawDeviceBuffer) {
    this.dtype = dtype;
    this.shape = Object.freeze([...shape]);
    this.host = host;
    this.device = device;
  }

  /**
   * A host tensor from numbers. `values` are rounded to `dtype` (round to nearest even
   * for float16/bfloat16). dtype defaults to "float32". The values are copied.
   */
  static from(values: ArrayLike<number>, shape: readonly number[], dtype: DType = "float32"): Tensor {
    checkOneOf("dtype", dtype, DTYPES);
    const dims = checkShape("shape", shape);
    if (values === null || typeof values !== "object" || typeof (values as ArrayLike<number>).length !== "number") {
      fail("values", "an array or typed array of numbers", values);
    }
    const n = product(dims);
    if (values.length !== n) {
      failWith("values", `${n} values (the product of shape ${formatShape(dims)})`, `${values.length} values`);
    }
    return new Tensor(dtype, dims, encodeArray(values, dtype));
  }

  /**
   * A host tensor over existing storage without copying or rounding: a Float32Array for
   * float32, Float64Array for float64, Uint16Array bit patterns for float16/bfloat16.
   */
  static fromStorage(data: Storage, shape: readonly number[], dtype: DType): Tensor {
    checkOneOf("dtype", dtype, DTYPES);
    const dims = checkShape("shape", shape);
    if (!storageMatches(data, dtype)) {
      fail("data", `${dtype === "float32" ? "a Float32Array" : dtype === "float64" ? "a Float64Array" : "a Uint16Array of bit patterns"} for dtype ${dtype}`, data);
    }
    const n = product(dims);
    if (data.length !== n) failWith("data", `${n} elements (the product of shape ${formatShape(dims)})`, `${data.length} elements`);
    return new Tensor(dtype, dims, data);
  }

  /** Normally distributed values from a seeded generator (reproducible). */
  static randn(shape: readonly number[], options: RandnOptions = {}): Tensor {
    const dtype = options.dtype ?? "float32";
    checkOneOf("options.dtype", dtype, DTYPES);
    const dims = checkShape("shape", shape);
    const seed = options.seed ?? 0;
    if (typeof seed !== "number" || !Number.isInteger(seed)) fail("options.seed", "an integer", seed);
    const std = options.std ?? 1;
    const mean = options.mean ?? 0;
    const rng = new Random(seed);
    const n = product(dims);
    // float32 samples for the reduced types, so their rounding is a single exact step.
    const values = dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = mean + std * rng.normal();
    return new Tensor(dtype, dims, dtype === "float64" || dtype === "float32" ? values : encodeArray(values, dtype));
  }

  /** A host tensor filled with one value. */
  static full(shape: readonly number[], value: number, dtype: DType = "float32"): Tensor {
    const dims = checkShape("shape", shape);
    const n = product(dims);
    return Tensor.from(new Float64Array(n).fill(value), dims, dtype);
  }

  /** @internal Wraps storage or a device buffer (no checks). */
  static wrap(dtype: DType, shape: readonly number[], host?: Storage, device?: RawDeviceBuffer): Tensor {
    return new Tensor(dtype, shape, host, device);
  }

  get location(): Location {
    return this.device ? "cuda" : "cpu";
  }
  get disposed(): boolean {
    return this.isDisposed;
  }
  get size(): number {
    return product(this.shape);
  }
  get byteLength(): number {
    return this.size * bytesPerElement(this.dtype);
  }

  /** The host storage (bit patterns for float16/bfloat16). Host tensors only. */
  get data(): Storage {
    this.checkAlive("data");
    if (!this.host) throw new Error(`Tensor.data: the tensor is on cuda; call await tensor.toHost() first`);
    return this.host;
  }

  /** @internal The device buffer (cuda tensors only). */
  get deviceBuffer(): RawDeviceBuffer {
    this.checkAlive("deviceBuffer");
    if (!this.device) throw new Error("internal: not a cuda tensor");
    return this.device;
  }

  /** Values as numbers: Float64Array for float64, else Float32Array. Host tensors only. */
  toArray(): Float32Array | Float64Array {
    return decodeArray(this.data, this.dtype);
  }

  /**
   * The tensor on `location`. "cuda" copies host data to the GPU (a new tensor whose
   * data stays there); "cpu" of a host tensor returns it unchanged.
   */
  to(location: Location): Tensor {
    checkOneOf("location", location, ["cpu", "cuda"] as const);
    this.checkAlive("to");
    if (location === this.location) return this;
    if (location === "cpu") {
      throw new Error("Tensor.to: moving from cuda to the host is asynchronous; use await tensor.toHost()");
    }
    const buf = new (addon().DeviceBuffer)(this.byteLength);
    try {
      buf.upload(this.host!);
    } catch (e) {
      buf.free();
      throw e;
    }
    return new Tensor(this.dtype, this.shape, undefined, buf);
  }

  /** A host copy of a cuda tensor (a host tensor resolves to itself). */
  async toHost(): Promise<Tensor> {
    this.checkAlive("toHost");
    if (this.host) return this;
    const out = allocate(this.dtype, this.size);
    this.device!.download(out);
    return new Tensor(this.dtype, this.shape, out);
  }

  /** Frees device memory now (host tensors drop their data). Using it afterwards is an error. */
  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.device?.free();
    this.device = undefined;
    this.host = undefined;
  }

  toString(): string {
    return `Tensor(${this.dtype}, ${formatShape(this.shape)}, ${this.isDisposed ? "disposed" : this.location})`;
  }

  private checkAlive(what: string): void {
    if (this.isDisposed) throw new Error(`Tensor.${what}: the tensor was disposed`);
  }
}

/** True when x is a Tensor (for validation). */
export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}

export { describe };
