// scripts/auto-replay.js: stored bench-auto results replayed through the current rules of
// method "auto" (from dist/, built by npm install / npm ci; skipped when dist is older than
// the rules). The fixture's times are made up so that the current pick is known: one case
// where it is the fastest, one where it is 1.2 times the fastest, one where it was not timed.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { chooseMethod } from "../src";

const root = path.resolve(__dirname, "..");
const script = path.join(root, "scripts", "auto-replay.js");
const distAuto = path.join(root, "dist", "auto.js");
const distFresh = fs.existsSync(distAuto) && fs.statSync(path.join(root, "src", "auto.ts")).mtimeMs <= fs.statSync(distAuto).mtimeMs;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "leet-auto-replay-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const hopper = { computeCapability: "9.0", multiprocessors: 132 };
const run = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: "utf8", timeout: 60_000 });

describe.skipIf(!distFresh)("scripts/auto-replay.js", () => {
  it("picks with the current rules and compares with the stored times", () => {
    // 16×2048 H32 r32 d64 TF32: the token recurrence (many walks at a small state)
    const walks = { dtype: "float32", precision: "tf32", B: 16, H: 32, N: 2048, r: 32, d: 64 };
    expect(chooseMethod(walks, "float32", "cuda", "tf32", hopper).method).toBe("recurrent");
    // 8×8192 H32 r128 d128 fp16: fused
    const wide = { dtype: "float16", precision: "exact", B: 8, H: 32, N: 8192, r: 128, d: 128 };
    expect(chooseMethod(wide, "float16", "cuda", "exact", hopper).method).toBe("fused");
    const rows = [
      { ...walks, auto: "lightning", ratio: 1.1, times: [{ method: "recurrent", ms: 0.7, error: 1e-7 }, { method: "lightning", ms: 0.77, error: 4e-4 }] },
      { ...wide, auto: "fused", ratio: 1.2, times: [{ method: "fused", ms: 0.6, error: 3e-4 }, { method: "lightning", ms: 0.5, error: 3e-4 }] },
      { ...walks, B: 17, N: 2048, auto: "lightning", ratio: 1, times: [{ method: "lightning", ms: 0.8, error: 4e-4 }] },
    ];
    const file = path.join(tmp, "auto.json");
    fs.writeFileSync(file, JSON.stringify({ date: "2026-11-27", backend: "cuda", device: { name: "made-up Hopper" }, rows }));
    const r = run(file);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\(made-up Hopper, 2026-11-27\):/);
    expect(r.stdout).toMatch(/float32 tf32 16×2048 H32 r32 d64: auto now recurrent ×1\.00 \(was lightning ×1\.10\), fastest recurrent/);
    expect(r.stdout).toMatch(/float16 8×8192 H32 r128 d128: auto fused ×1\.20 of lightning \(unchanged\)/);
    expect(r.stdout).toMatch(/float32 tf32 17×2048 H32 r32 d64: auto now recurrent \(was lightning\): not timed in this run/);
    expect(r.stdout).toMatch(/within 5% of the fastest: 1 of 3 now, 1 as run; geometric mean ×1\.095 over 2/);
  });

  it("says what is wrong with its arguments", () => {
    const none = run();
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/^usage: node scripts\/auto-replay\.js AUTO_JSON/);
    const cpu = path.join(tmp, "cpu.json");
    fs.writeFileSync(cpu, JSON.stringify({ backend: "cpu", rows: [] }));
    const r = run(cpu);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cpu\.json: not a CUDA bench-auto result \(backend cpu\)/);
  });
});
