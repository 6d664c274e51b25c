// Power-law fits of measured times: t ≈ c·N^p by least squares in log-log space, with the
// slope's standard error and 95% interval, and a check of whether the data look like
// N, N log N or N² (each a one-constant model, compared by their log residuals).
import { fail } from "../validate";

export type ScalingShape = "N" | "N log N" | "N²";

export interface ScalingFit {
  /** Fitted exponent p of t ≈ prefactor · N^p. */
  exponent: number;
  /** Standard error of p (NaN with only two points). */
  stderr: number;
  /** 95% confidence interval of p (Student t; [NaN, NaN] with two points). */
  ci95: [number, number];
  /** c of t ≈ c·N^p (in the unit of `times`). */
  prefactor: number;
  /** Coefficient of determination of the log-log fit. */
  r2: number;
  points: number;
  /** Root-mean-square log residual (natural log) of each one-constant shape. */
  shapes: Record<ScalingShape, number>;
  /** The shape with the smallest residual. */
  bestShape: ScalingShape;
  /** The N log N check: exponent q of t / log₂N ≈ c·N^q, and whether q is 1 within 2σ (or ±0.1). */
  nLogN: { exponent: number; stderr: number; consistent: boolean };
}

// Two-sided 95% quantiles of Student's t by degrees of freedom.
const T95: Array<[number, number]> = [
  [1, 12.706], [2, 4.303], [3, 3.182], [4, 2.776], [5, 2.571], [6, 2.447], [7, 2.365], [8, 2.306],
  [9, 2.262], [10, 2.228], [12, 2.179], [15, 2.131], [20, 2.086], [30, 2.042], [60, 2.0], [120, 1.98],
];

function t95(df: number): number {
  if (df > 120) return 1.96;
  let q = T95[0][1];
  for (const [k, v] of T95) if (df >= k) q = v; // the nearest tabulated df below: conservative
  return q;
}

interface Line {
  slope: number;
  intercept: number;
  stderr: number;
  r2: number;
}

function fitLine(x: number[], y: number[]): Line {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
    syy += (y[i] - my) ** 2;
  }
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (y[i] - intercept - slope * x[i]) ** 2;
  return {
    slope,
    intercept,
    stderr: n > 2 ? Math.sqrt(rss / (n - 2) / sxx) : NaN,
    r2: syy > 0 ? 1 - rss / syy : 1,
  };
}

// RMS residual of log t = log c + log f(N) with the best constant c.
function shapeResidual(logN: number[], logT: number[], logF: (logN: number) => number): number {
  const res = logT.map((t, i) => t - logF(logN[i]));
  const mean = res.reduce((a, b) => a + b, 0) / res.length;
  return Math.sqrt(res.reduce((a, r) => a + (r - mean) ** 2, 0) / res.length);
}

/**
 * Fits t ≈ c·N^p to (lengths, times) in log-log space. Needs at least two distinct
 * lengths > 1 and positive times; three or more give an uncertainty.
 */
export function fitScaling(lengths: readonly number[], times: readonly number[]): ScalingFit {
  if (!Array.isArray(lengths) && !ArrayBuffer.isView(lengths)) fail("lengths", "an array of sequence lengths", lengths);
  if (!Array.isArray(times) && !ArrayBuffer.isView(times)) fail("times", "an array of times", times);
  if (lengths.length !== times.length) fail("times", `${lengths.length} times (one per length)`, times);
  if (lengths.length < 2) fail("lengths", "at least 2 lengths", lengths);
  for (const n of lengths) if (!(typeof n === "number" && Number.isFinite(n) && n > 1)) fail("lengths", "lengths > 1", lengths);
  for (const t of times) if (!(typeof t === "number" && Number.isFinite(t) && t > 0)) fail("times", "finite times > 0", times);
  if (new Set(lengths).size < 2) fail("lengths", "at least 2 distinct lengths", lengths);
  const x = lengths.map(Math.log);
  const y = times.map(Math.log);
  const line = fitLine(x, y);
  const df = lengths.length - 2;
  const half = df > 0 ? t95(df) * line.stderr : NaN;
  // N log N check: divide out log₂ N and fit the remaining power.
  const ratio = fitLine(x, y.map((t, i) => t - Math.log(Math.log2(lengths[i]))));
  const shapes: Record<ScalingShape, number> = {
    N: shapeResidual(x, y, (l) => l),
    "N log N": shapeResidual(x, y, (l) => l + Math.log(l / Math.LN2)),
    "N²": shapeResidual(x, y, (l) => 2 * l),
  };
  const bestShape = (Object.keys(shapes) as ScalingShape[]).reduce((a, b) => (shapes[b] < shapes[a] ? b : a));
  return {
    exponent: line.slope,
    stderr: line.stderr,
    ci95: [line.slope - half, line.slope + half],
    prefactor: Math.exp(line.intercept),
    r2: line.r2,
    points: lengths.length,
    shapes,
    bestShape,
    nLogN: {
      exponent: ratio.slope,
      stderr: ratio.stderr,
      consistent: Math.abs(ratio.slope - 1) <= Math.max(2 * (Number.isNaN(ratio.stderr) ? 0 : ratio.stderr), 0.1),
    },
  };
}

/** "N^1.02 ± 0.03" (the ± part only when there is an uncertainty). */
export function formatExponent(fit: Pick<ScalingFit, "exponent" | "stderr">): string {
  const p = `N^${fit.exponent.toFixed(2)}`;
  return Number.isFinite(fit.stderr) ? `${p} ± ${fit.stderr.toFixed(2)}` : p;
}
