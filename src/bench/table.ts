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
