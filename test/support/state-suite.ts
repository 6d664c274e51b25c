// Initial/final state, split-anywhere, packed variable-length and decoder suites,
// parameterised by backend. Everything is checked against the float64 reference or
// against the same library's one-call result.
import { describe, expect, it } from "vitest";
import { createDecoder, decayAttention, methods, referenceAttention, Tensor, type Backend, type DType } from "../../src";
import { packedOffsets } from "./cases";
import { relativeError } from "./compare";
import { batchEntry, concatN, sliceN } from "./slice";
import { TOLERANCE } from "./tolerance";

// States and outputs accumulate in float32; these bounds are the conformance floors
// (test/support/tolerance.ts) with room for the longer accumulation chains here.
const tol = (dtype: DType) => TOLERANCE[dtype].floor * 5;

function inputs(B: number, H: number, N: number, r: number, d: number, dtype: DType, seed: number) {
  return {
    q: Tensor.randn([B, H, N, r], { dtype, seed }),
    k: Tensor.randn([B, H, N, r], { dtype, seed: seed + 1, std: 1 / Math.sqrt(r) }),
    v: Tensor.randn([B, H, N, d], { dtype, seed: seed + 2 }),
  };
}

async function host(t: Tensor): Promise<Float32Array | Float64Array> {
  return (await t.toHost()).toArray();
}

export function stateSuite(backend: Backend, enabled: boolean): void {
  const dtypes: DType[] = backend === "cpu" ? ["float32", "float64", "bfloat16"] : ["float32", "float16", "bfloat16"];
  const native = methods.filter((m) => m.native !== undefined && m.dtypes[backend]);

  describe.skipIf(!enabled)(`state on ${backend}`, () => {
    for (const m of native) {
      for (const dtype of dtypes) {
        it(`${m.id} ${dtype}: initial and final state match the reference`, async () => {
          const [B, H, N, r, d] = [2, 2, 77, 9, 12];
          const { q, k, v } = inputs(B, H, N, r, d, dtype, 11);
          const s0 = Tensor.randn([B, H, r, d], { seed: 5 });
          const decay = [0.97, 0.3];
          const ref = referenceAttention(q, k, v, { decay, initialState: s0, scale: 0.5 });
          const res = await decayAttention(q, k, v, { decay, initialState: s0, returnState: true, method: m.id, backend, scale: 0.5 });
          expect(relativeError(await host(res.output), ref.output)).toBeLessThanOrEqual(tol(dtype));
          expect(relativeError(await host(res.state), ref.state)).toBeLessThanOrEqual(tol("float32") * (dtype === "float32" || dtype === "float64" ? 1 : 100));
        });
      }
      for (const [split, decay] of [[1, 0.999], [63, 1e-3], [64, 1], [100, 0.9]] as const) {
        it(`${m.id}: splitting N=165 at ${split} (decay ${decay}) and passing the state equals the whole`, async () => {
          const { q, k, v } = inputs(1, 3, 165, 16, 8, "float32", 3);
          const whole = await decayAttention(q, k, v, { decay, method: m.id, backend, returnState: true });
          const a = await decayAttention(sliceN(q, 0, split), sliceN(k, 0, split), sliceN(v, 0, split), { decay, method: m.id, backend, returnState: true });
          const b = await decayAttention(sliceN(q, split, 165), sliceN(k, split, 165), sliceN(v, split, 165), {
            decay, method: m.id, backend, initialState: await a.state.toHost(), returnState: true,
          });
          const joined = concatN([await a.output.toHost(), await b.output.toHost()]);
          expect(relativeError(joined.toArray(), await host(whole.output))).toBeLessThanOrEqual(1e-5);
          expect(relativeError(await host(b.state), await host(whole.state))).toBeLessThanOrEqual(1e-5);
        });
      }
    }

    for (const m of native.filter((x) => x.varlen.includes(backend))) {
      it(`${m.id}: packed variable-length sequences equal separate calls`, async () => {
        const lens = [5, 64, 1, 130, 33];
        const seqs = lens.map((n, i) => inputs(1, 2, n, 12, 20, "float32", 40 + i));
        const cu = packedOffsets(lens);
        const s0 = Tensor.randn([lens.length, 2, 12, 20], { seed: 8 });
        const decay = [0.95, 0.5];
        const packed = await decayAttention(concatN(seqs.map((s) => s.q)), concatN(seqs.map((s) => s.k)), concatN(seqs.map((s) => s.v)), {
          decay, method: m.id, backend, cuSeqlens: cu, initialState: s0, returnState: true,
        });
        const outs: Tensor[] = [];
        const states: number[] = [];
        for (let i = 0; i < lens.length; i++) {
          const init = Tensor.fromStorage(s0.data.slice(i * 480, (i + 1) * 480) as Float32Array, [1, 2, 12, 20], "float32");
          const one = await decayAttention(seqs[i].q, seqs[i].k, seqs[i].v, { decay, method: m.id, backend, initialState: init, returnState: true });
          outs.push(await one.output.toHost());
          states.push(...(await host(one.state)));
        }
        expect(relativeError(await host(packed.output), concatN(outs).toArray())).toBeLessThanOrEqual(1e-5);
        expect(relativeError(await host(packed.state), states)).toBeLessThanOrEqual(1e-5);
      });
    }

    for (const dtype of dtypes.filter((x) => x !== "float64")) {
      // B·H·d large enough that a CUDA step takes the bandwidth path (the bulk-copy
      // kernel on Hopper) rather than the latency path the small tests take.
      it(`decoder ${dtype}: a step over a large batch matches the reference (output and state, in place)`, async () => {
        const [B, H, r, d] = [64, 8, 128, 128];
        const { q, k, v } = inputs(B, H, 1, r, d, dtype, 41);
        const s0 = Tensor.randn([B, H, r, d], { seed: 42 });
        const decay = [0.99, 0.9, 0.5, 1e-3, 1, 0.7, 0.999, 0.2];
        const ref = referenceAttention(q, k, v, { decay, initialState: s0, scale: 0.25 });
        const dec = createDecoder({ batch: B, heads: H, keyDim: r, valueDim: d, decay, scale: 0.25, dtype, backend });
        dec.state = s0;
        const place = (t: Tensor): Tensor => (backend === "cuda" ? t.to("cuda") : t);
        (await dec.step(place(q), place(k), place(v))).dispose();  // replaces the caller's state by the decoder's own
        dec.state = s0;
        const o1 = await dec.step(place(q), place(k), place(v));
        expect(relativeError(await host(o1), ref.output)).toBeLessThanOrEqual(tol(dtype));
        const live = dec.state;
        const o2 = await dec.step(place(q), place(k), place(v));  // the owned state, updated in place on the GPU
        if (backend === "cuda") expect(dec.state).toBe(live);
        const ref2 = referenceAttention(q, k, v, { decay, initialState: Tensor.from(ref.state, [B, H, r, d], "float32"), scale: 0.25 });
        expect(relativeError(await host(o2), ref2.output)).toBeLessThanOrEqual(tol(dtype));
        expect(relativeError(await host(dec.state), ref2.state)).toBeLessThanOrEqual(1e-5);
        dec.dispose();
      });

      it(`decoder ${dtype}: a step after the caller disposed decoder.state is an error, on either path`, async () => {
        const [B, H, r, d] = [2, 2, 8, 8];
        const { q, k, v } = inputs(B, H, 1, r, d, dtype, 51);
        const dec = createDecoder({ batch: B, heads: H, keyDim: r, valueDim: d, decay: 0.9, dtype, backend });
        const place = (t: Tensor): Tensor => (backend === "cuda" ? t.to("cuda") : t);
        (await dec.step(place(q), place(k), place(v))).dispose();
        dec.state.dispose();
        const want = "Expected a live Tensor for initialState but received a disposed tensor";
        await expect(dec.step(place(q), place(k), place(v))).rejects.toThrow(want);
        await expect(dec.step(q, k, v)).rejects.toThrow(want);
        dec.dispose();
      });

      it(`decoder ${dtype}: prefill then steps equals one call`, async () => {
        const [B, H, N, r, d, P] = [3, 2, 70, 16, 24, 45];
        const { q, k, v } = inputs(B, H, N, r, d, dtype, 21);
        const decay = [0.9, 1e-3];
        const whole = await decayAttention(q, k, v, { decay, backend, method: "recurrent", scale: 0.25 });
        const dec = createDecoder({ batch: B, heads: H, keyDim: r, valueDim: d, decay, scale: 0.25, dtype, backend });
        const parts: Tensor[][] = Array.from({ length: B }, () => []);
        const pre = await dec.prefill(sliceN(q, 0, P), sliceN(k, 0, P), sliceN(v, 0, P));
        for (let b = 0; b < B; b++) parts[b].push(batchEntry(await pre.toHost(), b));
        for (let i = P; i < N; i++) {
          const o = await dec.step(sliceN(q, i, i + 1), sliceN(k, i, i + 1), sliceN(v, i, i + 1));
          for (let b = 0; b < B; b++) parts[b].push(batchEntry(await o.toHost(), b));
        }
        expect(dec.position).toBe(N);
        expect(dec.state.location).toBe(backend);
        const wholeHost = await whole.toHost();
        for (let b = 0; b < B; b++) {
          const got = concatN(parts[b]).toArray();
          expect(relativeError(got, batchEntry(wholeHost, b).toArray())).toBeLessThanOrEqual(tol(dtype));
        }
        dec.dispose();
      });

      it(`decoder ${dtype}: steps on device-resident inputs (in place on the GPU) equal one call; a state set by the caller is never written`, async () => {
        const [B, H, N, r, d, P] = [2, 3, 41, 24, 20, 30];
        const { q, k, v } = inputs(B, H, N, r, d, dtype, 31);
        const decay = [0.95, 0.5, 1e-3];
        const place = (t: Tensor): Tensor => (backend === "cuda" ? t.to("cuda") : t);
        const whole = await decayAttention(q, k, v, { decay, backend, method: "recurrent", scale: 0.5, returnState: true });
        const pre = await decayAttention(sliceN(q, 0, P), sliceN(k, 0, P), sliceN(v, 0, P), { decay, backend, method: "recurrent", returnState: true });
        const given = place(await pre.state.toHost());
        const givenBefore = await host(given);
        const dec = createDecoder({ batch: B, heads: H, keyDim: r, valueDim: d, decay, scale: 0.5, dtype, backend });
        dec.state = given;
        const parts: Tensor[][] = Array.from({ length: B }, () => []);
        for (let i = P; i < N; i++) {
          const [qi, ki, vi] = [place(sliceN(q, i, i + 1)), place(sliceN(k, i, i + 1)), place(sliceN(v, i, i + 1))];
          const o = await dec.step(qi, ki, vi);
          expect(o.location).toBe(backend);
          expect(o.shape).toEqual([B, H, 1, d]);
          const oh = await o.toHost();
          for (let b = 0; b < B; b++) parts[b].push(batchEntry(oh, b));
          for (const t of [qi, ki, vi, o]) if (t.location === "cuda") t.dispose();
        }
        expect(dec.position).toBe(N - P);
        expect(Array.from(await host(given))).toEqual(Array.from(givenBefore));
        const wholeHost = await whole.output.toHost();
        for (let b = 0; b < B; b++) {
          const want = sliceN(batchEntry(wholeHost, b), P, N).toArray();
          expect(relativeError(concatN(parts[b]).toArray(), want)).toBeLessThanOrEqual(tol(dtype));
        }
        expect(relativeError(await host(dec.state), await host(whole.state))).toBeLessThanOrEqual(1e-5);
        dec.dispose();
        expect(given.disposed).toBe(false);
      });
    }
  });
}
