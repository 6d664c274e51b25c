// Registers the tslab kernel with Jupyter without global installs: the kernelspec goes
// under a project-local prefix (default <project>/.jupyter) and points at the absolute
// path of the project's own tslab binary. Jupyter then finds it through
// JUPYTER_PATH=<prefix>/share/jupyter. In this repository it also links
// notebooks/node_modules/leet-decoding to the package, so notebooks import it by name.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export interface KernelInstallOptions {
  /** The project whose node_modules holds tslab. Default: process.cwd(). */
  root?: string;
  /** Where the kernelspec goes ({prefix}/share/jupyter/kernels/tslab). Default: <root>/.jupyter. */
  prefix?: string;
  /** The Python whose jupyter_client registers the kernel. Default: $LEET_DECODING_PYTHON, else /usr/bin/python3 (Debian's Jupyter), else python3 — the first that imports jupyter_client. */
  python?: string;
  /** Print what happens. Default true. */
  verbose?: boolean;
}

export interface KernelInstall {
  /** The kernelspec directory written. */
  kernelDir: string;
  /** The value for JUPYTER_PATH. */
  jupyterPath: string;
  /** The kernel's command line (kernel.json argv). */
  argv: string[];
  python: string;
  /** The notebooks/node_modules/leet-decoding link, when one was made. */
  link: string | null;
}

function canImportJupyter(python: string): boolean {
  const r = spawnSync(python, ["-c", "import jupyter_client"], { stdio: "ignore" });
  return r.status === 0;
}

/** The Python to register the kernel with (see KernelInstallOptions.python). */
export function findPython(explicit?: string): string {
  const candidates = explicit ? [explicit] : [process.env.LEET_DECODING_PYTHON, "/usr/bin/python3", "python3"].filter((x): x is string => !!x);
  for (const py of candidates) if (canImportJupyter(py)) return py;
  throw new Error(
    `No Python with Jupyter found (tried ${candidates.join(", ")}: none imports jupyter_client). ` +
      "Install Debian's packages: apt-get install jupyter-notebook jupyter-nbconvert python3-nbclient jupyter-client, " +
      "or pass --python PATH (LEET_DECODING_PYTHON) naming a Python that has Jupyter.",
  );
}

/** Where the project's tslab lives: its package directory and the binary the kernelspec runs. */
export function findTslabBinary(root: string): { packageDir: string; binary: string } {
  let pkg: string;
  try {
    pkg = require.resolve("tslab/package.json", { paths: [root] });
  } catch {
    throw new Error(`tslab is not installed in ${root}: run npm install (it is a devDependency of leet-decoding; in your own project: npm install --save-dev tslab)`);
  }
  const packageDir = path.dirname(pkg);
  const bin = path.join(root, "node_modules", ".bin", "tslab");
  return { packageDir, binary: fs.existsSync(bin) ? bin : path.join(packageDir, "bin", "tslab") };
}

/** Registers the tslab kernel (see the file header); idempotent. */
export function installKernel(options: KernelInstallOptions = {}): KernelInstall {
  const root = path.resolve(options.root ?? process.cwd());
  const prefix = path.resolve(options.prefix ?? path.join(root, ".jupyter"));
  const log = options.verbose === false ? () => {} : (s: string) => console.log(s);
  const { packageDir, binary } = findTslabBinary(root);

  // tslab talks to Jupyter over ZeroMQ; a native module that does not load means a kernel that never starts.
  const zmq = spawnSync(process.execPath, ["-e", "require('zeromq')"], { cwd: packageDir, encoding: "utf8" });
  if (zmq.status !== 0) {
    throw new Error(`tslab's zeromq native module does not load (${(zmq.stderr || "").trim().split("\n").pop()}); run: npm rebuild zeromq`);
  }

  const python = findPython(options.python);
  const tslabMain = path.join(packageDir, "bin", "tslab");
  const r = spawnSync(process.execPath, [tslabMain, "install", `--python=${python}`, `--binary=${binary}`, `--prefix=${prefix}`], { encoding: "utf8" });
  if (r.status !== 0) {
    throw new Error(`tslab install failed (exit ${r.status}): ${(r.stderr || r.stdout || "").trim()}`);
  }
  const jupyterPath = path.join(prefix, "share", "jupyter");
  const kernelDir = path.join(jupyterPath, "kernels", "tslab");
  const spec = JSON.parse(fs.readFileSync(path.join(kernelDir, "kernel.json"), "utf8")) as { argv: string[] };
  log(`registered the tslab kernel (TypeScript) in ${kernelDir}\n  runs: ${spec.argv.join(" ")}`);

  // In this repository, notebooks/ resolves "leet-decoding" through a link to the package root.
  let link: string | null = null;
  const own = path.join(root, "package.json");
  const notebooks = path.join(root, "notebooks");
  if (fs.existsSync(own) && (JSON.parse(fs.readFileSync(own, "utf8")) as { name?: string }).name === "leet-decoding" && fs.existsSync(notebooks)) {
    link = path.join(notebooks, "node_modules", "leet-decoding");
    fs.mkdirSync(path.dirname(link), { recursive: true });
    let existing: string | null = null;
    try {
      existing = fs.readlinkSync(link);
    } catch {
      existing = null;
    }
    if (existing !== path.join("..", "..")) {
      fs.rmSync(link, { recursive: true, force: true });
      fs.symlinkSync(path.join("..", ".."), link, "dir");
    }
    log(`linked ${path.relative(root, link)} -> the package, so notebooks import "leet-decoding" by name`);
  }
  log(`open the notebooks with:\n  JUPYTER_PATH=${jupyterPath} ${path.dirname(python) === "/usr/bin" ? "jupyter" : `${python} -m jupyter`} notebook --NotebookApp.iopub_data_rate_limit=1e10 notebooks/\n(or npm run notebooks)`);
  return { kernelDir, jupyterPath, argv: spec.argv, python, link };
}
