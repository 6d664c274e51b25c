// leet-decoding/notebook without Jupyter: the helpers against a stand-in for tslab's
// display (what a kernel would receive), and their console fallback.
import { describe, expect, it, vi } from "vitest";
import { plot } from "../src";
import { barFigure, FIGURE_ATTRIBUTE, figureHTML, lineFigure, loadPlotly, progress, showFigure, showTable, showText, tableData, type TslabLike } from "../src/notebook";
import { syntheticResults } from "./support/synthetic";

function fakeTslab() {
  const shown: string[] = [];
  const updates: string[][] = [];
  const tslab: TslabLike = {
    display: { html: (s) => void shown.push(s) },
    newDisplay: () => {
      const mine: string[] = [];
      updates.push(mine);
      return { html: (s) => void mine.push(s) };
    },
  };
  return { tslab, shown, updates };
}

function specs(html: string): Array<{ id: string; data: unknown[] }> {
  const re = new RegExp(`<script type="application/json" ${FIGURE_ATTRIBUTE}="([^"]+)">([^<]*)</script>`, "g");
  return [...html.matchAll(re)].map((m) => JSON.parse(m[2]));
}

const figure = lineFigure({ id: "f", title: "t </script> <b>", xTitle: "x", yTitle: "y", logY: true, series: [{ name: "a", x: [1, 2], y: [3, null] }] });

describe("figures", () => {
  it("figureHTML embeds each spec as JSON (no raw '<'), a draw script, and plotly.js only when asked", () => {
    const html = figureHTML([figure, figure]);
    expect(specs(html)).toEqual([figure, figure]);
    const ids = [...html.matchAll(/class="leet-decoding-plot" id="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(2);
    expect(html).not.toContain("</script> <b>");
    expect(html).not.toContain("if (!window.Plotly) {");
    expect(figureHTML(figure, { includePlotly: true })).toContain("if (!window.Plotly) {");
  });

  it("showFigure shows the bundle once, returns its argument, and checks it", () => {
    const { tslab, shown } = fakeTslab();
    loadPlotly({ tslab, force: true });
    expect(shown).toHaveLength(1);
    expect(shown[0]).toContain("if (!window.Plotly) {");
    const bars = barFigure({ title: "b", xTitle: "m", yTitle: "ms", categories: ["a", "b"], groups: [{ name: "t", values: [1, 2] }] });
    expect(showFigure(bars, { tslab })).toBe(bars);
    expect(showFigure([figure], { tslab })).toEqual([figure]);
    expect(shown).toHaveLength(3);
    expect(shown.slice(1).some((h) => h.includes("if (!window.Plotly) {"))).toBe(false);
    expect(specs(shown[1])[0].data).toEqual(bars.data);
    expect(() => showFigure({} as never, { tslab })).toThrow("Expected a plotly figure spec { data: [...], layout: {...} } for figure but received object");
  });

  it("prints a line per figure outside a notebook", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      showFigure(plot.runtimeFigure(syntheticResults()), { tslab: { display: { html: () => { throw new Error("Not ready"); } }, newDisplay: () => ({ html: () => {} }) } });
      expect(log.mock.calls[0][0]).toMatch(/^\[figure\] Time per call vs sequence length/);
    } finally {
      log.mockRestore();
    }
  });
});

describe("tables and text", () => {
  it("formats rows of objects, { headers, rows } and sweep results", () => {
    expect(tableData([{ method: "a", n: 4096, ms: 1.23456, tiny: 1.5e-7, list: [1, 2], none: null }])).toEqual({
      headers: ["method", "n", "ms", "tiny", "list", "none"],
      rows: [["a", "4096", "1.23", "1.5e-7", "1, 2", ""]],
    });
    expect(tableData({ headers: ["x", "y"], rows: [[1.5, "b"]] }, { format: (x) => x.toFixed(3) }).rows).toEqual([["1.500", "b"]]);
    const res = syntheticResults({ methods: ["blocked"], lengths: [256], decays: [1], dtypes: ["float32"] });
    expect(tableData(res).rows).toHaveLength(1);
    expect(tableData(res).headers[0]).toBe("method");
  });

  it("shows escaped HTML with a title", () => {
    const { tslab, shown } = fakeTslab();
    const t = showTable([{ name: "<b>", value: 2 }], { tslab, title: "T & U" });
    expect(t.rows).toEqual([["<b>", "2"]]);
    expect(shown[0]).toContain("&lt;b&gt;");
    expect(shown[0]).toContain("T &amp; U");
    showText("a < b", { tslab });
    expect(shown[1]).toBe("<p>a &lt; b</p>");
  });
});

describe("progress", () => {
  it("redraws one display in place, throttled, and always shows the last state", () => {
    const { tslab, updates } = fakeTslab();
    const bar = progress("loop", { tslab, throttleMs: 60_000 });
    for (let i = 1; i <= 10; i++) bar.update(i, 10, `step ${i}`);
    bar.finish("all done");
    expect(updates).toHaveLength(1);
    expect(updates[0]).toHaveLength(3); // the first update, the last (done = total), and finish
    expect(updates[0][2]).toContain('data-finished="true"');
    expect(updates[0][2]).toContain("all done");
    expect(bar.text).toBe("loop: 10/10 all done");
  });
});
