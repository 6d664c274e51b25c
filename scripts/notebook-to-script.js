#!/usr/bin/env node
// Turns a notebook's code cells into one plain Node.js script, so a notebook can run
// where there is no Jupyter (a bare GPU host): imports hoisted, the rest wrapped in an
// async function (cells use top-level await), TypeScript transpiled with the project's
// compiler, and "leet-decoding" / "leet-decoding/notebook" pointed at this checkout's dist/.
// The notebook helpers print text when no kernel is there to display.
//   node scripts/notebook-to-script.js notebooks/05-decoding.ipynb out/05-decoding.js
const fs = require("node:fs");
const path = require("node:path");
const ts = require("typescript");

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: notebook-to-script.js NOTEBOOK.ipynb OUTPUT.js");
  process.exit(2);
}
const nb = JSON.parse(fs.readFileSync(input, "utf8"));
const imports = [];
const body = [];
for (const cell of nb.cells) {
  if (cell.cell_type !== "code") continue;
  const src = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
  for (const line of src.split("\n")) (/^import\s/.test(line) ? imports : body).push(line);
  body.push("");
}
const source = `${imports.join("\n")}\n(async () => {\n${body.join("\n")}\n})().catch((e) => { console.error(e); process.exit(1); });\n`;
const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
const dist = path.relative(path.dirname(path.resolve(output)), path.join(__dirname, "..", "dist")).split(path.sep).join("/");
const rel = dist.startsWith(".") ? dist : `./${dist}`;
const fixed = js.replace(/require\("leet-decoding\/notebook"\)/g, `require("${rel}/notebook")`).replace(/require\("leet-decoding"\)/g, `require("${rel}")`);
fs.mkdirSync(path.dirname(path.resolve(output)), { recursive: true });
fs.writeFileSync(output, fixed);
