// `npm test`: every suite (vitest: unit and integration; Playwright: end to end in chromium),
// then one plain summary line computed from their JSON reports.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildIfNeeded } from "./app-environment.mjs";
import { freePort } from "./local-process.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const reports = path.join(root, "test-results");
fs.mkdirSync(reports, { recursive: true });
const vitestReport = path.join(reports, "vitest.json");
const playwrightReport = path.join(reports, "playwright.json");
fs.rmSync(vitestReport, { force: true });
fs.rmSync(playwrightReport, { force: true });

function run(args, env = {}) {
  return spawnSync(process.execPath, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } }).status ?? 1;
}

const only = process.argv[2]; // "unit" or "e2e" runs one suite
const bin = (name) => path.join(root, "node_modules", name);

if (only !== "e2e") {
  run([bin("vitest/vitest.mjs"), "run", "--reporter=default", "--reporter=json", `--outputFile.json=${vitestReport}`]);
}
if (only !== "unit") {
  // Build before Playwright starts its web server, so a cold build does not eat its start-up timeout.
  buildIfNeeded();
  run([bin("@playwright/test/cli.js"), "test", "--reporter=list,json"], {
    E2E_PORT: String(await freePort()),
    PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport,
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1",
  });
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const missing = [];

if (only !== "e2e") {
  if (fs.existsSync(vitestReport)) {
    const report = JSON.parse(fs.readFileSync(vitestReport, "utf8"));
    totals.passed += report.numPassedTests;
    totals.failed += report.numFailedTests + (report.numFailedTestSuites ?? 0) - countSuitesWithFailedTests(report);
    totals.skipped += report.numPendingTests + report.numTodoTests;
  } else missing.push("vitest");
}
if (only !== "unit") {
  if (fs.existsSync(playwrightReport)) {
    const { stats, errors = [] } = JSON.parse(fs.readFileSync(playwrightReport, "utf8"));
    totals.passed += stats.expected + stats.flaky;
    totals.failed += stats.unexpected;
    totals.skipped += stats.skipped;
    // Errors outside tests (the web server never came up, a spec failed to load) fail the run too.
    if (errors.length) totals.failed += 1;
  } else missing.push("playwright");
}

// A suite file that fails to load has no tests in it, yet counts as a failure.
function countSuitesWithFailedTests(report) {
  return report.testResults.filter((suite) => suite.status === "failed" && suite.assertionResults.some((test) => test.status === "failed")).length;
}

for (const suite of missing) {
  console.error(`${suite} wrote no report; counting it as a failure.`);
  totals.failed += 1;
}
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
