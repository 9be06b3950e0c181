// The short crash trials of `npm test`: the app's server process is killed twice with SIGKILL
// while runs of every kind are under way, restarted each time, and left to finish; nothing may be
// lost, done twice, orphaned or corrupt. `npm run crash-trials` does the same with twenty kills.
import { expect, test } from "vitest";
import { formatCrashReport, runCrashTrials } from "./crash-trials";

test("two kills during runs: no lost task, no duplicate current image, no orphan file, integrity clean", { timeout: 90_000 }, async () => {
  const report = await runCrashTrials({ kills: 2, seed: 5, maxKillDelayMs: 1_000 });
  console.log(formatCrashReport(report));
  expect(report.problems).toEqual([]);
  expect(report.killsDuringRuns).toBe(2);
  expect(report.tasksRunningAtKills).toBeGreaterThan(0);
  expect(report.runsResumed).toBeGreaterThan(0);
  expect(report.integrityChecks).toBe(3);
});
