// A throwaway PostgreSQL cluster in a folder of its own, listening on 127.0.0.1 only: for the
// integration tests against PostgreSQL and for trying Storyforge on PostgreSQL on one machine.
// PostgreSQL refuses to run as root, so under root initdb and the server run as the `postgres`
// user (Debian's package creates it) on a folder that user owns.
//
//   node scripts/postgres-cluster.mjs start [folder]   prints DATABASE_URL=… and the server's pid
//   node scripts/postgres-cluster.mjs stop <folder>    stops the server by its pid and removes the folder
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, stopProcess } from "./local-process.mjs";

const USER = "app";

/** Debian installs each major version under /usr/lib/postgresql/<version>/bin; PG_BIN overrides. */
export function postgresBinaries(env = process.env) {
  if (env.PG_BIN) return env.PG_BIN;
  const base = "/usr/lib/postgresql";
  const versions = fs.existsSync(base) ? fs.readdirSync(base).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const bin = path.join(base, version, "bin");
    if (fs.existsSync(path.join(bin, "initdb"))) return bin;
  }
  throw new Error("PostgreSQL is not installed: apt-get install -y postgresql (or set PG_BIN to the folder of initdb and pg_ctl)");
}

/** Runs a PostgreSQL tool, as the `postgres` user when this process is root. */
function runTool(bin, tool, args) {
  const command = path.join(bin, tool);
  const asRoot = process.getuid?.() === 0;
  const result = asRoot
    ? spawnSync("runuser", ["-u", "postgres", "--", command, ...args], { encoding: "utf8" })
    : spawnSync(command, args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${tool} failed (${result.status}): ${result.stderr || result.stdout}`);
}

/**
 * Creates and starts a cluster in `directory` (a new temporary folder by default) on a free port.
 * A throwaway cluster trades durability for speed (fsync off); `keep: true` keeps the folder's data
 * between starts, written durably (`npm run cluster`).
 */
export async function startCluster({ directory, port, keep = false } = {}) {
  const bin = postgresBinaries();
  const folder = directory ?? fs.mkdtempSync(path.join(os.tmpdir(), "storyforge-postgres-"));
  fs.mkdirSync(folder, { recursive: true });
  const data = path.join(folder, "data");
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    fs.chownSync(folder, uid, gid);
  }
  // A kept cluster (`keep`) is started again from its folder; a throwaway one is always new.
  if (!keep || !fs.existsSync(path.join(data, "PG_VERSION"))) {
    // C collation sorts like SQLite (by bytes), so listings come back in the same order on both.
    runTool(bin, "initdb", ["-D", data, "-U", USER, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"]);
  }
  const listenPort = port ?? (await freePort());
  const options = [
    `-p ${listenPort}`,
    `-k ${folder}`,
    "-c listen_addresses=127.0.0.1",
    // Speed over durability only for throwaway clusters.
    ...(keep ? [] : ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]),
    "-c shared_buffers=64MB",
    "-c max_connections=200",
  ].join(" ");
  runTool(bin, "pg_ctl", ["-D", data, "-o", options, "-l", path.join(folder, "server.log"), "-w", "start"]);
  const pid = Number(fs.readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]);
  return { directory: folder, port: listenPort, pid, url: `postgres://${USER}@127.0.0.1:${listenPort}/postgres` };
}

/** Stops the server by its pid (fast shutdown: sessions are ended) and removes its folder. */
export async function stopCluster(directory) {
  await stopServer(directory);
  fs.rmSync(directory, { recursive: true, force: true });
}

/** Stops the server by its pid (fast shutdown: sessions are ended), keeping its data. */
export async function stopServer(directory) {
  const pidFile = path.join(directory, "data", "postmaster.pid");
  if (fs.existsSync(pidFile)) {
    const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
    await stopProcess(pid, "SIGINT", 30_000);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command, directory] = process.argv.slice(2);
  if (command === "start") {
    const cluster = await startCluster({ directory: directory && path.resolve(directory) });
    console.log(`DATABASE_URL=${cluster.url}`);
    console.log(`pid ${cluster.pid}; stop it with: node scripts/postgres-cluster.mjs stop ${cluster.directory}`);
  } else if (command === "stop" && directory) {
    await stopCluster(path.resolve(directory));
  } else {
    console.error("usage: node scripts/postgres-cluster.mjs start [folder] | stop <folder>");
    process.exit(2);
  }
}
