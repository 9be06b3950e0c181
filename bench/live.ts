// `npm run bench -- --only=live`: the app server under live load, measured from outside as
// browsers see it. One offline 50-scene run per row, followed by 1, 10, 50 and 200 followers over
// Server-Sent Events on loopback (each its own connection, with the session cookie), while
// /api/health is asked one request at a time; then the server's memory over 20 runs of 30 images.
import fs from "node:fs";
import path from "node:path";
import { followEvents, mutate, percentile, probe, signUp, type FollowResult, type ProbeSample, type Session } from "./live-client";
import { startAppServer, type AppServer } from "./live-server";

const FOLLOWERS = [1, 10, 50, 200];
const LIVE_SCENES = 50;
const MEMORY_RUNS = 20;
const MEMORY_SCENES = 30;
const HEALTH_INTERVAL_MS = 20;
const MiB = 2 ** 20;

const fixtures = path.join(import.meta.dirname, "../tests/fixtures/stories");
const STORY = ["lighthouse-keeper.txt", "market-of-clocks.txt", "lighthouse-keeper.txt", "market-of-clocks.txt"]
  .map((file) => fs.readFileSync(path.join(fixtures, file), "utf8").trim())
  .join("\n\n");

interface LiveRow {
  followers: number;
  followed: FollowResult[];
  health: ProbeSample[];
  makespanMs: number;
}

async function startStoryRun(session: Session, scenes: number, title: string): Promise<string> {
  const created = await mutate<{ runId: string }>(session, "story.create", {
    title,
    story: STORY,
    sceneCount: scenes,
    stylePreset: "storybook",
    size: "1024x1024",
    quality: "standard",
    reviewPrompts: false,
  });
  return created.runId;
}

async function liveRow(server: AppServer, session: Session, followers: number): Promise<LiveRow> {
  const health = probe(server.url, "/api/health", HEALTH_INTERVAL_MS);
  const startedAt = performance.now();
  const runId = await startStoryRun(session, LIVE_SCENES, `Live ${followers}`);
  const followed = await Promise.all(Array.from({ length: followers }, () => followEvents(session, runId)));
  const makespanMs = performance.now() - startedAt;
  return { followers, followed, health: await health.stop(), makespanMs };
}

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(0)} ms` : "–");

function printLiveTable(rows: LiveRow[], idle: ProbeSample[]): void {
  const idleHealth = idle.map((sample) => sample.ms);
  console.log(`\n### Live run events: one offline ${LIVE_SCENES}-scene run per row, followers over SSE on loopback\n`);
  console.log(
    "| followers | events per follower | live deliveries measured | delivery p50 | delivery p99 | delivery max | gaps | duplicates | resumed streams | /api/health p50 | /api/health p99 | /api/health max | /api/health p99 once every follower is in | run, create to last follower's end |",
  );
  console.log("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const row of rows) {
    const delays = row.followed.flatMap((follower) => follower.delaysMs);
    const sum = (pick: (follower: FollowResult) => number) => row.followed.reduce((total, follower) => total + pick(follower), 0);
    const events = Math.max(...row.followed.map((follower) => follower.lastSeq));
    // A follower that ended short of the run's last event missed the tail: count it as a gap too.
    const shortfall = sum((follower) => events - follower.lastSeq);
    const health = row.health.map((sample) => sample.ms);
    // N followers opening at once are N requests through the whole pipeline in the same instant;
    // what the run itself costs the rest of the app shows once they are all in.
    const allIn = Math.max(...row.followed.map((follower) => follower.connectedAt));
    const healthOnceIn = row.health.filter((sample) => sample.sentAt >= allIn).map((sample) => sample.ms);
    console.log(
      `| ${row.followers} | ${events} | ${delays.length} | ${ms(percentile(delays, 0.5))} | ${ms(percentile(delays, 0.99))} | ${ms(Math.max(...delays))} | ` +
        `${sum((follower) => follower.gaps) + shortfall} | ${sum((follower) => follower.duplicates)} | ${sum((follower) => follower.reconnects)} | ` +
        `${ms(percentile(health, 0.5))} | ${ms(percentile(health, 0.99))} | ${ms(Math.max(...health))} | ${ms(percentile(healthOnceIn, 0.99))} | ${(row.makespanMs / 1000).toFixed(1)} s |`,
    );
  }
  console.log(
    `| idle (no run) | | | | | | | | | ${ms(percentile(idleHealth, 0.5))} | ${ms(percentile(idleHealth, 0.99))} | ${ms(Math.max(...idleHealth))} | | |`,
  );
}

async function memoryRows(): Promise<void> {
  const server = await startAppServer();
  try {
    const session = await signUp(server.url, "Memory");
    const afterStart = server.rssBytes();
    const rss: number[] = [];
    for (let run = 1; run <= MEMORY_RUNS; run++) {
      const runId = await startStoryRun(session, MEMORY_SCENES, `Memory ${run}`);
      const followed = await followEvents(session, runId);
      if (followed.gaps > 0 || followed.duplicates > 0) throw new Error(`Run ${run}: gaps or duplicates in its events`);
      // Let the last writes and the image files settle before reading the server's memory.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      rss.push(server.rssBytes());
      console.error(`memory: run ${run} of ${MEMORY_SCENES} images, server RSS ${(rss.at(-1)! / MiB).toFixed(0)} MiB`);
    }
    const steady = Math.max(...rss.slice(3));
    const growth = rss.at(-1)! - rss[2]!;
    console.log(`\n### Server memory: ${MEMORY_RUNS} runs of ${MEMORY_SCENES} offline images, one after another\n`);
    console.log("| RSS after start | after run 1 | after run 3 | after run 20 | steady state (max of runs 4–20) | growth after run 3 (run 20 − run 3) |");
    console.log("|---:|---:|---:|---:|---:|---:|");
    const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;
    console.log(`| ${mib(afterStart)} | ${mib(rss[0]!)} | ${mib(rss[2]!)} | ${mib(rss.at(-1)!)} | ${mib(steady)} | ${mib(growth)} |`);
    console.log(`\nRSS after each run (MiB): ${rss.map((value) => (value / MiB).toFixed(0)).join(", ")}`);
  } finally {
    await server.stop();
  }
}

export async function runLiveBench(options: { memory?: boolean } = {}): Promise<void> {
  const server = await startAppServer();
  try {
    const session = await signUp(server.url, "Follower");
    // Warm the server up (first compiles of each route and query, sharp, the offline models) with a
    // run the size of the measured ones: a smaller one left the first row paying for the rest.
    await followEvents(session, await startStoryRun(session, LIVE_SCENES, "Warm-up"));
    const idle = probe(server.url, "/api/health", HEALTH_INTERVAL_MS);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const idleHealth = await idle.stop();
    const rows: LiveRow[] = [];
    for (const followers of FOLLOWERS) {
      rows.push(await liveRow(server, session, followers));
      const row = rows.at(-1)!;
      console.error(`live: ${followers} followers, run ${(row.makespanMs / 1000).toFixed(1)} s, server RSS ${(server.rssBytes() / MiB).toFixed(0)} MiB`);
    }
    printLiveTable(rows, idleHealth);
  } catch (error) {
    console.error(server.log());
    throw error;
  } finally {
    await server.stop();
  }
  if (options.memory !== false) await memoryRows();
}
