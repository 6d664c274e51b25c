// Plots in a notebook: plotly figure specs (from leet-decoding's plot builders or
// lineFigure/barFigure here) shown inline as HTML. The plotly.js bundle is inlined into
// the first plot's output, guarded by `if (!window.Plotly)`, so plots work offline, in
// classic Notebook and JupyterLab, and in a notebook exported to HTML.
import { randomBytes } from "node:crypto";
import { PALETTE, plotlyBundle, type Figure, type Trace } from "../plot";
import { emit, type ShowOptions } from "./display";

/** Marks each figure's JSON in the output HTML (`<script type="application/json" data-leet-decoding-figure>`). */
export const FIGURE_ATTRIBUTE = "data-leet-decoding-figure";
/** Marks the element of a plot that has drawn (set by the output's script). */
export const PLOTTED_ATTRIBUTE = "data-plotted";

let plotlyShown = false;

// JSON placed inside a <script> element: no "<" at all, so no "</script>" or "<!--".
function scriptJSON(x: unknown): string {
  return JSON.stringify(x).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** A <script> that defines window.Plotly (the whole plotly.js bundle) unless the page has it. */
export function plotlyScript(): string {
  return `<script>if (!window.Plotly) {\n${plotlyBundle()}\n}</script>`;
}

/**
 * Shows the plotly.js bundle in the notebook (once per kernel unless `force`): showFigure
 * does it before the first plot. Run it again with `force: true` after reloading the
 * page of a notebook whose plots were drawn earlier in the same kernel.
 */
export function loadPlotly(options: ShowOptions & { force?: boolean } = {}): void {
  if (plotlyShown && !options.force) return;
  if (emit(options, () => `${plotlyScript()}<div style="display:none">plotly.js loaded</div>`, "")) plotlyShown = true;
}

function drawScript(id: string): string {
  return `<script>
(function () {
  var id = ${JSON.stringify(id)};
  var el = document.getElementById(id);
  if (!el) return;
  var spec = JSON.parse(document.querySelector('script[${FIGURE_ATTRIBUTE}="' + id + '"]').textContent);
  var config = Object.assign({ responsive: true, displaylogo: false }, spec.config || {});
  function draw() {
    el.textContent = "";
    window.Plotly.newPlot(el, spec.data, spec.layout, config).then(function () {
      el.setAttribute(${JSON.stringify(PLOTTED_ATTRIBUTE)}, "true");
    }, function (e) {
      el.textContent = "plot failed: " + (e && e.message ? e.message : e);
      console.error("leet-decoding: plot " + id + " failed: " + (e && e.message ? e.message : e));
    });
  }
  if (window.Plotly) return draw();
  // The bundle is in an earlier output; wait for it (outputs may render out of order).
  var tries = 0;
  var timer = setInterval(function () {
    if (window.Plotly) { clearInterval(timer); draw(); }
    else if (++tries > 100) {
      clearInterval(timer);
      el.textContent = "plotly.js is not loaded in this page: run the notebook from the top, or loadPlotly({ force: true }) from leet-decoding/notebook.";
    }
  }, 100);
})();
</script>`;
}

function checkFigure(f: unknown, name: string): Figure {
  const fig = f as Figure;
  if (fig === null || typeof fig !== "object" || !Array.isArray(fig.data) || fig.layout === null || typeof fig.layout !== "object") {
    throw new TypeError(`Expected a plotly figure spec { data: [...], layout: {...} } for ${name} but received ${fig === null ? "null" : typeof fig}`);
  }
  return fig;
}

/**
 * The HTML of `figures` for a notebook output: one element per figure, its spec as JSON
 * and a script that draws it with window.Plotly. With `includePlotly`, the bundle first.
 */
export function figureHTML(figures: Figure | readonly Figure[], options: { includePlotly?: boolean } = {}): string {
  const list = Array.isArray(figures) ? (figures as readonly Figure[]) : [figures as Figure];
  const parts: string[] = options.includePlotly ? [plotlyScript()] : [];
  list.forEach((f, i) => {
    const fig = checkFigure(f, Array.isArray(figures) ? `figures[${i}]` : "figure");
    const id = `ld-${fig.id && /^[A-Za-z][\w-]*$/.test(fig.id) ? `${fig.id}-` : ""}${randomBytes(6).toString("hex")}`;
    const height = typeof fig.layout.height === "number" ? fig.layout.height : 450;
    parts.push(
      `<div class="leet-decoding-plot" id="${id}" style="width:100%;min-height:${height}px"></div>`,
      `<script type="application/json" ${FIGURE_ATTRIBUTE}="${id}">${scriptJSON(fig)}</script>`,
      drawScript(id),
    );
  });
  return parts.join("\n");
}

function plainTitle(f: Figure): string {
  const t = f.layout.title as { text?: string } | string | undefined;
  const text = typeof t === "string" ? t : t?.text ?? f.id ?? "figure";
  return text.replace(/<br>/g, " — ").replace(/<[^>]+>/g, "");
}

/**
 * Shows figures inline (plotly.js loaded with the first one); returns them unchanged so
 * a cell can both show and keep a figure. Outside a notebook, prints each title.
 */
export function showFigure<T extends Figure | readonly Figure[]>(figures: T, options: ShowOptions = {}): T {
  const list = Array.isArray(figures) ? (figures as readonly Figure[]) : [figures as Figure];
  list.forEach((f, i) => checkFigure(f, Array.isArray(figures) ? `figures[${i}]` : "figure"));
  const text = list.map((f) => `[figure] ${plainTitle(f)} (${f.data.length} traces)`).join("\n");
  if (emit(options, () => figureHTML(figures, { includePlotly: !plotlyShown }), text)) plotlyShown = true;
  return figures;
}

/** One line of a lineFigure. */
export interface Series {
  name: string;
  x: ReadonlyArray<number | string>;
  /** null leaves a gap (e.g. a zero on a log axis). */
  y: ReadonlyArray<number | null>;
  /** Default "lines+markers". */
  mode?: "lines" | "markers" | "lines+markers";
  /** Default "solid". */
  dash?: "solid" | "dot" | "dash" | "dashdot";
  /** Default: the palette's next color. */
  color?: string;
  /** Lines of one group share a legend toggle. Default none. */
  group?: string;
  /** Default true. */
  showLegend?: boolean;
  /** Hover text per point. Default none. */
  text?: ReadonlyArray<string>;
}

export interface LineFigureOptions {
  /** Element id stem. Default "figure". */
  id?: string;
  title: string;
  /** Smaller line under the title. Default none. */
  subtitle?: string;
  xTitle: string;
  yTitle: string;
  /** Logarithmic axes. Default false. */
  logX?: boolean;
  logY?: boolean;
  /** Reverse the x axis (e.g. decay from 1 down to 1e-6). Default false. */
  reverseX?: boolean;
  series: readonly Series[];
  /** Plot height in px. Default 450. */
  height?: number;
}

function layoutOf(o: { title: string; subtitle?: string; xTitle: string; yTitle: string; height?: number }): Record<string, unknown> {
  return {
    title: { text: o.subtitle ? `${o.title}<br><sub>${o.subtitle}</sub>` : o.title },
    hovermode: "closest",
    margin: { t: o.subtitle ? 80 : 60 },
    height: o.height ?? 450,
    xaxis: { title: { text: o.xTitle } },
    yaxis: { title: { text: o.yTitle } },
  };
}

/** A plotly line chart from plain arrays: for quantities a notebook computes itself. */
export function lineFigure(o: LineFigureOptions): Figure {
  const layout = layoutOf(o);
  const exp = { exponentformat: "power" };
  if (o.logX) Object.assign(layout.xaxis as object, { type: "log" }, exp);
  if (o.logY) Object.assign(layout.yaxis as object, { type: "log" }, exp);
  if (o.reverseX) Object.assign(layout.xaxis as object, { autorange: "reversed" });
  const data: Trace[] = o.series.map((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    return {
      type: "scatter",
      mode: s.mode ?? "lines+markers",
      name: s.name,
      x: [...s.x],
      y: [...s.y],
      line: { color, dash: s.dash ?? "solid" },
      marker: { color },
      ...(s.group !== undefined ? { legendgroup: s.group } : {}),
      ...(s.showLegend === false ? { showlegend: false } : {}),
      ...(s.text ? { text: [...s.text] } : {}),
    };
  });
  return { id: o.id ?? "figure", data, layout };
}

export interface BarFigureOptions {
  /** Element id stem. Default "figure". */
  id?: string;
  title: string;
  subtitle?: string;
  xTitle: string;
  yTitle: string;
  /** Logarithmic value axis. Default false. */
  logY?: boolean;
  /** Bar labels. */
  categories: readonly string[];
  /** One group of bars per entry: a name and one value per category. */
  groups: ReadonlyArray<{ name: string; values: ReadonlyArray<number | null>; color?: string }>;
  height?: number;
}

/** A plotly bar chart (grouped when several groups are given). */
export function barFigure(o: BarFigureOptions): Figure {
  const layout: Record<string, unknown> = { ...layoutOf(o), barmode: "group" };
  if (o.logY) Object.assign(layout.yaxis as object, { type: "log", exponentformat: "power" });
  // plot's Trace type names only the trace types its builders use; a bar is plotly data all the same.
  const data = o.groups.map((g, i) => ({
    type: "bar",
    name: g.name,
    x: [...o.categories],
    y: [...g.values],
    marker: { color: g.color ?? PALETTE[i % PALETTE.length] },
  })) as unknown as Trace[];
  return { id: o.id ?? "figure", data, layout };
}
