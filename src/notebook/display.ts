// Where notebook output goes: tslab's display (found by require("tslab") in the kernel,
// or passed in by the caller), else the console, so the same notebook code also runs as
// a plain Node.js script.

/** What the helpers need of a display: tslab's `display` and `newDisplay()` objects have it. */
export interface DisplayLike {
  html(s: string): void;
}

/** tslab's module, or anything shaped like it (`import * as tslab from "tslab"`). */
export interface TslabLike {
  display: DisplayLike;
  newDisplay(): DisplayLike;
}

/** Options shared by every helper that shows something. */
export interface ShowOptions {
  /** The tslab module to display with. Default: require("tslab") when this runs inside a tslab kernel; otherwise output goes to the console as text. */
  tslab?: TslabLike;
}

let cached: TslabLike | null | undefined;

function isTslab(x: unknown): x is TslabLike {
  const t = x as TslabLike;
  return t !== null && typeof t === "object" && typeof t.display?.html === "function" && typeof t.newDisplay === "function";
}

/** The tslab module this process can display with, or null (not installed). */
export function findTslab(): TslabLike | null {
  if (cached === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const t: unknown = require("tslab");
      cached = isTslab(t) ? t : null;
    } catch {
      cached = null;
    }
  }
  return cached;
}

/**
 * A display target: html() goes to tslab when a kernel is executing a cell, else
 * `fallback(text)` runs (console output). tslab throws "Not ready" outside a kernel.
 * @internal
 */
export class Sink {
  private readonly tslab: TslabLike | null;
  private target: DisplayLike | null = null;

  constructor(options: ShowOptions = {}, private readonly updating = false) {
    if (options.tslab !== undefined && !isTslab(options.tslab)) {
      throw new TypeError(`Expected the tslab module ({ display, newDisplay }) for tslab but received ${typeof options.tslab}`);
    }
    this.tslab = options.tslab ?? findTslab();
  }

  /** Whether a tslab module was found (a kernel may still refuse: see html()). */
  get available(): boolean {
    return this.tslab !== null;
  }

  /** Shows `html` (replacing this sink's earlier output when updating); returns false when no notebook took it. */
  html(html: string): boolean {
    if (!this.tslab) return false;
    try {
      if (this.target === null) this.target = this.updating ? this.tslab.newDisplay() : this.tslab.display;
      this.target.html(html);
      return true;
    } catch (e) {
      if ((e as Error)?.message === "Not ready") return false;
      throw e;
    }
  }
}

/**
 * Shows `html()` in the notebook, or prints `text` when not in one; returns whether a
 * notebook took it. The HTML is built only for a notebook (a plot's may hold plotly.js).
 * @internal
 */
export function emit(options: ShowOptions, html: () => string, text: string): boolean {
  const sink = new Sink(options);
  if (sink.available && sink.html(html())) return true;
  if (text) console.log(text);
  return false;
}
