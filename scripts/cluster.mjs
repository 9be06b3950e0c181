// `npm run cluster`: the scaled-out Storyforge on one machine (docs/scale-out.md). It starts a
// PostgreSQL cluster (data kept under DATA_DIR/cluster/postgres), a redis-server, two app instances
// (`next start`, built once, on PORT and PORT+1) and three workers (`npm run worker`'s entry),
// all on 127.0.0.1 and sharing DATA_DIR, prints where to open the app, and on Ctrl-C (or SIGTERM)
// stops everything it started, by pid. CLUSTER_APPS and CLUSTER_WORKERS change the counts.
import { spawn } from "node:child_process";
import path from "node:path";
import { buildIfNeeded, ensureAuthSecret, loadDotEnv, root, run, serverEnvironment, serverNodeFlags, validateEnvironment } from "./app-environment.mjs";
import { startCluster, stopServer } from "./postgres-cluster.mjs";
import { startRedis, stopRedis } from "./redis-server.mjs";

loadDotEnv();
const settings = await validateEnvironment();
const appCount = Number(process.env.CLUSTER_APPS || 2);
const workerCount = Number(process.env.CLUSTER_WORKERS || 3);
for (const [name, value] of [["CLUSTER_APPS", appCount], ["CLUSTER_WORKERS", workerCount]]) {
  if (!Number.isInteger(value) || value < 1 || value > 16) {
    console.error(`${name} must be a whole number from 1 to 16`);
    process.exit(1);
  }
}
const dataDirectory = path.resolve(root, settings.DATA_DIR);
const clusterDirectory = path.join(dataDirectory, "cluster");
/** Everything started, newest last: stopped in reverse order. */
const started = [];
let stopping = false;

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  console.log("\nStopping the cluster…");
  for (const { name, stop } of started.reverse()) {
    try {
      await stop();
    } catch (error) {
      console.error(`Could not stop ${name}:`, error);
    }
  }
  process.exit(code);
}
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => void stopAll(0));

function exited(child) {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));
}

/** Starts a child in a process group of its own (next start leaves next-server behind otherwise), stopped by the group's id. */
function startProcess(name, args, env) {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "inherit", "inherit"], detached: true });
  started.push({
    name,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(-child.pid, "SIGTERM");
      const timer = setTimeout(() => process.kill(-child.pid, "SIGKILL"), 20_000);
      await exited(child);
      clearTimeout(timer);
    },
  });
  child.once("exit", (code, signal) => {
    if (stopping) return;
    console.error(`${name} (pid ${child.pid}) exited (${signal ?? code}); stopping the cluster.`);
    void stopAll(1);
  });
  return child;
}

try {
  console.log("Starting PostgreSQL…");
  const postgres = await startCluster({ directory: path.join(clusterDirectory, "postgres"), keep: true });
  started.push({ name: "PostgreSQL", stop: () => stopServer(postgres.directory) });
  console.log("Starting redis-server…");
  const redis = await startRedis({ directory: path.join(clusterDirectory, "redis") });
  started.push({ name: "redis-server", stop: () => stopRedis(redis.directory) });

  const shared = { ...process.env, DATABASE_URL: postgres.url, REDIS_URL: redis.url, DATA_DIR: dataDirectory, NEXT_TELEMETRY_DISABLED: "1" };
  Object.assign(process.env, shared);
  await ensureAuthSecret(settings);
  run(process.execPath, [path.join(root, "scripts/prisma.mjs"), "migrate", "deploy"], { ...process.env });
  buildIfNeeded();

  const urls = [];
  for (let index = 0; index < appCount; index++) {
    const port = settings.PORT + index;
    const url = `http://${settings.HOST}:${port}`;
    urls.push(url);
    startProcess(
      `app instance ${url}`,
      [...serverNodeFlags(), path.join(root, "node_modules/next/dist/bin/next"), "start", "-H", settings.HOST, "-p", String(port)],
      serverEnvironment({ ...process.env, PORT: String(port), BETTER_AUTH_URL: url }),
    );
  }
  for (let index = 0; index < workerCount; index++) {
    startProcess(`worker ${index + 1}`, ["--import", "tsx", path.join(root, "src/server/worker-process.ts")], serverEnvironment({ ...process.env }));
  }
  console.log(
    [
      "",
      `Storyforge cluster: ${appCount} app instance(s), ${workerCount} worker(s), provider ${settings.GENERATION_PROVIDER}`,
      ...urls.map((url) => `  open ${url}`),
      `  DATABASE_URL=${postgres.url} (data in ${postgres.directory})`,
      `  REDIS_URL=${redis.url}`,
      `  images in ${dataDirectory}`,
      "Ctrl-C stops everything.",
      "",
    ].join("\n"),
  );
} catch (error) {
  console.error("The cluster could not start:", error);
  await stopAll(1);
}
