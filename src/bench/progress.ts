// Progress of a sweep for people: one updating line on a terminal, a line per tenth of
// the sweep elsewhere (CI logs), and the text for notebook displays.
import type { SweepProgress } from "./sweep";
import { formatDecay } from "./table";

/** "[ 12/140] blocked N=4096 γ=0.9 float32: 3.21 ms · eta 20 s" */
export function describeProgress(p: SweepProgress): string {
  const row = p.row;
  const w = String(p.total).length;
  const what = `${row.method} N=${row.N} γ=${formatDecay(row.decay)} ${row.dtype}${row.r !== 64 || row.d !== 64 ? ` r=${row.r} d=${row.d}` : ""}`;
  const result = row.status === "ok" ? `${row.medianMs!.toPrecision(3)} ms` : row.status === "skipped" ? "skipped" : "FAILED";
  const eta = p.done < p.total ? ` · eta ${Math.ceil(p.etaSeconds)} s` : "";
  return `[${String(p.done).padStart(w)}/${p.total}] ${what}: ${result}${eta}`;
}

/** An onProgress callback writing to `stream` (default stderr): `\r`-updated on a TTY, every tenth of the sweep elsewhere. */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): (p: SweepProgress) => void {
  let width = 0;
  return (p) => {
    const line = describeProgress(p);
    if (stream.isTTY) {
      const cols = stream.columns || 100;
      const shown = line.length >= cols ? line.slice(0, cols - 1) : line;
      stream.write(`\r${shown.padEnd(Math.min(width, cols - 1))}`);
      width = shown.length;
      if (p.done === p.total) stream.write("\n");
    } else if (p.done === p.total || p.done % Math.ceil(p.total / 10) === 0) {
      stream.write(`${line}\n`); // logs: about ten lines per sweep
    }
  };
}
