// `npm run crash-trials`: SIGKILL the app's server process at random moments during runs, restart it
// each time, and check what survives (tests/crash/crash-trials.ts). Prints a table; exits 1 when a
// check fails. Options: --kills 20, --seed 3, --max-delay-ms 2500, --out FILE (the report as JSON);
// CRASH_DEBUG=1 shows the server processes' own errors and messages.
import fs from "node:fs";
import { parseArgs } from "node:util";
import { formatCrashReport, runCrashTrials } from "./crash-trials";

const { values } = parseArgs({ options: { kills: { type: "string" }, seed: { type: "string" }, "max-delay-ms": { type: "string" }, out: { type: "string" } }, strict: true });
const report = await runCrashTrials({
  kills: Number(values.kills ?? 20),
  seed: Number(values.seed ?? 3),
  maxKillDelayMs: Number(values["max-delay-ms"] ?? 2_500),
  log: (line) => console.log(line),
});
console.log(`\n${formatCrashReport(report)}`);
if (values.out) fs.writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
process.exit(report.problems.length ? 1 : 0);
