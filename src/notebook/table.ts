// Tables in a notebook: rows of objects, headers + rows, or sweep results, shown as an
// HTML table (text on the console outside a notebook). Returns the table as plain data.
import { RESULT_HEADERS, RESULTS_SCHEMA, resultCells, type SweepResults } from "../bench";
import { formatNumber, table as textTable } from "../format";
import { escapeHTML } from "../plot";
import { emit, type ShowOptions } from "./display";

export interface TableData {
  headers: string[];
  rows: string[][];
}

export interface TableOptions extends ShowOptions {
  /** A heading above the table. Default none. */
  title?: string;
  /** For rows of objects: which keys, in order. Default: the keys of the first row. */
  columns?: string[];
  /** Formats a number cell. Default: integers as they are, other numbers to about 3 significant digits (exponent form when tiny). */
  format?: (x: number, column: string) => string;
}

type Cell = string | number | boolean | null | undefined;

function isResults(x: unknown): x is SweepResults {
  return x !== null && typeof x === "object" && (x as SweepResults).schema === RESULTS_SCHEMA;
}

/** Cells of a table as strings (numbers through `format`). */
export function tableData(data: ReadonlyArray<Record<string, unknown>> | { headers: readonly string[]; rows: ReadonlyArray<ReadonlyArray<Cell>> } | SweepResults, options: Omit<TableOptions, "tslab" | "title"> = {}): TableData {
  if (isResults(data)) return { headers: [...RESULT_HEADERS], rows: resultCells(data) };
  const fmt = options.format ?? ((x: number) => (Number.isInteger(x) ? String(x) : formatNumber(x)));
  const cell = (c: unknown, column: string): string =>
    typeof c === "number" ? fmt(c, column) : c === null || c === undefined ? "" : Array.isArray(c) ? c.join(", ") : String(c);
  if (Array.isArray(data)) {
    const rows = data as ReadonlyArray<Record<string, unknown>>;
    const headers = options.columns ?? Object.keys(rows[0] ?? {});
    return { headers: [...headers], rows: rows.map((r) => headers.map((h) => cell(r[h], h))) };
  }
  const t = data as { headers: readonly string[]; rows: ReadonlyArray<ReadonlyArray<Cell>> };
  if (t === null || typeof t !== "object" || !Array.isArray(t.headers) || !Array.isArray(t.rows)) {
    throw new TypeError(`Expected an array of row objects, { headers, rows } or sweep results for data but received ${t === null ? "null" : typeof t}`);
  }
  return { headers: [...t.headers], rows: t.rows.map((r) => t.headers.map((h, i) => cell(r[i], h))) };
}

/** The HTML of a table (right-aligned numbers, a sticky header). */
export function tableHTML(t: TableData, title?: string): string {
  const numeric = t.headers.map((_, i) => t.rows.length > 0 && t.rows.every((r) => r[i] === "" || /^[-+]?[\d.]+(e[-+]?\d+)?%?$/i.test(r[i])));
  const align = (i: number) => (numeric[i] ? "right" : "left");
  const th = t.headers.map((h, i) => `<th style="text-align:${align(i)};padding:2px 10px;border-bottom:1px solid #999;position:sticky;top:0;background:#f6f6f6">${escapeHTML(h)}</th>`).join("");
  const body = t.rows
    .map((r) => `<tr>${r.map((c, i) => `<td style="text-align:${align(i)};padding:2px 10px;font-variant-numeric:tabular-nums">${escapeHTML(c)}</td>`).join("")}</tr>`)
    .join("\n");
  const head = title ? `<div style="font-weight:bold;margin:0.5em 0 0.2em">${escapeHTML(title)}</div>` : "";
  return `${head}<div class="leet-decoding-table" style="max-height:480px;overflow:auto"><table style="border-collapse:collapse;font-size:0.9em"><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/**
 * Shows a table: rows of objects (`[{ method: "blocked", ms: 1.2 }]`), `{ headers, rows }`,
 * or sweep results (one line per row). Returns the cells shown, as strings.
 */
export function showTable(data: Parameters<typeof tableData>[0], options: TableOptions = {}): TableData {
  const t = tableData(data, options);
  const text = `${options.title ? `${options.title}\n` : ""}${textTable(t.headers, t.rows)}`;
  emit(options, () => tableHTML(t, options.title), text);
  return t;
}

/** Shows a sentence the notebook computed as an HTML paragraph (or prints it). */
export function showText(text: string, options: ShowOptions = {}): void {
  emit(options, () => `<p>${escapeHTML(text)}</p>`, text);
}
