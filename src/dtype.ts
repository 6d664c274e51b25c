// Element types: names, storage, and exact round-to-nearest-even conversions between
// JS numbers and the two 16-bit formats (stored as Uint16Array bit patterns).

export type DType = "float32" | "float64" | "float16" | "bfloat16";
export const DTYPES: readonly DType[] = ["float32", "float64", "float16", "bfloat16"];

/** Storage of a host tensor: float16/bfloat16 are raw bit patterns. */
export type Storage = Float32Array | Float64Array | Uint16Array;

/** @internal Index of each dtype in native/params.h (DType). */
export const DTYPE_INDEX: Record<DType, number> = { float32: 0, float64: 1, float16: 2, bfloat16: 3 };

export function bytesPerElement(dtype: DType): number {
  return dtype === "float64" ? 8 : dtype === "float32" ? 4 : 2;
}

/** A NaN bit pattern / value per dtype, used to poison outputs. */
export const NAN_BITS: Record<"float16" | "bfloat16", number> = { float16: 0x7e00, bfloat16: 0x7fc0 };

export function allocate(dtype: DType, n: number): Storage {
  switch (dtype) {
    case "float32":
      return new Float32Array(n);
    case "float64":
      return new Float64Array(n);
    default:
      return new Uint16Array(n);
  }
}

/** Allocates host storage filled with NaN, so any element a kernel fails to write shows. */
export function allocatePoisoned(dtype: DType, n: number): Storage {
  const s = allocate(dtype, n);
  if (dtype === "float16" || dtype === "bfloat16") s.fill(NAN_BITS[dtype]);
  else s.fill(NaN);
  return s;
}

// Encodes x into a binary float with `mant` mantissa bits and `exp` exponent bits,
// rounding to nearest, ties to even. Exact for any double input (scaling by powers of
// two is exact), so no double rounding through float32.
function encode(x: number, mant: number, exp: number): number {
  const signBit = 1 << (mant + exp);
  const expAll = (1 << exp) - 1;
  if (Number.isNaN(x)) return (expAll << mant) | (1 << (mant - 1));
  const sign = x < 0 || Object.is(x, -0) ? signBit : 0;
  const a = Math.abs(x);
  if (a === Infinity) return sign | (expAll << mant);
  const bias = (1 << (exp - 1)) - 1;
  const minExp = 1 - bias;
  let e = a === 0 ? minExp : Math.max(minExp, Math.floor(Math.log2(a)));
  while (e > minExp && a < 2 ** e) e--;
  while (a >= 2 ** (e + 1)) e++;
  const y = a * 2 ** (mant - e); // significand in units of the last place
  let f = Math.floor(y);
  const rem = y - f;
  if (rem > 0.5 || (rem === 0.5 && f % 2 === 1)) f++;
  // Normal and subnormal numbers share this formula; a carry into the next binade
  // (f == 2^(mant+1)) bumps the exponent field by itself.
  const bits = (e + bias - 1) * 2 ** mant + f;
  if (bits >= expAll << mant) return sign | (expAll << mant); // overflow to infinity
  return sign | bits;
}

function decode(h: number, mant: number, exp: number): number {
  const expAll = (1 << exp) - 1;
  const bias = (1 << (exp - 1)) - 1;
  const sign = h & (1 << (mant + exp)) ? -1 : 1;
  const e = (h >> mant) & expAll;
  const m = h & ((1 << mant) - 1);
  if (e === expAll) return m ? NaN : sign * Infinity;
  if (e === 0) return sign * m * 2 ** (1 - bias - mant);
  return sign * (1 + m / 2 ** mant) * 2 ** (e - bias);
}

export const toFloat16Bits = (x: number): number => encode(x, 10, 5);
export const fromFloat16Bits = (h: number): number => decode(h, 10, 5);
export const toBfloat16Bits = (x: number): number => encode(x, 7, 8);
export const fromBfloat16Bits = (h: number): number => decode(h, 7, 8);

// Lookup table for decoding 16-bit patterns quickly (65536 entries each, built lazily).
const decodeTables: Partial<Record<"float16" | "bfloat16", Float32Array>> = {};
function decodeTable(dtype: "float16" | "bfloat16"): Float32Array {
  let t = decodeTables[dtype];
  if (!t) {
    t = new Float32Array(65536);
    const f = dtype === "float16" ? fromFloat16Bits : fromBfloat16Bits;
    for (let i = 0; i < 65536; i++) t[i] = f(i);
    decodeTables[dtype] = t;
  }
  return t;
}

/** Converts values to storage of `dtype` (rounding to nearest even for the halves). */
export function encodeArray(values: ArrayLike<number>, dtype: DType): Storage {
  const n = values.length;
  switch (dtype) {
    case "float32":
      return Float32Array.from(values as ArrayLike<number>);
    case "float64":
      return Float64Array.from(values as ArrayLike<number>);
    case "float16":
    case "bfloat16": {
      const out = new Uint16Array(n);
      if (values instanceof Float32Array) {
        encodeFromFloat32(values, out, dtype);
      } else {
        const enc = dtype === "float16" ? toFloat16Bits : toBfloat16Bits;
        for (let i = 0; i < n; i++) out[i] = enc(values[i]);
      }
      return out;
    }
  }
}

// Bit-level float32 -> 16-bit conversion (exact round to nearest even; inputs that are
// already float32 need no double-precision path).
function encodeFromFloat32(src: Float32Array, out: Uint16Array, dtype: "float16" | "bfloat16"): void {
  const u = new Uint32Array(src.buffer, src.byteOffset, src.length);
  if (dtype === "bfloat16") {
    for (let i = 0; i < u.length; i++) {
      const x = u[i];
      if ((x & 0x7fffffff) > 0x7f800000) out[i] = (x >>> 16) | 0x40;
      else out[i] = ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
    }
    return;
  }
  for (let i = 0; i < u.length; i++) {
    const x = u[i];
    const ax = x & 0x7fffffff;
    // Normal range, fast path: rebias and round 23 -> 10 mantissa bits.
    if (ax >= 0x38800000 && ax < 0x477ff000) {
      let v = (ax - 0x38000000) >>> 13;
      const rem = ax & 0x1fff;
      if (rem > 0x1000 || (rem === 0x1000 && v & 1)) v++;
      out[i] = ((x >>> 16) & 0x8000) | v;
    } else {
      out[i] = toFloat16Bits(src[i]);
    }
  }
}

/** Decodes storage into float values: Float64Array for float64, else Float32Array. */
export function decodeArray(data: Storage, dtype: DType): Float32Array | Float64Array {
  switch (dtype) {
    case "float32":
      return Float32Array.from(data as Float32Array);
    case "float64":
      return Float64Array.from(data as Float64Array);
    default: {
      const t = decodeTable(dtype);
      const out = new Float32Array(data.length);
      for (let i = 0; i < data.length; i++) out[i] = t[data[i]];
      return out;
    }
  }
}
