// The one decay convention that crosses the API: the caller names either `decay` (γ in
// (0, 1]) or `decayRate` (s = −ln γ ≥ 0), a scalar for every head or one value per
// head. Internally everything is a per-head rate s; γ^n is always exp(−s·n), n ≥ 0.
import { ArgumentError, describe } from "./validate";

export interface DecayOptions {
  /** γ per head (or one for all heads), each in (0, 1]. Default: no decay (γ = 1). */
  decay?: number | ArrayLike<number>;
  /** s = −ln γ per head (or one for all heads), each finite and ≥ 0. Default: 0. */
  decayRate?: number | ArrayLike<number>;
}

function values(x: number | ArrayLike<number>): number[] | undefined {
  if (typeof x === "number") return [x];
  if (Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView))) return Array.from(x as ArrayLike<number>);
  return undefined;
}

/** Per-head decay rates s_h (length H) from the options; throws ArgumentError on bad input. */
export function resolveDecayRates(options: DecayOptions, H: number): Float64Array {
  const { decay, decayRate } = options;
  if (decay !== undefined && decayRate !== undefined) {
    throw new ArgumentError(
      "decay",
      `Expected only one of decay and decayRate but received both (decay: ${describe(decay)}, decayRate: ${describe(decayRate)})`,
    );
  }
  if (decay === undefined && decayRate === undefined) return new Float64Array(H);
  const name = decay !== undefined ? "decay" : "decayRate";
  const given = (decay ?? decayRate)!;
  const expected =
    name === "decay"
      ? `a number in (0, 1] or an array of 1 or H = ${H} such numbers`
      : `a finite number >= 0 or an array of 1 or H = ${H} such numbers`;
  const list = values(given);
  if (!list || (list.length !== 1 && list.length !== H)) {
    throw new ArgumentError(name, `Expected ${expected} for ${name} but received ${describe(given)}`);
  }
  const out = new Float64Array(H);
  for (let h = 0; h < H; h++) {
    const x = list.length === 1 ? list[0] : list[h];
    const ok = typeof x === "number" && (name === "decay" ? x > 0 && x <= 1 : Number.isFinite(x) && x >= 0);
    if (!ok) {
      const where = list.length === 1 ? "" : ` (element ${h})`;
      throw new ArgumentError(name, `Expected ${expected} for ${name} but received ${describe(x)}${where}`);
    }
    out[h] = name === "decay" ? -Math.log(x) : x;
  }
  return out;
}
