// Opens a notebook exported to HTML in headless Chromium (Debian's `chromium`, driven by
// playwright-core) with the network cut off, waits until every leet-decoding plot in it
// has drawn (or failed), and reports what each drew and every error the page logged.
import { CHROMIUM, withOfflinePage } from "./browser";

export { CHROMIUM };

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
  const { result, errors } = await withOfflinePage(file, timeoutMs, async (page) => {
    // Each plot's script sets data-plotted when drawn, or replaces the element's text on failure.
    await page.waitForFunction(
      () => Array.from(document.querySelectorAll(".leet-decoding-plot")).every((el) => el.getAttribute("data-plotted") === "true" || /failed|not loaded/.test(el.textContent ?? "")),
      undefined,
      { timeout: timeoutMs },
    );
    return page.evaluate(() =>
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
  });
  return { plots: result, errors };
}
