// Figure builders: sweep results in, plotly figure specs out (plain data that tests
// inspect and toHTML renders). One figure per question: how time grows with N, how
// accurate each method is as the decay gets strong, how close to the roofline it runs,
// what memory it needs, and which method wins where.
import type { SweepResults, SweepRow } from "../bench/schema";
import { formatDecay } from "../bench/table";
import { fitScaling, formatExponent } from "../complexity/fit";
import type { DType } from "../dtype";
import { fail } from "../validate";

/** A plotly trace: plain data (plotly's own attribute names). */
export interface Trace {
  type: "scatter" | "heatmap";
  name?: string;
  x?: Array<number | string | null>;
  y?: Array<number | string | null>;
  [attribute: string]: unknown;
}

/** A plotly figure spec with an id (the element id in HTML). */
export interface Figure {
  id: string;
  data: Trace[];
  layout: Record<string, unknown>;
  config?: Record<string, unknown>;
}

/** Plotly's default qualitative palette; method i of the sweep gets color i. */
export const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

function colorOf(results: SweepResults, method: string): string {
  const i = results.header.config.methods.indexOf(method);
  return PALETTE[(i < 0 ? 0 : i) % PALETTE.length];
}

function checkResults(results: unknown): SweepResults {
  const r = results as SweepResults;
  if (r === null || typeof r !== "object" || !Array.isArray(r.rows) || !r.header?.config) {
    fail("results", "sweep results (from sweep() or a results.json)", results);
  }
  return r;
}

export interface FigureFilter {
  /** Default: the first dtype of the sweep with measured rows. */
  dtype?: DType;
  /** Decay γ. Default: the first decay of the sweep. */
  decay?: number;
  /** Head dims. Default: the first (r, d) of the sweep. */
  r?: number;
  d?: number;
}

function pick(results: SweepResults, f: FigureFilter) {
  const c = results.header.config;
  const dtype = f.dtype ?? c.dtypes.find((t) => results.rows.some((r) => r.dtype === t && r.status === "ok")) ?? c.dtypes[0];
  const decay = f.decay ?? c.decays[0];
  const r = f.r ?? c.dims[0].r;
  const d = f.d ?? c.dims[0].d;
  const rows = results.rows.filter((x) => x.dtype === dtype && x.decay === decay && x.r === r && x.d === d);
  return { dtype, decay, r, d, rows, c };
}

const byN = (a: SweepRow, b: SweepRow) => a.N - b.N;
const ok = (x: SweepRow) => x.status === "ok" && x.medianMs !== null;

function axis(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { title: { text: title }, ...extra };
}

function baseLayout(title: string, subtitle: string): Record<string, unknown> {
  return {
    title: { text: `${title}<br><sub>${subtitle}</sub>` },
    hovermode: "closest",
    legend: { orientation: "v" },
    margin: { t: 80 + 16 * (subtitle.match(/<br>/g)?.length ?? 0) },
    height: 480,
  };
}

/** Time per call against N, log-log: one line per method (fitted exponent in the legend) and its predicted floor dashed. */
export function runtimeFigure(results: SweepResults, filter: FigureFilter = {}): Figure {
  const res = checkResults(results);
  const { dtype, decay, r, d, rows, c } = pick(res, filter);
  const data: Trace[] = [];
  for (const method of c.methods) {
    const mine = rows.filter((x) => x.method === method).sort(byN);
    if (mine.length === 0) continue;
    const measured = mine.filter(ok);
    const color = colorOf(res, method);
    let name = method;
    if (measured.length >= 2 && new Set(measured.map((x) => x.N)).size >= 2) {
      name = `${method}: ${formatExponent(fitScaling(measured.map((x) => x.N), measured.map((x) => x.medianMs!)))}`;
    }
    if (measured.length) data.push({
      type: "scatter",
      mode: "lines+markers",
      name,
      legendgroup: method,
      x: measured.map((x) => x.N),
      y: measured.map((x) => x.medianMs),
      line: { color },
      marker: { color },
      hovertemplate: `${method}<br>N=%{x}<br>%{y:.4g} ms<extra></extra>`,
    });
    data.push({
      type: "scatter",
      mode: "lines",
      name: `${method} floor`,
      legendgroup: method,
      showlegend: false,
      x: mine.map((x) => x.N),
      y: mine.map((x) => x.floorMs),
      line: { color, dash: "dash", width: 1 },
      hovertemplate: `${method} predicted floor<br>N=%{x}<br>%{y:.4g} ms<extra></extra>`,
    });
  }
  return {
    id: `runtime-${dtype}`,
    data,
    layout: {
      ...baseLayout(
        `Time per call vs sequence length (${dtype})`,
        `${res.header.device.name}; B=${c.B} H=${c.H} r=${r} d=${d}, γ=${formatDecay(decay)}<br>legend: fitted time ∝ N^p ± 1σ; dashed: predicted floor max(bytes / bandwidth, FLOPs / peak)`,
      ),
      xaxis: axis("sequence length N", { type: "log" }),
      yaxis: axis("time per call (ms)", { type: "log" }),
    },
  };
}

/** Relative error against the float64 reference vs the decay γ (1 down to 1e-6), one line per method and dtype. */
export function errorFigure(results: SweepResults, filter: { N?: number; r?: number; d?: number } = {}): Figure {
  const res = checkResults(results);
  const c = res.header.config;
  const r = filter.r ?? c.dims[0].r;
  const d = filter.d ?? c.dims[0].d;
  const checked = res.rows.filter((x) => ok(x) && x.relError !== null && x.r === r && x.d === d);
  // Default N: the length with the most checked rows, the longest among ties.
  let N = filter.N;
  if (N === undefined) {
    const count = new Map<number, number>();
    for (const x of checked) count.set(x.N, (count.get(x.N) ?? 0) + 1);
    N = [...count.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0] ?? c.lengths[c.lengths.length - 1];
  }
  const data: Trace[] = [];
  const dashes = ["solid", "dot", "dash", "dashdot"];
  for (const method of c.methods) {
    c.dtypes.forEach((dtype, di) => {
      const pts = checked.filter((x) => x.method === method && x.dtype === dtype && x.N === N).sort((a, b) => b.decay - a.decay);
      if (pts.length === 0) return;
      const color = colorOf(res, method);
      data.push({
        type: "scatter",
        mode: "lines+markers",
        name: c.dtypes.length > 1 ? `${method} ${dtype}` : method,
        legendgroup: method,
        x: pts.map((x) => x.decay),
        // Exact zeros cannot sit on a log axis; plotly leaves a gap for null.
        y: pts.map((x) => (x.relError! > 0 && Number.isFinite(x.relError!) ? x.relError : null)),
        line: { color, dash: dashes[di % dashes.length] },
        marker: { color },
        hovertemplate: `${method} ${dtype}<br>γ=%{x}<br>rel. error %{y:.2e}<extra></extra>`,
      });
    });
  }
  return {
    id: "error-vs-decay",
    data,
    layout: {
      ...baseLayout(
        "Error against the float64 reference vs decay γ",
        `N=${N}, r=${r} d=${d}; relative L2 error on the first and last ${c.errorSample} positions of the first (b, h)`,
      ),
      xaxis: axis("decay factor γ (1 = no decay → strong decay)", { type: "log", autorange: "reversed", exponentformat: "power" }),
      yaxis: axis("relative error", { type: "log", exponentformat: "power" }),
    },
  };
}

/** Achieved GFLOP/s against arithmetic intensity, under the device's roofline. */
export function throughputFigure(results: SweepResults, filter: FigureFilter = {}): Figure {
  const res = checkResults(results);
  const { dtype, decay, r, d, rows, c } = pick(res, filter);
  const dev = res.header.device;
  const peak = dev.peakFlops[dtype];
  const measured = rows.filter(ok);
  const intensities = rows.map((x) => x.flops / x.bytes).filter((x) => x > 0 && Number.isFinite(x));
  const ridge = peak / dev.bandwidth;
  const lo = Math.min(ridge, ...intensities) / 4;
  const hi = Math.max(ridge, ...intensities) * 4;
  const xs: number[] = [];
  for (let i = 0; i <= 60; i++) xs.push(lo * (hi / lo) ** (i / 60));
  xs.push(ridge);
  xs.sort((a, b) => a - b);
  const data: Trace[] = [
    {
      type: "scatter",
      mode: "lines",
      name: `roofline: ${(dev.bandwidth / 1e9).toFixed(1)} GB/s, ${(peak / 1e9).toFixed(0)} GFLOP/s peak`,
      x: xs,
      y: xs.map((x) => Math.min(peak, dev.bandwidth * x) / 1e9),
      line: { color: "#444", width: 2 },
      hovertemplate: "intensity %{x:.3g} FLOP/byte<br>attainable %{y:.4g} GFLOP/s<extra></extra>",
    },
  ];
  for (const method of c.methods) {
    const pts = measured.filter((x) => x.method === method).sort(byN);
    if (pts.length === 0) continue;
    const color = colorOf(res, method);
    data.push({
      type: "scatter",
      mode: "markers+lines",
      name: method,
      x: pts.map((x) => x.flops / x.bytes),
      y: pts.map((x) => x.tflopPerSecond! * 1e3),
      text: pts.map((x) => `N=${x.N}`),
      marker: { color, size: 8 },
      line: { color, width: 1 },
      hovertemplate: `${method} %{text}<br>%{x:.3g} FLOP/byte<br>%{y:.4g} GFLOP/s<extra></extra>`,
    });
  }
  return {
    id: `throughput-${dtype}`,
    data,
    layout: {
      ...baseLayout(
        `Achieved throughput against the roofline (${dtype})`,
        `${dev.name}; γ=${formatDecay(decay)}, r=${r} d=${d}; one point per length<br>bandwidth ${dev.bandwidthSource}; peak ${dev.peakSource}`,
      ),
      xaxis: axis("arithmetic intensity (FLOP/byte, from the models)", { type: "log" }),
      yaxis: axis("achieved GFLOP/s", { type: "log" }),
    },
  };
}

/** Smallest measured resident-memory growth the memory figure shows, bytes. */
export const MEASURED_MEMORY_MIN = 4 << 20;

/** Extra memory (beyond inputs and outputs) against N: the models' lines and measured RSS growth where seen. */
export function memoryFigure(results: SweepResults, filter: FigureFilter = {}): Figure {
  const res = checkResults(results);
  const { dtype, r, d, rows, c } = pick(res, filter);
  const data: Trace[] = [];
  const MiB = 1 << 20;
  for (const method of c.methods) {
    const mine = rows.filter((x) => x.method === method && x.extraMemoryBytes > 0).sort(byN);
    if (mine.length === 0) continue;
    const color = colorOf(res, method);
    data.push({
      type: "scatter",
      mode: "lines+markers",
      name: method,
      legendgroup: method,
      x: mine.map((x) => x.N),
      y: mine.map((x) => x.extraMemoryBytes / MiB),
      line: { color },
      marker: { color, symbol: "circle-open" },
      hovertemplate: `${method} (model)<br>N=%{x}<br>%{y:.4g} MiB<extra></extra>`,
    });
    // Below a few MiB, resident-set growth is allocator and thread noise, not the method.
    const seen = mine.filter((x) => ok(x) && (x.peakRssGrowthBytes ?? 0) >= MEASURED_MEMORY_MIN);
    if (seen.length) {
      data.push({
        type: "scatter",
        mode: "markers",
        name: `${method} measured`,
        legendgroup: method,
        showlegend: false,
        x: seen.map((x) => x.N),
        y: seen.map((x) => x.peakRssGrowthBytes! / MiB),
        marker: { color, symbol: "x", size: 9 },
        hovertemplate: `${method} (measured growth of peak RSS)<br>N=%{x}<br>%{y:.4g} MiB<extra></extra>`,
      });
    }
  }
  return {
    id: `memory-${dtype}`,
    data,
    layout: {
      ...baseLayout(
        `Peak extra memory vs sequence length (${dtype})`,
        `B=${c.B} H=${c.H} r=${r} d=${d}. lines: the registry's model<br>×: measured growth of resident memory while the method ran (CPU, sampled every ms; shown from 4 MiB)`,
      ),
      xaxis: axis("sequence length N", { type: "log" }),
      yaxis: axis("extra memory (MiB)", { type: "log" }),
    },
  };
}

/**
 * Which method is fastest at each (N, decay) or (N, head dim) of the sweep: a heatmap
 * whose cells name the winner and its time.
 */
export function fastestFigure(results: SweepResults, options: { over?: "decay" | "headDim"; dtype?: DType } = {}): Figure {
  const res = checkResults(results);
  const c = res.header.config;
  const over = options.over ?? "decay";
  if (over !== "decay" && over !== "headDim") fail("options.over", '"decay" or "headDim"', over);
  const dtype = options.dtype ?? pick(res, {}).dtype;
  const ys = over === "decay" ? c.decays : c.dims.map((x) => x.r);
  const yLabel = (y: number) => (over === "decay" ? `γ=${formatDecay(y)}` : `r=d=${y}`);
  const cellRows = (N: number, y: number) =>
    res.rows.filter((x) => ok(x) && x.dtype === dtype && x.N === N && (over === "decay" ? x.decay === y && x.r === c.dims[0].r && x.d === c.dims[0].d : x.r === y && x.decay === c.decays[0]));
  const present = c.methods;
  const z: Array<Array<number | null>> = [];
  const text: string[][] = [];
  for (const y of ys) {
    const zr: Array<number | null> = [];
    const tr: string[] = [];
    for (const N of c.lengths) {
      const cands = cellRows(N, y);
      if (cands.length === 0) {
        zr.push(null);
        tr.push("");
        continue;
      }
      const best = cands.reduce((a, b) => (b.medianMs! < a.medianMs! ? b : a));
      zr.push(present.indexOf(best.method));
      tr.push(`${best.method}<br>${best.medianMs!.toPrecision(3)} ms`);
    }
    z.push(zr);
    text.push(tr);
  }
  // A stepped colorscale: method i owns the band [i/k, (i+1)/k].
  const k = Math.max(1, present.length);
  const colorscale: Array<[number, string]> = [];
  present.forEach((m, i) => {
    colorscale.push([i / k, colorOf(res, m)], [(i + 1) / k, colorOf(res, m)]);
  });
  if (colorscale.length === 0) colorscale.push([0, PALETTE[0]], [1, PALETTE[0]]);
  return {
    id: `fastest-${over}-${dtype}`,
    data: [
      {
        type: "heatmap",
        name: "fastest method",
        x: c.lengths.map(String),
        y: ys.map(yLabel),
        z,
        text,
        texttemplate: "%{text}",
        hovertemplate: `N=%{x}<br>%{y}<br>%{text}<extra></extra>`,
        colorscale,
        zmin: -0.5,
        zmax: k - 0.5,
        showscale: false,
        xgap: 2,
        ygap: 2,
      },
    ],
    layout: {
      ...baseLayout(
        `Fastest method over (N, ${over === "decay" ? "decay γ" : "head dim"}) (${dtype})`,
        `${res.header.device.name}; each cell: the method with the smallest median time`,
      ),
      xaxis: axis("sequence length N", { type: "category" }),
      yaxis: axis(over === "decay" ? "decay γ" : "head dim", { type: "category" }),
    },
  };
}

/** The report's figures: runtime and throughput per dtype, error, memory, fastest-method maps. */
export function reportFigures(results: SweepResults): Figure[] {
  const res = checkResults(results);
  const c = res.header.config;
  const measuredDtypes = c.dtypes.filter((t) => res.rows.some((r) => r.dtype === t && ok(r)));
  const dtypes = measuredDtypes.length ? measuredDtypes : c.dtypes.slice(0, 1);
  const figs: Figure[] = [];
  for (const dtype of dtypes) figs.push(runtimeFigure(res, { dtype }));
  figs.push(errorFigure(res));
  for (const dtype of dtypes) figs.push(throughputFigure(res, { dtype }));
  figs.push(memoryFigure(res, { dtype: dtypes[0] }));
  figs.push(fastestFigure(res, { over: "decay", dtype: dtypes[0] }));
  if (c.dims.length > 1) figs.push(fastestFigure(res, { over: "headDim", dtype: dtypes[0] }));
  return figs;
}
