// crossover(a, b, shape): the sequence length beyond which method b beats method a,
// predicted from the cost models (roofline floors, or FLOPs alone without a device) and,
// when measurements are given, read off them by log-log interpolation.
import type { SweepResults, SweepRow } from "../bench/schema";
import type { DType } from "../dtype";
import type { ProblemShape } from "../methods";
import { fail } from "../validate";
import { checkProblemShape, resolveMethod } from "./models";
import { checkDevice, roofline, type DeviceProfile } from "./roofline";

/** One measured time. */
export interface Measurement {
  method: string;
  N: number;
  /** Time per call, ms. */
  ms: number;
}

export interface CrossoverOptions {
  /** Input dtype. Default "float32". */
  dtype?: DType;
  /** Device for roofline floors. Default none: FLOPs alone are compared. */
  device?: DeviceProfile;
  /** Smallest and largest N searched. Defaults 1 and 2^24. */
  minN?: number;
  maxN?: number;
  /** Sweep results or plain measurements of both methods. */
  measurements?: SweepResults | readonly Measurement[];
  /** With sweep results: the decay γ whose rows are used. Default: the first decay of the sweep. */
  decay?: number;
}

export interface Crossover {
  a: string;
  b: string;
  /**
   * Smallest N from which b is predicted faster than a at every larger N searched (minN
   * when b is faster everywhere); null when b never gets ahead by maxN.
   */
  predicted: number | null;
  /** How the prediction was made and what it found. */
  predictedReason: string;
  /** Interpolated from measurements (only when measurements were given). */
  measured?: number | null;
  measuredReason?: string;
}

function measurementsOf(m: SweepResults | readonly Measurement[], shape: ProblemShape, dtype: DType, decay: number | undefined): Measurement[] {
  if (Array.isArray(m)) return m as Measurement[];
  const res = m as SweepResults;
  const γ = decay ?? res.header.config.decays[0];
  return res.rows
    .filter((r: SweepRow) => r.status === "ok" && r.medianMs !== null && r.dtype === dtype && r.decay === γ && r.r === shape.r && r.d === shape.d && r.B === shape.B && r.H === shape.H)
    .map((r) => ({ method: r.method, N: r.N, ms: r.medianMs! }));
}

/** Where method b starts beating method a (see Crossover). */
export function crossover(a: string, b: string, shape: Omit<ProblemShape, "N"> & { N?: number }, options: CrossoverOptions = {}): Crossover {
  const ma = resolveMethod(a, "a");
  const mb = resolveMethod(b, "b");
  const s = checkProblemShape({ ...shape, N: shape.N ?? 1 });
  const dtype = options.dtype ?? "float32";
  const minN = options.minN ?? 1;
  const maxN = options.maxN ?? 2 ** 24;
  if (!(Number.isInteger(minN) && minN >= 1)) fail("options.minN", "an integer >= 1", minN);
  if (!(Number.isInteger(maxN) && maxN > minN)) fail("options.maxN", `an integer > minN = ${minN}`, maxN);
  const roof = options.device ? roofline(checkDevice(options.device, "options.device")) : undefined;
  const cost = (id: typeof ma, N: number): number => (roof ? roof.floor(id, { ...s, N }, dtype).seconds : id.flops({ ...s, N }));
  const bAhead = (N: number): boolean => cost(mb, N) < cost(ma, N);
  const basis = roof ? `roofline floors on ${roof.device.name}` : "FLOP counts (no device given)";

  // Geometric grid, 8 points per octave, then bisection to the exact integer.
  const grid: number[] = [];
  for (let x = minN; x < maxN; x = Math.max(x + 1, Math.round(x * 2 ** (1 / 8)))) grid.push(x);
  grid.push(maxN);
  let last = -1; // last grid index where b is not ahead
  for (let i = 0; i < grid.length; i++) if (!bAhead(grid[i])) last = i;
  let predicted: number | null;
  let predictedReason: string;
  if (last === grid.length - 1) {
    predicted = null;
    predictedReason = `${b} is not faster than ${a} at N = ${maxN} by ${basis}`;
  } else if (last === -1) {
    predicted = minN;
    predictedReason = `${b} is faster than ${a} at every N from ${minN} to ${maxN} by ${basis}`;
  } else {
    let lo = grid[last];
    let hi = grid[last + 1];
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (bAhead(mid)) hi = mid;
      else lo = mid;
    }
    predicted = hi;
    predictedReason = `${b} is faster than ${a} from N = ${hi} by ${basis}`;
  }
  const out: Crossover = { a: ma.id, b: mb.id, predicted, predictedReason };

  if (options.measurements !== undefined) {
    const ms = measurementsOf(options.measurements, s, dtype, options.decay);
    const ta = new Map(ms.filter((m) => m.method === ma.id).map((m) => [m.N, m.ms]));
    const tb = new Map(ms.filter((m) => m.method === mb.id).map((m) => [m.N, m.ms]));
    const Ns = [...ta.keys()].filter((N) => tb.has(N)).sort((x, y) => x - y);
    if (Ns.length === 0) {
      out.measured = null;
      out.measuredReason = `no length was measured for both ${a} and ${b}`;
    } else {
      const ahead = Ns.map((N) => tb.get(N)! < ta.get(N)!);
      const lastBehind = ahead.lastIndexOf(false);
      if (lastBehind === Ns.length - 1) {
        out.measured = null;
        out.measuredReason = `${b} is not faster than ${a} at the longest measured N = ${Ns[Ns.length - 1]}`;
      } else if (lastBehind === -1) {
        out.measured = Ns[0];
        out.measuredReason = `${b} is faster than ${a} at every measured N (${Ns[0]} to ${Ns[Ns.length - 1]})`;
      } else {
        // log(t_b / t_a) is taken as linear in log N between the two lengths around the switch.
        const n0 = Ns[lastBehind];
        const n1 = Ns[lastBehind + 1];
        const f0 = Math.log(tb.get(n0)! / ta.get(n0)!);
        const f1 = Math.log(tb.get(n1)! / ta.get(n1)!);
        const t = f0 === f1 ? 1 : f0 / (f0 - f1);
        out.measured = Math.round(Math.exp(Math.log(n0) + t * (Math.log(n1) - Math.log(n0))));
        out.measuredReason = `${b} overtakes ${a} between measured N = ${n0} and ${n1} (log-log interpolation)`;
      }
    }
  }
  return out;
}
