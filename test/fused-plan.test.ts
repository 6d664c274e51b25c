// The segments and plans `fused` picks on Hopper, without a GPU: scripts/fused-bench/plan.cu
// compiles the library's own host code (cuda/fused_kernels.cuh: out_narrow, family_segment,
// lead_wanted, lead_plan) into a CPU program, which prints the choice per shape for a 132-SM
// card at an H100's and an H200's DRAM bandwidth. These choices are what the benchmark rows
// in docs/fused.md were measured with; a change to the cost model that moves one must update
// this file on purpose. Needs nvcc (CUDACXX, PATH or /usr/local/cuda/bin); skipped without.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.join(__dirname, "..");
const nvcc = [process.env.CUDACXX, "/usr/local/cuda/bin/nvcc"].find((p) => p && existsSync(p)) ??
  (spawnSync("nvcc", ["--version"]).status === 0 ? "nvcc" : undefined);

describe.skipIf(!nvcc)("fused's plans by the library's host code (no GPU)", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "fused-plan-"));
  const bin = path.join(dir, "fused-plan");
  beforeAll(() => {
    // PTX only (no SASS): the host code is what runs
    const r = spawnSync(nvcc!, ["-std=c++17", "-gencode", "arch=compute_90a,code=compute_90a", "-Icuda", "-Inative",
      "-o", bin, "scripts/fused-bench/plan.cu"], { cwd: root, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`nvcc failed on scripts/fused-bench/plan.cu:\n${r.stderr}`);
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // One line per card for [B, H, N, d], keyed "H100" and "H200"
  const plan = (dtype: string, shape: number[], env: Record<string, string> = {}) => {
    const r = spawnSync(bin, [dtype, ...shape.map(String)], { encoding: "utf8", env: { ...process.env, ...env } });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    const at = (card: string) => {
      const line = lines.find((l) => l.startsWith(card));
      if (!line) throw new Error(`no ${card} line in:\n${r.stdout}`);
      return line.slice(line.indexOf(": ") + 2);
    };
    return { H100: at("H100"), H200: at("H200") };
  };

  it("the issue's rows: fp16 1x65536 takes the lead plan on an H200 and two 64-column segments on an H100", () => {
    expect(plan("float16", [1, 32, 65536, 128])).toEqual({
      H100: "v2 (64-column output CTAs), segments of 32768 tokens, 2 a sequence",
      H200: "v2, segments of 16384 tokens, 4 a sequence; lead plan: 7232 + 0 small, then 4 of 14592",
    });
    expect(plan("bfloat16", [8, 32, 8192, 128])).toEqual({
      H100: "v2, segments of 8192 tokens, 1 a sequence",
      H200: "v2, segments of 8192 tokens, 1 a sequence",
    });
    const tf32 = "v3, segments of 16384 tokens, 4 a sequence; lead plan: 4992 + 1472 small, then 4 of 14784";
    expect(plan("tf32", [1, 32, 65536, 128])).toEqual({ H100: tf32, H200: tf32 });
    const exact = "v4 (128-column output CTAs), segments of 16384 tokens, 4 a sequence";
    expect(plan("exact", [1, 32, 65536, 128])).toEqual({ H100: exact, H200: exact });
  });

  // bench/h200-2026-11-28-zk: paired A/B against LEET_FUSED_SEGMODEL=2 (B/A of the medians)
  it("every count of segments up to 16 is costed, and the 16-bit model bounds multi-wave passes by DRAM (run zk)", () => {
    // four segments fill one wave of 128 CTAs, which no power of two gave (H200 0.80 fp16,
    // 0.84 TF32, 0.85 exact; H100 exact 0.86)
    expect(plan("exact", [1, 32, 24000, 128]).H200).toBe("v4 (128-column output CTAs), segments of 6144 tokens, 4 a sequence");
    expect(plan("exact", [1, 32, 24000, 128], { LEET_FUSED_SEGMODEL: "2" }).H200).toBe("v4, segments of 12288 tokens, 2 a sequence");
    expect(plan("float16", [1, 32, 81920, 128]).H200).toBe(
      "v2, segments of 20480 tokens, 4 a sequence; lead plan: 9088 + 0 small, then 4 of 18240");  // 0.76
    expect(plan("float16", [1, 32, 81920, 128], { LEET_FUSED_SEGMODEL: "2" }).H200).toBe("v2, segments of 4096 tokens, 20 a sequence");
    expect(plan("tf32", [1, 16, 24000, 128]).H100).toBe("v3 (64-column output CTAs), segments of 6144 tokens, 4 a sequence");  // 0.71
    // the bound: one walk a sequence, not four segments in three waves (the counts alone
    // measured 1.27x slower on an H200) ...
    expect(plan("float16", [3, 32, 24000, 128]).H200).toBe("v2, segments of 32768 tokens, 1 a sequence");
    // ... nor 47 segments of 512 on the 64-column kernels (H100 0.50)
    expect(plan("float16", [2, 40, 24000, 128]).H100).toBe("v2, segments of 32768 tokens, 1 a sequence");
    expect(plan("float16", [2, 40, 24000, 128], { LEET_FUSED_SEGMODEL: "2" }).H100).toBe(
      "v2 (64-column output CTAs), segments of 512 tokens, 47 a sequence");
  });

  // The TF32 model costs the lead plan, with each launch's DRAM time, against its choice.
  // bench/h200-2026-11-28-zl: paired A/B against LEET_FUSED_SEGMODEL=3 (B/A of the medians)
  it("TF32 takes the lead plan where the model's cost of it wins (thirty-eighth session, run zl)", () => {
    // five segments after a first one, where two waves of 11 segments (H200: 0.885) or
    // eight on the 64-column kernels (H100: 0.762, 2.567 -> 1.956 ms) were taken
    const five = "v3, segments of 16384 tokens, 5 a sequence; lead plan: 4800 + 5632 small, then 5 of 14336";
    expect(plan("tf32", [3, 8, 81920, 128])).toEqual({ H100: five, H200: five });
    expect(plan("tf32", [3, 8, 81920, 128], { LEET_FUSED_SEGMODEL: "3" })).toEqual({
      H100: "v3 (64-column output CTAs), segments of 10240 tokens, 8 a sequence",
      H200: "v3, segments of 7680 tokens, 11 a sequence",
    });
    // (H200 0.881, H100 0.667)
    const h24 = "v3, segments of 8192 tokens, 5 a sequence; lead plan: 2496 + 0 small, then 5 of 7552";
    expect(plan("tf32", [1, 24, 40000, 128])).toEqual({ H100: h24, H200: h24 });
    // forced on, the plan at the same segments; off, the earlier model's choice
    expect(plan("tf32", [1, 24, 40000, 128], { LEET_FUSED_LEAD: "1" }).H200).toBe(h24);
    expect(plan("tf32", [1, 24, 40000, 128], { LEET_FUSED_LEAD: "0" }).H200).toBe("v3, segments of 2560 tokens, 16 a sequence");
    // its small pieces do not choose the length: 1x50000 keeps four of 12800 without them
    expect(plan("tf32", [1, 32, 50000, 128]).H200).toBe("v3, segments of 12800 tokens, 4 a sequence; lead plan: 3904 + 0 small, then 4 of 11584");
  });

  it("an H200 takes the 64-column one walk only where its waves pay (thirty-ninth session, run zm)", () => {
    const narrow = (L: number) => `v2 (64-column output CTAs), segments of ${L} tokens, 1 a sequence`;
    // fp16, 320 CTAs (the last wave 56 of 132): four segments of 8192 (2.068 -> 1.843 ms)
    expect(plan("float16", [4, 40, 32768, 128])).toEqual({ H100: narrow(32768), H200: "v2, segments of 8192 tokens, 4 a sequence" });
    expect(plan("float16", [4, 40, 32768, 128], { LEET_FUSED_SEGMODEL: "4" }).H200).toBe(narrow(32768));
    // kept: the wide kernels' segments of 2048 (1.082), a last wave 120 of 132 full (1.035)
    expect(plan("float16", [3, 48, 16384, 128]).H200).toBe(narrow(16384));
    expect(plan("float16", [4, 48, 8192, 128]).H200).toBe(narrow(8192));
    // TF32 in every number of waves: 4x8192 H = 48 (384 CTAs, the last 120 of 132) 0.818
    expect(plan("tf32", [4, 48, 8192, 128]).H200).toBe("v3, segments of 4096 tokens, 2 a sequence");
    expect(plan("tf32", [4, 48, 8192, 128], { LEET_FUSED_SEGMODEL: "4" }).H200).toBe(
      "v3 (64-column output CTAs), segments of 8192 tokens, 1 a sequence");
    // one wave: the one walk stays (2x16384 at 32 heads, 128 CTAs)
    expect(plan("float16", [2, 32, 16384, 128]).H200).toBe(narrow(16384));
  });

  it("an H200 cuts a 16-bit one walk of 67 to 88 walks into thirds from about 48000 tokens (runs zn and zo)", () => {
    const one = (L: number) => `v2, segments of ${L} tokens, 1 a sequence`;
    // 80 walks, 2x65536 at 40 heads: three of 22016 (B/A 0.945 and 0.960); the H100 keeps the walk
    expect(plan("float16", [2, 40, 65536, 128])).toEqual({ H100: one(65536), H200: "v2, segments of 22016 tokens, 3 a sequence" });
    expect(plan("float16", [2, 40, 65536, 128], { LEET_FUSED_SEGMODEL: "5" }).H200).toBe(one(65536));
    // run zk's 1.094 loss: 2x65573 at 40 heads, 37 tokens past it
    expect(plan("float16", [2, 40, 65573, 128]).H200).toBe("v2, segments of 22016 tokens, 3 a sequence");
    // bf16, 72 walks (3x131072 at 24 heads: 0.901 in fp16), the smallest length (2x49152: 0.970)
    expect(plan("bfloat16", [3, 24, 131072, 128]).H200).toBe("v2, segments of 44032 tokens, 3 a sequence");
    expect(plan("float16", [2, 40, 49152, 128]).H200).toBe("v2, segments of 16384 tokens, 3 a sequence");
    // 88 walks, whose thirds fill two whole waves (run zo: d = 256 0.869-0.969, 4x65536 H = 22 0.922)
    expect(plan("float16", [2, 22, 98304, 256]).H200).toBe("v2, segments of 32768 tokens, 3 a sequence");
    expect(plan("bfloat16", [4, 22, 65536, 128]).H200).toBe("v2, segments of 22016 tokens, 3 a sequence");
    // kept: 32768 tokens (1.030), 90 and 96 walks (three waves of thirds: 1.337, 1.268), 64 walks
    // (the lead plan), TF32
    expect(plan("float16", [2, 40, 32768, 128]).H200).toBe(one(32768));
    expect(plan("float16", [3, 30, 65536, 128]).H200).toBe(one(65536));
    expect(plan("float16", [3, 32, 131072, 128]).H200).toBe(one(131072));
    expect(plan("float16", [2, 32, 131072, 128]).H200).toBe(
      "v2, segments of 65536 tokens, 2 a sequence; lead plan: 26176 + 0 small, then 2 of 52480");
    expect(plan("tf32", [2, 40, 65536, 128], { LEET_FUSED_SEGMODEL: "5" }).H200).toBe(plan("tf32", [2, 40, 65536, 128]).H200);
    // a forced length wins over the rule
    expect(plan("float16", [2, 40, 65536, 128], { LEET_FUSED_SEGMENT: "32768" }).H200).toBe("v2, segments of 32768 tokens, 2 a sequence");
  });

  it("37 tokens past 65536 keep 1x65536's plan: four equal segments, not 33 short ones", () => {
    const past = plan("float16", [1, 32, 65573, 128]);
    expect(past.H200).toBe("v2, segments of 16896 tokens, 4 a sequence; lead plan: 7232 + 0 small, then 4 of 14592");
    expect(past.H100).toBe("v2 (64-column output CTAs), segments of 33280 tokens, 2 a sequence");
    expect(plan("tf32", [1, 32, 65573, 128]).H200).toBe(
      "v3, segments of 16896 tokens, 4 a sequence; lead plan: 4992 + 1472 small, then 4 of 14784");
    // the earlier models, which LEET_FUSED_SEGMODEL restores for A/B runs
    expect(plan("float16", [1, 32, 65573, 128], { LEET_FUSED_SEGMODEL: "1" }).H200).toBe("v2, segments of 2048 tokens, 33 a sequence");
    expect(plan("tf32", [1, 32, 65573, 128], { LEET_FUSED_SEGMODEL: "0" }).H200).toBe("v3, segments of 2048 tokens, 33 a sequence");
  });

  it("three sequences of 16421 tokens walk whole on the 128-column kernels (H100, run zj: 0.78 of two segments)", () => {
    expect(plan("float16", [3, 32, 16421, 128]).H100).toBe("v2, segments of 32768 tokens, 1 a sequence");
    expect(plan("float16", [3, 32, 16421, 128], { LEET_FUSED_SEGMODEL: "1" }).H100).toBe(
      "v2 (64-column output CTAs), segments of 8704 tokens, 2 a sequence");
  });

  it("says what it expected when called wrongly", () => {
    const r = spawnSync(bin, ["float16", "1", "32", "1024", "64"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("d must be a multiple of 128 (versions 2 and 3), got 64");
    const s = spawnSync(bin, ["float64", "1", "32", "1024", "128"], { encoding: "utf8" });
    expect(s.status).toBe(2);
    expect(s.stderr).toContain("dtype: expected float16, bfloat16, tf32 or exact, got float64");
  });
});
