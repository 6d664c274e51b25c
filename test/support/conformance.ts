// The conformance suite, parameterised by backend: every method × every dtype the
// backend runs × every awkward case, against the float64 reference, with outputs
// poisoned (host outputs are NaN-filled by the library; device outputs when
// LEET_DECODING_POISON=1, which vitest.config.ts sets).
import { describe, expect, it } from "vitest";
import { decayAttention, methods, referenceAttention, type Backend, type DType } from "../../src";
import { relativeError } from "./compare";
import { caseId, caseInputs, caseRates, CASES } from "./cases";
import { naiveAttention } from "./naive";
import { allowedError } from "./tolerance";

export function conformanceSuite(backend: Backend, enabled: boolean): void {
  describe.skipIf(!enabled)(`conformance on ${backend}`, () => {
    CASES.forEach((c, ci) => {
      const dtypes = new Set<DType>(methods.flatMap((m) => [...(m.dtypes[backend] ?? [])]));
      for (const dtype of dtypes) {
        describe(`${caseId(c)} ${dtype} (${c.note})`, () => {
          const { q, k, v } = caseInputs(c, dtype, ci);
          const rates = caseRates(c);
          const ref = referenceAttention(q, k, v, c);
          const naive = relativeError(naiveAttention(q, k, v, rates, c.scale ?? 1).toArray(), ref.output);
          const tol = allowedError(dtype, naive);
          for (const m of methods.filter((x) => x.native !== undefined && x.dtypes[backend]?.includes(dtype))) {
            it(`${m.id}`, async () => {
              const out = await decayAttention(q, k, v, { ...c, method: m.id, backend });
              expect(out.dtype).toBe(dtype);
              expect(out.shape).toEqual([c.B, c.H, c.N, c.d]);
              const host = await out.toHost();
              const err = relativeError(host.toArray(), ref.output);
              expect(err, `relative error ${err} (allowed ${tol}, naive ${naive})`).toBeLessThanOrEqual(tol);
              out.dispose();
            });
          }
        });
      }
    });
  });
}
