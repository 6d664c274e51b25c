// Device-resident tensors, out-of-memory and disposal errors, and leaks on the CUDA
// backend; skipped where no GPU is usable.
import { describe, expect, it } from "vitest";
import { createDecoder, decayAttention, info, referenceAttention, Tensor, timeAttention } from "../src";
import { addon } from "../src/binding/addon";
import { relativeError } from "./support/compare";

const cuda = info().backends.cuda.available;

describe.skipIf(!cuda)("cuda runtime", () => {
  const q = Tensor.randn([2, 3, 100, 32], { seed: 1 });
  const k = Tensor.randn([2, 3, 100, 32], { seed: 2, std: 0.2 });
  const v = Tensor.randn([2, 3, 100, 16], { seed: 3 });

  it("keeps results of device inputs on the device until toHost", async () => {
    const [qd, kd, vd] = [q.to("cuda"), k.to("cuda"), v.to("cuda")];
    const o = await decayAttention(qd, kd, vd, { decay: 0.9, method: "blocked" });
    expect(o.location).toBe("cuda");
    expect(() => o.toArray()).toThrow("Tensor.data: the tensor is on cuda; call await tensor.toHost() first");
    const host = await o.toHost();
    const ref = referenceAttention(q, k, v, { decay: 0.9 });
    expect(relativeError(host.toArray(), ref.output)).toBeLessThan(1e-5);
    for (const t of [qd, kd, vd, o]) t.dispose();
  });

  it("reports using a disposed device tensor as an error", async () => {
    const qd = q.to("cuda");
    qd.dispose();
    await expect(decayAttention(qd, k, v)).rejects.toThrow("Expected a live Tensor for q but received a disposed tensor");
    await expect(qd.toHost()).rejects.toThrow("Tensor.toHost: the tensor was disposed");
  });

  it("says how much was asked and how much is free when out of memory, and stays usable", () => {
    const { free } = addon().memInfo();
    const Dev = addon().DeviceBuffer;
    expect(() => new Dev(free * 4)).toThrow(/out of GPU memory: asked for \d+ bytes, \d+ bytes free/);
    const buf = new Dev(1024);
    buf.free();
  });

  it("leaves GPU memory where it started after thousands of calls", async () => {
    const [qd, kd, vd] = [q.to("cuda"), k.to("cuda"), v.to("cuda")];
    // warm the scratch arena and caches first
    for (let i = 0; i < 20; i++) (await decayAttention(qd, kd, vd, { decay: 0.9, method: "blocked" })).dispose();
    // This process's live bytes (the device's free memory also moves with the other
    // test files, which run in parallel on the same GPU).
    addon().synchronize();
    const before = addon().memInfo().inUse;
    expect(before).toBeGreaterThanOrEqual(qd.byteLength + kd.byteLength + vd.byteLength);
    for (let i = 0; i < 2000; i++) {
      const o = await decayAttention(qd, kd, vd, { decay: 0.9, method: i % 2 ? "blocked" : "recurrent" });
      o.dispose();
      if (i % 500 === 0) await decayAttention(q, k, v, { decay: 0.9, backend: "cuda", method: "lightning" });
      if (i % 250 === 0) {
        const dec = createDecoder({ batch: 2, heads: 2, keyDim: 8, valueDim: 8, decay: 0.9, backend: "cuda" });
        const [qs, ks, vs] = [1, 2, 3].map((seed) => Tensor.randn([2, 2, 1, 8], { seed }).to("cuda"));
        for (let j = 0; j < 4; j++) (await dec.step(qs, ks, vs)).dispose();
        for (const t of [qs, ks, vs]) t.dispose();
        dec.dispose();
      }
    }
    addon().synchronize();
    // <=: a tensor an earlier test forgot may be collected (and freed) meanwhile.
    expect(addon().memInfo().inUse).toBeLessThanOrEqual(before);
    for (const t of [qd, kd, vd]) t.dispose();
  });

  it("times kernels with CUDA events, separately from transfers", async () => {
    const t = await timeAttention(q, k, v, { decay: 0.9, method: "blocked", backend: "cuda", reps: 10 });
    expect(t.samples).toHaveLength(10);
    expect(t.median).toBeGreaterThan(0);
    expect(t.transferMs).toBeGreaterThan(0);
    expect(t.min).toBeLessThanOrEqual(t.median);
  });
});

describe.skipIf(cuda)("without a usable GPU", () => {
  it("auto uses the CPU and info says why CUDA is unavailable", async () => {
    expect(info().backends.cuda.reason).toBeTruthy();
    const o = await decayAttention(q(), k(), v(), { decay: 0.5 });
    expect(o.location).toBe("cpu");
  });
  const q = () => Tensor.randn([1, 1, 8, 4], { seed: 1 });
  const k = () => Tensor.randn([1, 1, 8, 4], { seed: 2 });
  const v = () => Tensor.randn([1, 1, 8, 4], { seed: 3 });
});
