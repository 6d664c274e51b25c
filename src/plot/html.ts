// toHTML(figures): one standalone HTML page with the plotly bundle inlined, so it works
// offline and from a file:// URL. reportHTML(results) is the sweep report built on it.
import * as fs from "node:fs";
import * as path from "node:path";
import { formatDecay, RESULT_HEADERS, resultCells } from "../bench/table";
import type { SweepResults } from "../bench/schema";
import { reportFigures, type Figure } from "./figures";

let bundle: string | undefined;

/** The plotly.js bundle's source (read once). */
export function plotlyBundle(): string {
  if (bundle === undefined) {
    const file = require.resolve("plotly.js-dist/plotly.js");
    // A literal "</script" would end the inline script element early.
    bundle = fs.readFileSync(file, "utf8").replace(/<\/script/gi, "<\\/script");
  }
  return bundle;
}

export interface HtmlTable {
  title: string;
  headers: string[];
  rows: string[][];
}

export interface HtmlOptions {
  /** Page title. Default "leet-decoding". */
  title?: string;
  /** Paragraphs of plain text under the title. Default none. */
  intro?: string[];
  /** Key/value pairs shown as a small table under the intro. Default none. */
  facts?: Array<[string, string]>;
  /** Tables after the figures. Default none. */
  tables?: HtmlTable[];
}

export function escapeHTML(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

// JSON inside <script>: "<" escaped so no "</script>" or "<!--" can appear.
function scriptJSON(x: unknown): string {
  return JSON.stringify(x).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

function tableHTML(t: HtmlTable): string {
  const head = t.headers.map((h) => `<th>${escapeHTML(h)}</th>`).join("");
  const body = t.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHTML(c)}</td>`).join("")}</tr>`).join("\n");
  return `<h2>${escapeHTML(t.title)}</h2>\n<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/**
 * One standalone HTML page showing `figures` (plotly specs), with the plotly bundle
 * inlined (loaded only if the page has no Plotly yet). When every plot has drawn,
 * `document.body.dataset.plots` becomes "done" (or "error").
 */
export function toHTML(figures: readonly Figure[], options: HtmlOptions = {}): string {
  const title = options.title ?? "leet-decoding";
  const ids = new Set<string>();
  const figs = figures.map((f, i) => {
    let id = /^[A-Za-z][\w-]*$/.test(f.id) ? f.id : `figure-${i}`;
    while (ids.has(id)) id = `${id}-${i}`;
    ids.add(id);
    return { ...f, id };
  });
  const intro = (options.intro ?? []).map((p) => `<p>${escapeHTML(p)}</p>`).join("\n");
  const facts = options.facts?.length
    ? `<table class="facts">${options.facts.map(([k, v]) => `<tr><th>${escapeHTML(k)}</th><td>${escapeHTML(v)}</td></tr>`).join("")}</table>`
    : "";
  const divs = figs.map((f) => `<div class="plot" id="${f.id}"></div>`).join("\n");
  const tables = (options.tables ?? []).map(tableHTML).join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHTML(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; padding: 0 1em; color: #222; }
.plot { margin: 1.5em 0; border: 1px solid #eee; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ddd; padding: 2px 8px; text-align: right; }
th { background: #f6f6f6; }
td:first-child, th:first-child { text-align: left; }
table.facts th, table.facts td { text-align: left; }
</style>
<script>if (!window.Plotly) {
${plotlyBundle()}
}</script>
</head>
<body>
<h1>${escapeHTML(title)}</h1>
${intro}
${facts}
${divs}
${tables}
<script>
(function () {
  var figures = ${scriptJSON(figs)};
  var config = { responsive: true, displaylogo: false };
  Promise.all(figures.map(function (f) {
    return Plotly.newPlot(f.id, f.data, f.layout, Object.assign({}, config, f.config || {}));
  })).then(function () {
    document.body.dataset.plots = "done";
  }, function (e) {
    document.body.dataset.plots = "error";
    console.error("plotting failed: " + (e && e.message ? e.message : e));
  });
})();
</script>
</body>
</html>
`;
}

function si(x: number, unit: string): string {
  const prefixes: Array<[number, string]> = [[1e12, "T"], [1e9, "G"], [1e6, "M"], [1e3, "k"]];
  for (const [f, p] of prefixes) if (x >= f) return `${(x / f).toPrecision(3)} ${p}${unit}`;
  return `${x.toPrecision(3)} ${unit}`;
}

/** The sweep report: setup, every figure of reportFigures, the fitted exponents and every row. */
export function reportHTML(results: SweepResults): string {
  const h = results.header;
  const c = h.config;
  const facts: Array<[string, string]> = [
    ["library", `leet-decoding ${h.version}`],
    ["date", `${h.date} (${h.durationSeconds.toFixed(1)} s)`],
    ["backend / device", `${h.backend}: ${h.device.name}`],
    ["bandwidth", `${si(h.device.bandwidth, "B/s")} (${h.device.bandwidthSource})`],
    ["peak", `${c.dtypes.map((t) => `${t} ${si(h.device.peakFlops[t], "FLOP/s")}`).join(", ")} (${h.device.peakSource})`],
    ["shape", `B=${c.B} H=${c.H} ${c.dims.map((x) => `r=${x.r} d=${x.d}`).join(" | ")}, ${c.chunk ? `chunk ${c.chunk}` : "each kernel's chunk"}`],
    ["sweep", `methods ${c.methods.join(", ")}; N ${c.lengths.join(", ")}; γ ${c.decays.map(formatDecay).join(", ")}; ${c.dtypes.join(", ")}`],
    ["timing", `${c.warmup} warm-up + ${c.reps} timed runs (median), time budget ${c.timeBudget} s per configuration`],
    ["runtime", h.runtime],
  ];
  const fits: HtmlTable = {
    title: "Fitted exponents (time ∝ N^p)",
    headers: ["method", "dtype", "γ", "r", "d", "p", "± 1σ", "95% interval", "lengths", "closest shape"],
    rows: results.fits.map((f) => [
      f.method, f.dtype, formatDecay(f.decay), String(f.r), String(f.d), f.exponent.toFixed(3),
      f.stderr === null ? "" : f.stderr.toFixed(3),
      f.ci95 === null ? "" : `${f.ci95[0].toFixed(2)} … ${f.ci95[1].toFixed(2)}`,
      `${f.lengths[0]} … ${f.lengths[f.lengths.length - 1]} (${f.lengths.length})`, f.bestShape,
    ]),
  };
  const rows: HtmlTable = { title: "Every configuration", headers: RESULT_HEADERS, rows: resultCells(results) };
  return toHTML(reportFigures(results), {
    title: `leet-decoding sweep: ${h.backend}, ${h.device.name}`,
    intro: ["Exponentially decaying causal linear attention, every method timed across sequence lengths and decay rates. Hover for values; click legend entries to hide lines."],
    facts,
    tables: [fits, rows],
  });
}

/** Writes reportHTML(results) to `file` (directories created); returns the absolute path. */
export function writeReport(results: SweepResults, file: string): string {
  const abs = path.resolve(file);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, reportHTML(results));
  return abs;
}
