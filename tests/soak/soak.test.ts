// The short fault soak of `npm test`: eight seconds of mixed work against a provider answering
// 10% 5xx, 5% 429, 2% hangs and 1% broken JSON, run by the same command as `npm run soak` (in a
// process of its own, with garbage collection exposed, so its memory figures are its own).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "vitest";
import type { SoakReport } from "./soak-run";

test("mixed work through provider faults: every task ends with a reason, attempts stay near one per task, no run is stuck, streams are whole, memory is flat", { timeout: 60_000 }, async () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "storyforge-soak-report-")), "report.json");
  const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", path.join(import.meta.dirname, "cli.ts"), "--seconds", "8", "--drain-seconds", "20", "--time-scale", "0.02", "--runs", "6", "--seed", "11", "--out", out], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const status = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  console.log(output);
  const report = JSON.parse(fs.readFileSync(out, "utf8")) as SoakReport;
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  expect(report.problems).toEqual([]);
  expect(status).toBe(0);
  expect(report.total.runs).toBeGreaterThanOrEqual(12);
  for (const kind of ["story", "persona", "deck"] as const) expect(report.byKind[kind].runs, kind).toBeGreaterThan(0);
  // The faults happened.
  expect(report.provider.serverErrors).toBeGreaterThan(0);
  expect(report.provider.rateLimited).toBeGreaterThan(0);
  expect(report.streams.resumed).toBeGreaterThan(0);
});
