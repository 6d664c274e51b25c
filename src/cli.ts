#!/usr/bin/env node
// The leet-decoding command line. Commands: bench (the README's main job: a sweep, its
// table and HTML report), report, check, info, compare, bench-cpu, bench-gpu, bench-decode,
// bench-auto. Bad arguments print the usage and exit with code 2.
import { compareMethods } from "./compare";
import { table } from "./format";
import { benchCommand, checkCommand, infoCommand, reportCommand, UsageError } from "./bench/commands";
import { runCpuBench } from "./bench/cpu";
import { runGpuBench } from "./bench/gpu";
import { runAutoBench } from "./bench/auto";
import { runDecodeBench } from "./bench/decode";
import { KERNEL_USAGE, kernelCommand } from "./notebook/command";

const USAGE = `usage: leet-decoding <command> [options]

commands:
  bench [--methods a,b] [--lengths 256,1024] [--decays 1,0.9,1e-6] [--dtype float32,float16]
        [--backend auto|cpu|cuda] [--out DIR] [--heads H] [--batch B] [--r R] [--d D]
        [--head-dims 32,64] [--reps N] [--warmup N] [--time-budget S] [--quiet] [--full]
                                                    sweep methods × lengths × decays × dtypes; prints a table,
                                                    writes DIR/results.json and DIR/report.html (DIR: out/bench)
  report RESULTS.json [--out FILE]                  the HTML report of saved results (default: beside the JSON)
  check [--backend all|cpu|cuda] [--dtype T,..] [--methods a,b]
                                                    every method against the float64 reference; exit 1 on failure
  info                                              backends, devices, measured bandwidth, peak FLOP/s
  compare [--n N] [--dtype T] [--backend cpu|cuda]   every method on one problem: ms, GFLOP/s, error vs float64
  bench-cpu                                         CPU speed: GFLOP/s per method at B=1 H=8 N=8192 r=d=64
  bench-gpu [--methods a,b] [--dtypes x,y] [--out DIR] [--precision exact|tf32]
                                                    GPU: every method at H=32 r=d=128, ms, ×floor, GB/s
  bench-decode [--out DIR]                          GPU: one decode step (B=1, 64) and prefill with state
  bench-auto [--backend cpu|cuda] [--grid main|check|varlen|holdout] [--out DIR]
                                                    is method "auto" the fastest? every method over a grid of
                                                    dtypes, shapes and packed sequences (check: other shapes
                                                    than auto's rules came from; varlen: many packed
                                                    sequences; holdout: both sides of the bounds the check and
                                                    varlen grids led to); writes DIR/auto.json
${KERNEL_USAGE}
`;

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
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError("no command given");
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
      return infoCommand(rest);
    case "check":
      return checkCommand(rest);
    case "bench":
      return benchCommand(rest);
    case "report":
      return reportCommand(rest);
    case "kernel":
      return kernelCommand(rest);
    case "bench-cpu":
      await runCpuBench();
      return 0;
    case "bench-gpu": {
      const f = parseFlags(rest);
      await runGpuBench({
        methods: f.get("methods")?.split(","),
        dtypes: f.get("dtypes")?.split(",") as ("float32" | "float16" | "bfloat16")[] | undefined,
        out: f.get("out"),
        precision: f.get("precision") as "exact" | "tf32" | undefined,
      });
      return 0;
    }
    case "bench-auto": {
      const f = parseFlags(rest);
      const backend = f.get("backend") ?? "cuda";
      if (backend !== "cpu" && backend !== "cuda") throw new UsageError(`--backend expects cpu or cuda, got "${backend}"`);
      const grid = f.get("grid") ?? "main";
      if (grid !== "main" && grid !== "check" && grid !== "varlen" && grid !== "holdout") {
        throw new UsageError(`--grid expects main, check, varlen or holdout, got "${grid}"`);
      }
      if (grid !== "main" && backend !== "cuda") throw new UsageError(`--grid ${grid} is a CUDA grid: use it with --backend cuda`);
      await runAutoBench({ backend, out: f.get("out"), cases: grid === "main" ? undefined : grid });
      return 0;
    }
    case "bench-decode":
      await runDecodeBench(parseFlags(rest).get("out"));
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
