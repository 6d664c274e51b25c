// Command-line arguments of `check`, `bench` and `report`: parsed into options, with a
// UsageError (exit code 2 and the usage text) for anything malformed.
import { DTYPES, type DType } from "../dtype";
import { methodIds } from "../methods";
import type { SweepOptions } from "./sweep";

export class UsageError extends Error {
  override name = "UsageError";
}

/** `--name value` and `--name=value` pairs, every name checked against `allowed`; flags in `booleans` take no value. */
export function parseFlags(args: readonly string[], allowed: readonly string[], booleans: readonly string[] = []): { flags: Map<string, string>; positional: string[] } {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith("--")) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (!allowed.includes(name) && !booleans.includes(name)) throw new UsageError(`unknown option --${name}`);
    if (flags.has(name)) throw new UsageError(`--${name} given twice`);
    if (booleans.includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags.set(name, "true");
      continue;
    }
    let value: string;
    if (eq >= 0) value = a.slice(eq + 1);
    else if (i + 1 < args.length && !args[i + 1].startsWith("--")) value = args[++i];
    else throw new UsageError(`--${name} needs a value`);
    if (value === "") throw new UsageError(`--${name} needs a value`);
    flags.set(name, value);
  }
  return { flags, positional };
}

function list(flag: string, value: string): string[] {
  const items = value.split(",").map((s) => s.trim());
  if (items.some((s) => s === "")) throw new UsageError(`--${flag} expects a comma-separated list, got "${value}"`);
  return items;
}

function integers(flag: string, value: string, max = 1 << 26): number[] {
  return list(flag, value).map((s) => {
    const x = Number(s);
    if (!/^\d+$/.test(s) || !Number.isInteger(x) || x < 1 || x > max) throw new UsageError(`--${flag} expects integers between 1 and ${max}, got "${s}"`);
    return x;
  });
}

function integer(flag: string, value: string, min = 1, max = 1 << 20): number {
  const x = Number(value);
  if (!/^\d+$/.test(value) || x < min || x > max) throw new UsageError(`--${flag} expects an integer between ${min} and ${max}, got "${value}"`);
  return x;
}

function decays(flag: string, value: string): number[] {
  return list(flag, value).map((s) => {
    const x = Number(s);
    if (!Number.isFinite(x) || !(x > 0 && x <= 1)) throw new UsageError(`--${flag} expects decay factors γ in (0, 1], got "${s}"`);
    return x;
  });
}

export function parseMethods(flag: string, value: string): string[] {
  const ids = methodIds();
  const ms = list(flag, value);
  for (const m of ms) if (!ids.includes(m)) throw new UsageError(`--${flag}: unknown method "${m}" (methods: ${ids.join(", ")})`);
  return ms;
}

export function parseDtypes(flag: string, value: string): DType[] {
  const ts = list(flag, value);
  for (const t of ts) if (!DTYPES.includes(t as DType)) throw new UsageError(`--${flag}: unknown dtype "${t}" (dtypes: ${DTYPES.join(", ")})`);
  return ts as DType[];
}

export function parseBackend(value: string | undefined, allowAll = false): "auto" | "cpu" | "cuda" | "all" | undefined {
  if (value === undefined) return undefined;
  const ok = allowAll ? ["auto", "cpu", "cuda", "all"] : ["auto", "cpu", "cuda"];
  if (!ok.includes(value)) throw new UsageError(`--backend expects ${ok.join(", ")}, got "${value}"`);
  return value as "auto" | "cpu" | "cuda" | "all";
}

export const BENCH_FLAGS = ["methods", "lengths", "decays", "dtype", "backend", "out", "batch", "heads", "r", "d", "head-dims", "chunk", "warmup", "reps", "time-budget", "threads", "error-sample"];

export interface BenchArgs {
  sweep: SweepOptions;
  /** Output directory. Default "out/bench". */
  out: string;
  quiet: boolean;
  /** Print every row instead of the summary. */
  full: boolean;
}

/** The arguments of `leet-decoding bench`. */
export function parseBenchArgs(args: readonly string[]): BenchArgs {
  const { flags: f, positional } = parseFlags(args, BENCH_FLAGS, ["quiet", "full"]);
  if (positional.length) throw new UsageError(`unexpected argument "${positional[0]}"`);
  const o: SweepOptions = {};
  if (f.has("methods")) o.methods = parseMethods("methods", f.get("methods")!);
  if (f.has("lengths")) o.lengths = integers("lengths", f.get("lengths")!);
  if (f.has("decays")) o.decays = decays("decays", f.get("decays")!);
  if (f.has("dtype")) o.dtypes = parseDtypes("dtype", f.get("dtype")!);
  const backend = parseBackend(f.get("backend"));
  if (backend) o.backend = backend as SweepOptions["backend"];
  if (f.has("batch")) o.B = integer("batch", f.get("batch")!);
  if (f.has("heads")) o.H = integer("heads", f.get("heads")!);
  if (f.has("r")) o.r = integer("r", f.get("r")!, 1, 4096);
  if (f.has("d")) o.d = integer("d", f.get("d")!, 1, 4096);
  if (f.has("head-dims")) o.headDims = integers("head-dims", f.get("head-dims")!, 4096);
  if (f.has("chunk")) o.chunk = integer("chunk", f.get("chunk")!, 1, 4096);
  if (f.has("warmup")) o.warmup = integer("warmup", f.get("warmup")!, 0, 10000);
  if (f.has("reps")) o.reps = integer("reps", f.get("reps")!, 1, 100000);
  if (f.has("threads")) o.threads = integer("threads", f.get("threads")!, 1, 1024);
  if (f.has("error-sample")) o.errorSample = integer("error-sample", f.get("error-sample")!, 0, 65536);
  if (f.has("time-budget")) {
    const t = Number(f.get("time-budget"));
    if (!(Number.isFinite(t) && t > 0)) throw new UsageError(`--time-budget expects seconds > 0, got "${f.get("time-budget")}"`);
    o.timeBudget = t;
  }
  return { sweep: o, out: f.get("out") ?? "out/bench", quiet: f.has("quiet"), full: f.has("full") };
}
