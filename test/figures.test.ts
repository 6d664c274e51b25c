// Figure specs are plain data: check what each builder puts in them.
import { describe, expect, it } from "vitest";
import { errorFigure, fastestFigure, memoryFigure, reportFigures, runtimeFigure, throughputFigure, toHTML } from "../src";
import { syntheticResults } from "./support/synthetic";

const res = syntheticResults({ headDims: [32, 64] });

describe("figures", () => {
  it("runtime: log-log, a line per method with its fitted exponent, dashed floors", () => {
    const f = runtimeFigure(res, { dtype: "float32", decay: 1, r: 64, d: 64 });
    expect(f.layout.xaxis).toMatchObject({ type: "log" });
    expect(f.layout.yaxis).toMatchObject({ type: "log" });
    const lines = f.data.filter((t) => (t.line as { dash?: string }).dash === undefined);
    const floors = f.data.filter((t) => (t.line as { dash?: string }).dash === "dash");
    expect(lines.map((t) => t.name!.split(":")[0])).toEqual(res.header.config.methods);
    expect(floors.length).toBe(lines.length);
    const vanilla = lines.find((t) => t.name!.startsWith("vanilla"))!;
    expect(vanilla.name).toMatch(/^vanilla: N\^1\.\d\d ± 0\.\d\d$|^vanilla: N\^2\.00 ± 0\.\d\d$/);
    expect(vanilla.x).toEqual([256, 512, 1024, 2048]); // 4096 was skipped
    expect(floors[0].x).toEqual([256, 512, 1024, 2048, 4096]); // the floor is drawn for every length
    const recurrent = lines.find((t) => t.name!.startsWith("recurrent"))!;
    expect(recurrent.name).toBe("recurrent: N^1.00 ± 0.00");
  });

  it("error vs decay: γ from 1 to 1e-6 on a reversed log axis, a line per method and dtype", () => {
    const f = errorFigure(res);
    expect(f.layout.xaxis).toMatchObject({ type: "log", autorange: "reversed" });
    expect(f.data.length).toBe(res.header.config.methods.length * 2);
    expect(f.data.map((t) => t.name)).toContain("fleet float16");
    for (const t of f.data) expect(t.x).toEqual([1, 0.9, 1e-3, 1e-6]);
    expect(f.layout.title).toMatchObject({ text: expect.stringContaining("N=2048") });
  });

  it("throughput: the roofline line and measured points", () => {
    const f = throughputFigure(res, { dtype: "float32" });
    const roof = f.data[0];
    expect(roof.name).toMatch(/roofline: 10\.0 GB\/s, 100 GFLOP\/s peak/);
    expect(Math.max(...(roof.y as number[]))).toBeCloseTo(100);
    expect(f.data.slice(1).map((t) => t.name)).toEqual(res.header.config.methods);
    const blocked = f.data.find((t) => t.name === "blocked")!;
    expect((blocked.y as number[]).every((y, i) => y <= Math.min(100, 10 * (blocked.x as number[])[i]) + 1e-9)).toBe(true);
  });

  it("memory: model lines per method and measured points where seen", () => {
    const f = memoryFigure(res);
    expect(f.data.filter((t) => t.mode === "lines+markers").length).toBe(5);
    expect(f.data.some((t) => t.name === "vanilla measured")).toBe(true);
  });

  it("fastest method over (N, decay) and over (N, head dim)", () => {
    const f = fastestFigure(res);
    const h = f.data[0];
    expect(h.type).toBe("heatmap");
    expect(h.x).toEqual(["256", "512", "1024", "2048", "4096"]);
    expect(h.y).toEqual(["γ=1", "γ=0.9", "γ=0.001", "γ=1e-6"]);
    // Synthetic times are floor × slowdown; blocked has the smallest slowdown and the lowest floor at long N.
    expect((h.text as string[][])[0][4]).toMatch(/^blocked<br>/);
    const z = h.z as number[][];
    expect(z[0][4]).toBe(res.header.config.methods.indexOf("blocked"));
    const byDim = fastestFigure(res, { over: "headDim" });
    expect(byDim.data[0].y).toEqual(["r=d=32", "r=d=64"]);
    expect(() => fastestFigure(res, { over: "color" as never })).toThrow(/options.over/);
  });

  it("the report has every kind of figure", () => {
    const ids = reportFigures(res).map((f) => f.id);
    expect(ids).toEqual(["runtime-float32", "runtime-float16", "error-vs-decay", "throughput-float32", "throughput-float16", "memory-float32", "fastest-decay-float32", "fastest-headDim-float32"]);
  });

  it("toHTML inlines plotly behind a guard and escapes the specs", () => {
    const html = toHTML([{ id: "x", data: [{ type: "scatter", name: "</script><b>", x: [1], y: [1] }], layout: {} }], { title: "A & B" });
    expect(html).toContain("<script>if (!window.Plotly) {");
    expect(html).toContain("plotly.js v3");
    expect(html).not.toContain("</script><b>");
    expect(html).toContain("\\u003c/script>\\u003cb>");
    expect(html).toContain("<title>A &amp; B</title>");
    expect(html).not.toMatch(/<script[^>]+src=/); // nothing loaded from the network
  });
});
