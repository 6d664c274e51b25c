// Progress that updates in place in the cell's output (one tslab display, overwritten),
// for sweeps and for a notebook's own loops. Outside a notebook, one line per update on
// stderr.
import { describeProgress, sweep, type SweepOptions, type SweepProgress, type SweepResults } from "../bench";
import { escapeHTML } from "../plot";
import { Sink, type ShowOptions } from "./display";

export interface ProgressOptions extends ShowOptions {
  /** Least time between two updates of the display, ms (the last one always shows). Default 250. */
  throttleMs?: number;
}

/** A progress display: update(done, total, text) redraws it in place; finish(text) leaves a summary. */
export interface Progress {
  update(done: number, total: number, text?: string): void;
  finish(text: string): void;
  /** What the display shows now (plain text), for tests and logs. */
  readonly text: string;
}

function barHTML(title: string, done: number, total: number, text: string, finished: boolean): string {
  const pct = total > 0 ? Math.min(100, (100 * done) / total) : 100;
  const color = finished ? "#2ca02c" : "#1f77b4";
  return `<div class="leet-decoding-progress" data-done="${done}" data-total="${total}" data-finished="${finished}" style="font-family:monospace;font-size:0.9em">
<div>${escapeHTML(title)}: ${done}/${total}</div>
<div style="width:360px;height:8px;background:#eee;border-radius:4px;overflow:hidden"><div style="width:${pct.toFixed(1)}%;height:100%;background:${color}"></div></div>
<div>${escapeHTML(text)}</div></div>`;
}

/** A progress bar with a line of text, redrawn in place. */
export function progress(title: string, options: ProgressOptions = {}): Progress {
  const sink = new Sink(options, true);
  const throttle = options.throttleMs ?? 250;
  let last = 0;
  let current = "";
  const show = (done: number, total: number, text: string, finished: boolean) => {
    current = `${title}: ${done}/${total} ${text}`.trim();
    const now = Date.now();
    if (!finished && done < total && now - last < throttle) return;
    last = now;
    if (!sink.html(barHTML(title, done, total, text, finished))) process.stderr.write(`${current}\n`);
  };
  let lastDone = 0;
  let lastTotal = 0;
  return {
    update(done, total, text = "") {
      lastDone = done;
      lastTotal = total;
      show(done, total, text, false);
    },
    finish(text) {
      show(lastDone, lastTotal, text, true);
    },
    get text() {
      return current;
    },
  };
}

/**
 * Runs sweep(options) with its progress updating in place in the cell output (the row
 * just measured, rows done, time left); resolves to the sweep's results.
 */
export async function liveSweep(options: SweepOptions = {}, display: ProgressOptions & { title?: string } = {}): Promise<SweepResults> {
  const title = display.title ?? "sweep";
  const bar = progress(title, display);
  const onProgress = (p: SweepProgress) => bar.update(p.done, p.total, describeProgress(p));
  const results = await sweep(options, { onProgress });
  const count = (s: string) => results.rows.filter((r) => r.status === s).length;
  bar.finish(`done in ${results.header.durationSeconds.toFixed(1)} s on ${results.header.device.name}: ${count("ok")} measured, ${count("skipped")} skipped, ${count("failed")} failed`);
  return results;
}
