// Every notebook in notebooks/ executed headless (nbclient against the project's tslab
// kernel, registered here if needed): no error outputs, every cell run, its plots present
// as display data with plotly.js inlined once. One executed notebook is also exported to
// HTML and opened in headless Chromium, offline, to check that every plot draws.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { FIGURE_ATTRIBUTE, findPython, installKernel } from "../src/notebook";
import { CHROMIUM, openNotebookHTML } from "./support/notebook-browser";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..");
const OUT = path.join(ROOT, "out", "notebooks");
const RUNNER = path.join(__dirname, "support", "run-notebook.py");
const NOTEBOOKS = fs.readdirSync(path.join(ROOT, "notebooks")).filter((f) => /^\d\d-.+\.ipynb$/.test(f)).sort();
// The notebook drawn in Chromium: the one with the most kinds of plot.
const EXPORTED = "03-benchmarks.ipynb";

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
  ename?: string;
  evalue?: string;
}
interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
}
interface FigureSpec {
  id: string;
  data: Array<{ type?: string; x?: unknown[]; y?: unknown[]; z?: unknown[] }>;
  layout: Record<string, unknown>;
}

const joined = (x: string | string[] | undefined): string => (Array.isArray(x) ? x.join("") : x ?? "");

let python = "";
let env: NodeJS.ProcessEnv = {};
const executed = new Map<string, string>();

beforeAll(() => {
  python = findPython();
  if (!fs.existsSync(path.join(ROOT, "dist", "notebook", "index.js"))) {
    throw new Error("the notebooks import the built package: run npm run build:ts (npm install does it) first");
  }
  const kernel = installKernel({ root: ROOT, verbose: false });
  env = { ...process.env, JUPYTER_PATH: kernel.jupyterPath };
  fs.mkdirSync(OUT, { recursive: true });
});

describe("notebooks", () => {
  it("are the five of the story, in order", () => {
    expect(NOTEBOOKS.map((f) => f.slice(0, 3))).toEqual(["01-", "02-", "03-", "04-", "05-"]);
  });

  for (const name of NOTEBOOKS) {
    it(`${name} runs top to bottom with its plots`, async () => {
      const out = path.join(OUT, name);
      const { stdout } = await run(python, [RUNNER, path.join(ROOT, "notebooks", name), out, "--timeout", "240"], { env, maxBuffer: 1 << 26 });
      const summary = JSON.parse(stdout.trim().split("\n").pop()!) as { cells: Array<{ index: number; status: string }>; seconds: number };
      const nb = JSON.parse(fs.readFileSync(out, "utf8")) as { cells: Cell[] };
      const code = nb.cells.map((c, i) => ({ c, i })).filter(({ c }) => c.cell_type === "code");

      const errors = code.flatMap(({ c, i }) =>
        (c.outputs ?? []).filter((o) => o.output_type === "error").map((o) => `cell ${i}: ${o.ename}: ${(o.evalue ?? "").slice(0, 2000)}\n--- source ---\n${joined(c.source).slice(0, 600)}`),
      );
      expect(errors, errors.join("\n\n")).toEqual([]);
      expect(summary.cells.map((c) => c.index)).toEqual(code.map(({ i }) => i));
      expect(summary.cells.filter((c) => c.status !== "ok")).toEqual([]);

      const html = code.flatMap(({ c }) => (c.outputs ?? []).filter((o) => o.output_type === "display_data" && o.data?.["text/html"]).map((o) => joined(o.data!["text/html"])));
      const figures: FigureSpec[] = [];
      const pattern = new RegExp(`<script type="application/json" ${FIGURE_ATTRIBUTE}="[^"]+">([^<]*)</script>`, "g");
      for (const h of html) for (const m of h.matchAll(pattern)) figures.push(JSON.parse(m[1]) as FigureSpec);
      expect(figures.length, "plots shown as display data").toBeGreaterThan(0);
      for (const f of figures) {
        expect(f.data.length, `figure ${f.id} has traces`).toBeGreaterThan(0);
        const points = f.data.reduce((n, t) => n + (t.z?.length ?? t.y?.filter((y) => y !== null).length ?? 0), 0);
        expect(points, `figure ${f.id} has data points`).toBeGreaterThan(0);
      }
      // plotly.js inlined exactly once, before the first plot.
      const withBundle = html.filter((h) => h.includes("if (!window.Plotly) {"));
      expect(withBundle.length).toBe(1);
      expect(html.indexOf(withBundle[0])).toBeLessThanOrEqual(html.findIndex((h) => h.includes(FIGURE_ATTRIBUTE)));
      executed.set(name, out);
    }, 300_000);
  }

  it.skipIf(!fs.existsSync(CHROMIUM))(`${EXPORTED} exported to HTML draws every plot in headless Chromium, offline`, async () => {
    const nb = executed.get(EXPORTED);
    expect(nb, `${EXPORTED} must have run (see its test above)`).toBeDefined();
    // nbconvert's template loads require.js and MathJax from a CDN; empty data: scripts keep the page offline.
    const empty = "data:text/javascript,";
    await run(python, ["-m", "nbconvert", "--to", "html", `--HTMLExporter.require_js_url=${empty}`, `--HTMLExporter.mathjax_url=${empty}`, "--output-dir", OUT, nb!], { env, maxBuffer: 1 << 26 });
    const file = path.join(OUT, EXPORTED.replace(/\.ipynb$/, ".html"));
    const page = await openNotebookHTML(file);
    expect(page.errors).toEqual([]);
    expect(page.plots.length).toBeGreaterThan(0);
    for (const p of page.plots) {
      expect(p.plotted, p.id).toBe(true);
      expect(p.traces, p.id).toBeGreaterThan(0);
      expect(p.drawn, p.id).toBe(p.traces);
      expect(p.marks, p.id).toBeGreaterThan(0);
    }
  }, 120_000);
});
