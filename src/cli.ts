#!/usr/bin/env node
// The leet-decoding command line. Commands: compare (the README's main job), info,
// bench-cpu. Bad arguments print the usage and exit with code 2.
import { compareMethods } from "./compare";
import { table } from "./format";
import { info } from "./info";
import { runCpuBench } from "./bench/cpu";

const USAGE = `usage: leet-decoding <command> [options]

commands:
  compare [--n N] [--dtype T] [--backend cpu|cuda]   every method on one problem: ms, GFLOP/s, error vs float64
  info                                              backends, devices
  bench-cpu                                         CPU speed: GFLOP/s per method at B=1 H=8 N=8192 r=d=64
`;

class UsageError extends Error {}

function parseFlags(args: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith("--") || i + 1 >= args.length) throw new UsageError(`unexpected argument "${a}"`);
    flags.set(a.slice(2), args[++i]);
  }
  return flags;
}

async function main(argv: string[]): Promise<number> {
  const [command = "compare", ...rest] = argv;
  switch (command) {
    case "compare": {
      const f = parseFlags(rest);
      const N = f.has("n") ? Number(f.get("n")) : undefined;
      if (N !== undefined && !(Number.isInteger(N) && N > 0)) throw new UsageError(`--n expects a positive integer, got "${f.get("n")}"`);
      const backend = f.get("backend") as "cpu" | "cuda" | undefined;
      if (backend && backend !== "cpu" && backend !== "cuda") throw new UsageError(`--backend expects cpu or cuda, got "${backend}"`);
      const dtype = (f.get("dtype") ?? "float32") as "float32";
      const rows = await compareMethods({ N, backend, dtype });
      const be = rows[0]?.backend ?? "cpu";
      console.log(`leet-decoding: every method on ${be}, B=1 H=4 N=${N ?? 1024} r=d=64 ${dtype}, decay 0.99\n`);
      console.log(table(["method", "ms", "GFLOP/s", "error vs float64"], rows.map((r) => [r.method, r.ms, r.gflops, r.error.toExponential(1)])));
      return 0;
    }
    case "info":
      console.log(JSON.stringify(info(), null, 2));
      return 0;
    case "bench-cpu":
      await runCpuBench();
      return 0;
    case "help":
    case "--help":
      console.log(USAGE);
      return 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    if (e instanceof UsageError) {
      console.error(`leet-decoding: ${e.message}\n\n${USAGE}`);
      process.exit(2);
    }
    console.error(`leet-decoding: ${(e as Error).message}`);
    process.exit(1);
  },
);
