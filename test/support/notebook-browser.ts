// Opens a notebook exported to HTML in headless Chromium (Debian's `chromium`, driven by
// playwright-core) with the network cut off, waits until every leet-decoding plot in it
// has drawn (or failed), and reports what each drew and every error the page logged.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export interface NotebookPlot {
  id: string;
  /** Traces plotly holds for the element (gd.data). */
  traces: number;
  /** Trace groups drawn: scatter, bar and heatmap layers. */
  drawn: number;
  /** Points, line paths, bars and heatmap images drawn. */
  marks: number;
  plotted: boolean;
}

export interface NotebookPage {
  plots: NotebookPlot[];
  /** console.error messages, uncaught exceptions, and any request that tried to leave the file. */
  errors: string[];
}

export async function openNotebookHTML(file: string, timeoutMs = 60_000): Promise<NotebookPage> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "leet-notebook-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const errors: string[] = [];
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(`console: ${m.text()}`);
    });
    page.on("pageerror", (e) => errors.push(`exception: ${e.message}`));
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith("file:") || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
      errors.push(`network request: ${url}`);
      return route.abort();
    });
    await page.goto(pathToFileURL(file).href, { timeout: timeoutMs });
    // Each plot's script sets data-plotted when drawn, or replaces the element's text on failure.
    await page.waitForFunction(
      () => Array.from(document.querySelectorAll(".leet-decoding-plot")).every((el) => el.getAttribute("data-plotted") === "true" || /failed|not loaded/.test(el.textContent ?? "")),
      undefined,
      { timeout: timeoutMs },
    );
    const plots = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>(".leet-decoding-plot")).map((el) => {
        const gd = el as HTMLElement & { data?: unknown[] };
        return {
          id: el.id,
          traces: gd.data?.length ?? 0,
          drawn: el.querySelectorAll(".scatterlayer .trace, .barlayer .trace, .heatmaplayer .hm").length,
          marks: el.querySelectorAll(".scatterlayer .point, .scatterlayer .js-line, .barlayer .point, .heatmaplayer image").length,
          plotted: el.getAttribute("data-plotted") === "true",
        };
      }),
    );
    return { plots, errors };
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}
