#!/usr/bin/env node
// Builds the native addon (cmake-js; CUDA when nvcc is found) and the TypeScript.
// Run by `npm install`; `--native` or `--ts` builds one half only.
"use strict";
const { execFileSync } = require("node:child_process");
const path = require("node:path");
const os = require("node:os");

const root = path.resolve(__dirname, "..");
const args = new Set(process.argv.slice(2));
const only = args.has("--native") ? "native" : args.has("--ts") ? "ts" : "all";

function run(cmd, argv) {
  execFileSync(cmd, argv, { cwd: root, stdio: "inherit" });
}

if (only !== "ts") {
  const jobs = String(Math.max(1, os.cpus().length));
  const cmakeJs = require.resolve("cmake-js/bin/cmake-js");
  run(process.execPath, [cmakeJs, "compile", "--parallel", jobs, ...(process.env.LEET_NO_CUDA ? ["--CDLEET_CUDA=OFF"] : [])]);
  // A shared library links with unresolved symbols; loading it is the real check.
  const addonPath = path.join(root, "build", "Release", "leet_decoding.node");
  run(process.execPath, ["-e", `require(${JSON.stringify(addonPath)}).info()`]);
}
if (only !== "native") {
  let tsc;
  try {
    tsc = require.resolve("typescript/bin/tsc", { paths: [root] });
  } catch {
    console.log("leet-decoding: typescript not installed, using the prebuilt dist/");
    process.exit(0);
  }
  run(process.execPath, [tsc, "-p", "tsconfig.json"]);
}
