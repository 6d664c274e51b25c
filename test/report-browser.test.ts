// The HTML report in a real browser: offline, every plot draws all its traces, no errors.
// Skipped only where Chromium is absent (CI installs Debian's `chromium`).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { reportFigures, validateResults, writeReport, type SweepResults } from "../src";
import { haveChromium, openReport } from "./support/browser";
import { syntheticResults } from "./support/synthetic";

describe.skipIf(!haveChromium)("report.html in headless Chromium", () => {
  const cases: Array<[string, () => SweepResults]> = [
    ["synthetic results with every figure kind", () => syntheticResults({ headDims: [32, 64] })],
    // A real CUDA sweep (NVIDIA H200, leet-decoding 0.1.0) with skipped rows.
    ["saved H200 results", () => validateResults(JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "sweep-h200.json"), "utf8")))],
  ];
  for (const [name, make] of cases) {
    it(`draws every plot's traces with no errors and no network: ${name}`, async () => {
      const res = make();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "leet-report-"));
      const file = writeReport(res, path.join(dir, "report.html"));
      const page = await openReport(file);
      expect(page.errors).toEqual([]);
      expect(page.status).toBe("done");
      const figures = reportFigures(res);
      expect(page.plots.map((p) => p.id)).toEqual(figures.map((f) => f.id));
      page.plots.forEach((p, i) => {
        expect(p.traces, p.id).toBe(figures[i].data.length);
        expect(p.drawn, p.id).toBe(p.traces);
        expect(p.marks, p.id).toBeGreaterThan(0);
      });
      fs.rmSync(dir, { recursive: true, force: true });
    });
  }
});
