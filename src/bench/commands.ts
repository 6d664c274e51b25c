// The CLI's info, check, bench and report commands (src/cli.ts dispatches here). Each
// returns the exit code; malformed arguments throw UsageError (exit code 2).
import * as fs from "node:fs";
import * as path from "node:path";
import { cudaAvailable } from "../backend";
import { measureDevice } from "../complexity/roofline";
import { DTYPES } from "../dtype";
import { formatNumber, table } from "../format";
import { info } from "../info";
import type { Backend } from "../methods";
import { writeReport } from "../plot/html";
import { ArgumentError } from "../validate";
import { parseBackend, parseBenchArgs, parseDtypes, parseFlags, parseMethods, UsageError } from "./args";
import { CHECK_DECAYS, CHECK_SHAPE, checkMethods } from "./check";
import { validateResults } from "./schema";
import { sweep } from "./sweep";
import { terminalProgress } from "./progress";
import { formatDecay, resultsSummary, resultsTable } from "./table";

const si = (x: number, unit: string) => (x >= 1e12 ? `${(x / 1e12).toFixed(2)} T${unit}` : `${(x / 1e9).toFixed(1)} G${unit}`);

/** `leet-decoding info`: backends, devices, measured bandwidth and the peaks the roofline uses. */
export async function infoCommand(args: readonly string[]): Promise<number> {
  const { positional } = parseFlags(args, []);
  if (positional.length) throw new UsageError(`unexpected argument "${positional[0]}"`);
  const inf = info();
  const backends: Backend[] = cudaAvailable() ? ["cpu", "cuda"] : ["cpu"];
  const lines = [`leet-decoding ${inf.version}`, `cpu: ${inf.backends.cpu.threads} threads (${inf.backends.cpu.hardwareThreads} hardware), ${inf.backends.cpu.simd}`];
  const c = inf.backends.cuda;
  lines.push(c.available ? `cuda: ${c.devices.map((d) => `${d.name} (sm_${d.computeCapability.replace(".", "")}, ${(d.totalMemory / 2 ** 30).toFixed(0)} GiB, ${d.multiprocessors} SMs)`).join("; ")}` : `cuda: unavailable (${c.reason ?? "unknown reason"})`);
  for (const b of backends) {
    const dev = await measureDevice(b);
    lines.push(`${b} bandwidth: ${si(dev.bandwidth, "B/s")} (${dev.bandwidthSource})`);
    lines.push(`${b} peak: ${DTYPES.map((t) => `${t} ${si(dev.peakFlops[t], "FLOP/s")}`).join(", ")}`);
    lines.push(`  (${dev.peakSource})`);
  }
  console.log(lines.join("\n"));
  return 0;
}

/** `leet-decoding check`: every method × backend × dtype against the float64 reference; exit 1 on any failure. */
export async function checkCommand(args: readonly string[]): Promise<number> {
  const { flags: f, positional } = parseFlags(args, ["backend", "dtype", "methods"]);
  if (positional.length) throw new UsageError(`unexpected argument "${positional[0]}"`);
  const be = parseBackend(f.get("backend"), true) ?? "all";
  if (be === "cuda" && !cudaAvailable()) throw new UsageError(`--backend cuda: CUDA is not available (${info().backends.cuda.reason ?? "unknown reason"})`);
  const backends: Backend[] = be === "all" || be === "auto" ? (cudaAvailable() ? ["cpu", "cuda"] : ["cpu"]) : [be];
  const rows = await checkMethods({
    backends,
    dtypes: f.has("dtype") ? parseDtypes("dtype", f.get("dtype")!) : undefined,
    methods: f.has("methods") ? parseMethods("methods", f.get("methods")!) : undefined,
  });
  const { B, H, N, r, d } = CHECK_SHAPE;
  console.log(`check: every method against the float64 reference, B=${B} H=${H} N=${N} r=${r} d=${d}, per-head γ = ${CHECK_DECAYS.slice(0, H).map(formatDecay).join(", ")}\n`);
  console.log(table(
    ["method", "backend", "dtype", "rel. error", "tolerance", "result"],
    rows.map((r) => [r.method, r.backend, r.dtype, r.error === null ? "" : r.error.toExponential(1), r.tolerance.toExponential(0), r.status === "error" ? `ERROR: ${r.message}` : r.status === "pass" ? "pass" : "FAIL"]),
  ));
  const bad = rows.filter((r) => r.status !== "pass");
  console.log(`\n${rows.length - bad.length} passed, ${bad.length} failed`);
  return bad.length ? 1 : 0;
}

/** `leet-decoding bench`: a sweep; prints the table, writes results.json and report.html. */
export async function benchCommand(args: readonly string[]): Promise<number> {
  const a = parseBenchArgs(args);
  let results;
  try {
    results = await sweep(a.sweep, { onProgress: a.quiet ? undefined : terminalProgress() });
  } catch (e) {
    if (e instanceof ArgumentError) throw new UsageError(e.message);
    throw e;
  }
  const h = results.header;
  const c = h.config;
  console.log(`\nleet-decoding ${h.version} sweep on ${h.backend}: ${h.device.name}`);
  console.log(`bandwidth ${si(h.device.bandwidth, "B/s")} (measured), B=${c.B} H=${c.H} ${c.dims.map((x) => `r=${x.r} d=${x.d}`).join(", ")}, ${c.warmup} warm-up + ${c.reps} runs, ${h.durationSeconds.toFixed(1)} s\n`);
  console.log(a.full ? resultsTable(results) : resultsSummary(results));
  fs.mkdirSync(a.out, { recursive: true });
  const json = path.resolve(a.out, "results.json");
  fs.writeFileSync(json, JSON.stringify(results, null, 1));
  const html = writeReport(results, path.join(a.out, "report.html"));
  const failed = results.rows.filter((r) => r.status === "failed").length;
  console.log(`\nresults: ${json}\nreport:  ${html}${failed ? `\n${failed} configuration(s) failed (see the table)` : ""}`);
  return failed ? 1 : 0;
}

/** `leet-decoding report results.json [--out report.html]`: the HTML report from saved results. */
export async function reportCommand(args: readonly string[]): Promise<number> {
  const { flags: f, positional } = parseFlags(args, ["out"]);
  if (positional.length !== 1) throw new UsageError(positional.length ? `unexpected argument "${positional[1]}"` : "report needs a results.json file");
  const file = positional[0];
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  let results;
  try {
    results = validateResults(JSON.parse(text));
  } catch (e) {
    throw new UsageError(`${file} is not sweep results: ${(e as Error).message}`);
  }
  const out = writeReport(results, f.get("out") ?? path.join(path.dirname(file), "report.html"));
  console.log(`report: ${out} (${results.rows.length} rows, ${formatNumber(results.header.durationSeconds)} s sweep on ${results.header.device.name})`);
  return 0;
}

export { UsageError };
