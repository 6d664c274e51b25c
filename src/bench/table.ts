// The sweep's results as a plain-text table (CLI) and as table data (the HTML report).
import { formatNumber, table } from "../format";
import type { SweepResults, SweepRow } from "./schema";

/** A decay factor for people: 1, 0.9, 0.001, 1e-6. */
export function formatDecay(g: number): string {
  return g >= 1e-3 ? String(g) : g.toExponential();
}

export const RESULT_HEADERS = ["method", "dtype", "N", "γ", "ms (median)", "GB/s", "GFLOP/s", "% of floor", "rel. error", "status"];

function cell(row: SweepRow): string[] {
  const n = (x: number | null) => (x === null ? "" : formatNumber(x));
  return [
    row.method,
    row.dtype,
    String(row.N),
    formatDecay(row.decay),
    n(row.medianMs),
    n(row.gbPerSecond),
    row.tflopPerSecond === null ? "" : formatNumber(row.tflopPerSecond * 1e3),
    row.efficiency === null ? "" : `${(row.efficiency * 100).toFixed(row.efficiency < 0.1 ? 1 : 0)}%`,
    row.relError === null ? "" : row.relError.toExponential(1),
    row.status === "ok" ? "ok" : `${row.status}: ${row.reason}`,
  ];
}

/** Table cells of every row, in sweep order. */
export function resultCells(results: SweepResults): string[][] {
  return results.rows.map(cell);
}

/** The results as a plain-text table followed by the fitted exponents. */
export function resultsTable(results: SweepResults): string {
  const rows = results.rows.map((r) => {
    const c = cell(r);
    // Long skip/failure reasons are listed below the table instead.
    if (r.status !== "ok") c[c.length - 1] = r.status;
    return c;
  });
  const parts = [table(RESULT_HEADERS, rows)];
  const notes = results.rows.filter((r) => r.status !== "ok");
  if (notes.length) {
    parts.push("", "not measured:");
    const seen = new Set<string>();
    for (const r of notes) {
      const text = `  ${r.method} ${r.dtype} N=${r.N}: ${r.status}: ${r.reason}`;
      const key = `${r.method}|${r.dtype}|${r.N}|${r.reason}`;
      if (!seen.has(key)) parts.push(text);
      seen.add(key);
    }
  }
  if (results.fits.length) {
    parts.push("", "fitted exponents (time ∝ N^p):");
    parts.push(
      table(
        ["method", "dtype", "γ", "p", "± (1σ)", "lengths", "closest shape"],
        results.fits.map((f) => [f.method, f.dtype, formatDecay(f.decay), f.exponent.toFixed(2), f.stderr === null ? "" : f.stderr.toFixed(2), `${f.lengths[0]}..${f.lengths[f.lengths.length - 1]}`, f.bestShape]),
      ),
    );
  }
  return parts.join("\n");
}

/**
 * A summary for the terminal: median ms per method × dtype × N at the first decay with
 * the fitted exponent, the error at the longest length per decay, the fastest method per
 * length, and what was not measured.
 */
export function resultsSummary(results: SweepResults): string {
  const c = results.header.config;
  const γ0 = c.decays[0];
  const { r, d } = c.dims[0];
  const rowsAt = (pred: (x: SweepRow) => boolean) => results.rows.filter((x) => x.r === r && x.d === d && pred(x));
  const parts: string[] = [];
  const pairs = c.dtypes.flatMap((t) => c.methods.map((m) => [m, t] as const));
  const timeRows = pairs
    .filter(([m, t]) => rowsAt((x) => x.method === m && x.dtype === t).length)
    .map(([m, t]) => {
      const fit = results.fits.find((f) => f.method === m && f.dtype === t && f.decay === γ0 && f.r === r && f.d === d);
      const cells = c.lengths.map((N) => {
        const x = rowsAt((y) => y.method === m && y.dtype === t && y.N === N && y.decay === γ0)[0];
        return !x ? "" : x.status === "ok" ? formatNumber(x.medianMs!) : x.status === "skipped" ? "skip" : "FAIL";
      });
      return [m, t, ...cells, fit ? `N^${fit.exponent.toFixed(2)}${fit.stderr === null ? "" : ` ± ${fit.stderr.toFixed(2)}`}` : ""];
    });
  parts.push(`time per call, ms (median of ${c.reps}), γ = ${formatDecay(γ0)}, B=${c.B} H=${c.H} r=${r} d=${d}:`);
  parts.push(table(["method", "dtype", ...c.lengths.map((N) => `N=${N}`), "fit"], timeRows));

  const checked = rowsAt((x) => x.status === "ok" && x.relError !== null);
  if (checked.length) {
    const N = Math.max(...checked.map((x) => x.N));
    parts.push("", `relative error against float64 at N=${N} (first and last ${c.errorSample} positions of one head):`);
    parts.push(
      table(
        ["method", "dtype", ...c.decays.map((g) => `γ=${formatDecay(g)}`)],
        pairs
          .filter(([m, t]) => checked.some((x) => x.method === m && x.dtype === t && x.N === N))
          .map(([m, t]) => [m, t, ...c.decays.map((g) => {
            const x = checked.find((y) => y.method === m && y.dtype === t && y.N === N && y.decay === g);
            return x ? x.relError!.toExponential(1) : "";
          })]),
      ),
    );
  }

  const fastest = c.dtypes.map((t) => {
    const wins = c.lengths.map((N) => {
      const cands = rowsAt((x) => x.status === "ok" && x.dtype === t && x.N === N && x.decay === γ0);
      return cands.length ? cands.reduce((a, b) => (b.medianMs! < a.medianMs! ? b : a)).method : "-";
    });
    return [t, ...wins];
  });
  parts.push("", `fastest method (γ = ${formatDecay(γ0)}):`, table(["dtype", ...c.lengths.map((N) => `N=${N}`)], fastest));

  const notes = results.rows.filter((x) => x.status !== "ok");
  if (notes.length) {
    parts.push("", `not measured (${notes.length} of ${results.rows.length}):`);
    const seen = new Set<string>();
    for (const x of notes) {
      const line = `  ${x.method} ${x.dtype} N=${x.N}: ${x.status}: ${x.reason}`;
      if (!seen.has(line)) parts.push(line);
      seen.add(line);
    }
  }
  return parts.join("\n");
}
