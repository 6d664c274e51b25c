// Host-tensor slicing and packing along N for state and variable-length tests.
import { Tensor, type Storage } from "../../src";

/** Positions [start, end) of a [B, H, N, x] host tensor. */
export function sliceN(t: Tensor, start: number, end: number): Tensor {
  const [B, H, N, x] = t.shape;
  const src = t.data;
  const out = new (src.constructor as new (n: number) => Storage)(B * H * (end - start) * x);
  for (let bh = 0; bh < B * H; bh++) {
    out.set(src.subarray((bh * N + start) * x, (bh * N + end) * x), bh * (end - start) * x);
  }
  return Tensor.fromStorage(out, [B, H, end - start, x], t.dtype);
}

/** Batch entry b of a [B, H, N, x] host tensor as [1, H, N, x]. */
export function batchEntry(t: Tensor, b: number): Tensor {
  const [, H, N, x] = t.shape;
  const n = H * N * x;
  return Tensor.fromStorage(t.data.slice(b * n, (b + 1) * n) as Storage, [1, H, N, x], t.dtype);
}

/** Concatenates [1, H, n_i, x] tensors along N. */
export function concatN(parts: Tensor[]): Tensor {
  const [, H, , x] = parts[0].shape;
  const N = parts.reduce((a, p) => a + p.shape[2], 0);
  const src0 = parts[0].data;
  const out = new (src0.constructor as new (n: number) => Storage)(H * N * x);
  let off = 0;
  for (const p of parts) {
    const n = p.shape[2];
    for (let h = 0; h < H; h++) out.set(p.data.subarray(h * n * x, (h + 1) * n * x), (h * N + off) * x);
    off += n;
  }
  return Tensor.fromStorage(out, [1, H, N, x], parts[0].dtype);
}
