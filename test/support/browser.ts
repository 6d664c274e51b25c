// Opens an HTML report in headless Chromium (Debian's `chromium` package, driven by
// playwright-core) with the network cut off, waits for the plots, and reports what each
// plot drew and every error the page logged.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const haveChromium = fs.existsSync(CHROMIUM);

export interface PlotState {
  id: string;
  /** Traces in the figure's data. */
  traces: number;
  /** Trace groups plotly drew (scatter traces and heatmaps). */
  drawn: number;
  /** Markers and line paths drawn. */
  marks: number;
}

export interface PageReport {
  status: string;
  plots: PlotState[];
  /** console.error messages, uncaught exceptions, and any request that tried to leave the file. */
  errors: string[];
}

/**
 * Opens `file` in a fresh headless Chromium profile with every request that would leave
 * the file refused, runs `body` on the page, and returns its result with every error the
 * page logged (console.error, uncaught exceptions, refused requests).
 */
export async function withOfflinePage<T>(file: string, timeoutMs: number, body: (page: Page) => Promise<T>): Promise<{ result: T; errors: string[] }> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "leet-chromium-"));
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
    return { result: await body(page), errors };
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

export async function openReport(file: string): Promise<PageReport> {
  const { result, errors } = await withOfflinePage(file, 60_000, async (page) => {
    await page.waitForFunction(() => document.body && document.body.dataset.plots !== undefined, undefined, { timeout: 60_000 });
    const status = await page.evaluate(() => document.body.dataset.plots ?? "");
    const plots = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>(".plot")).map((el) => {
        const gd = el as HTMLElement & { data?: unknown[] };
        return {
          id: el.id,
          traces: gd.data?.length ?? 0,
          drawn: el.querySelectorAll(".scatterlayer .trace, .heatmaplayer .hm").length,
          marks: el.querySelectorAll(".scatterlayer .point, .scatterlayer .js-line, .heatmaplayer image").length,
        };
      }),
    );
    return { status, plots };
  });
  return { ...result, errors };
}
