// `npm run soak`: the long fault soak (tests/soak/soak-run.ts), printing its table; exits 1 when a
// check fails. Options (all optional):
//   --minutes 10        how long new work keeps being submitted (default 10)
//   --seconds N         the same in seconds (the short soak of npm test)
//   --time-scale 0.05   multiplies the provider's latencies, waits and the engine's timeouts
//   --runs 8            runs worked on at once
//   --seed 7
//   --out FILE          also write the report as JSON
import fs from "node:fs";
import { parseArgs } from "node:util";
import { formatReport, runSoak } from "./soak-run";

const { values } = parseArgs({ options: { minutes: { type: "string" }, seconds: { type: "string" }, "drain-seconds": { type: "string" }, "time-scale": { type: "string" }, runs: { type: "string" }, seed: { type: "string" }, out: { type: "string" } }, strict: true });
if (!(globalThis as { gc?: unknown }).gc) console.warn("Run with node --expose-gc (npm run soak does) for memory figures after garbage collection.");
const durationMs = values.seconds ? Number(values.seconds) * 1000 : Number(values.minutes ?? 10) * 60_000;
const report = await runSoak({
  durationMs,
  warmUpMs: Math.min(120_000, durationMs / 4),
  submitters: Number(values.runs ?? 8),
  timeScale: Number(values["time-scale"] ?? 0.05),
  seed: Number(values.seed ?? 7),
  drainMs: Number(values["drain-seconds"] ?? 120) * 1000,
  log: (line) => console.log(line),
});
console.log(`\n${formatReport(report)}`);
if (values.out) fs.writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
process.exit(report.problems.length ? 1 : 0);
