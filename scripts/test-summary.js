#!/usr/bin/env node
// Prints "N passed, N failed, N skipped" from vitest's JSON report (out/test-results.json).
// A missing report (the run stopped before vitest wrote it) counts as one failure.
"use strict";
const fs = require("node:fs");
const file = process.argv[2] || "out/test-results.json";
let passed = 0, failed = 0, skipped = 0;
try {
  const report = JSON.parse(fs.readFileSync(file, "utf8"));
  passed = report.numPassedTests || 0;
  failed = (report.numFailedTests || 0) + (report.numRuntimeErrorTestSuites || 0);
  skipped = (report.numPendingTests || 0) + (report.numTodoTests || 0);
  if (report.success === false && failed === 0) failed = 1;
} catch (e) {
  console.error(`test-summary: no readable report at ${file} (${e.message})`);
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
