// `leet-decoding kernel install [--prefix DIR] [--python PATH]` registers the tslab kernel;
// `leet-decoding kernel notebook [jupyter options]` opens notebooks/ in Jupyter Notebook
// with that kernel on JUPYTER_PATH. src/cli.ts dispatches here.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseFlags, UsageError } from "../bench/args";
import { findPython, installKernel } from "./kernel";

export const KERNEL_USAGE = `  kernel install [--prefix DIR] [--python PATH]     register the tslab (TypeScript) kernel under DIR (default .jupyter)
  kernel notebook [jupyter options]                 open notebooks/ in Jupyter Notebook with that kernel`;

/** Runs the kernel subcommand; resolves to the exit code. */
export async function kernelCommand(args: readonly string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === "install") {
    const { flags, positional } = parseFlags(rest, ["prefix", "python"]);
    if (positional.length) throw new UsageError(`unexpected argument "${positional[0]}"`);
    installKernel({ prefix: flags.get("prefix"), python: flags.get("python") });
    return 0;
  }
  if (sub === "notebook") {
    const root = process.cwd();
    const jupyterPath = path.join(root, ".jupyter", "share", "jupyter");
    if (!fs.existsSync(path.join(jupyterPath, "kernels", "tslab", "kernel.json"))) installKernel({ root });
    const python = findPython();
    const dir = fs.existsSync(path.join(root, "notebooks")) ? path.join(root, "notebooks") : root;
    const env = { ...process.env, JUPYTER_PATH: [jupyterPath, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter) };
    // Each notebook's first plot carries the plotly.js bundle (several MB); classic
    // Notebook's default IOPub rate limit (1 MB/s) would drop it.
    const argv = ["-m", "notebook", "--NotebookApp.iopub_data_rate_limit=1e10", `--notebook-dir=${dir}`];
    // Jupyter refuses to start as root (containers, CI) without --allow-root.
    if (process.getuid?.() === 0 && !rest.includes("--allow-root")) argv.push("--allow-root");
    argv.push(...rest);
    const child = spawn(python, argv, { env, stdio: "inherit" });
    return new Promise((resolve) => child.on("exit", (code) => resolve(code ?? 1)));
  }
  throw new UsageError(sub === undefined ? "kernel needs a subcommand (install or notebook)" : `unknown kernel subcommand "${sub}"`);
}
