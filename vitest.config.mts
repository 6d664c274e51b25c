import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    testTimeout: 180_000,
    hookTimeout: 180_000,
    env: { LEET_DECODING_POISON: "1" },
    // The JSON report is what .ci/run reads to print "N passed, N failed".
    reporters: ["default", "json"],
    outputFile: { json: "out/test-results.json" },
  },
});
