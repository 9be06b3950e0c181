// A throwaway redis-server in a folder of its own, listening on 127.0.0.1 only, keeping nothing
// on disk: for the tests of the scaled-out mode and for `npm run cluster`. Debian's redis-server
// package provides the binary (REDIS_SERVER overrides its path).
//
//   node scripts/redis-server.mjs start [folder]   prints REDIS_URL=… and the server's pid
//   node scripts/redis-server.mjs stop <folder>    stops the server by its pid and removes the folder
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, stopProcess } from "./local-process.mjs";

export function redisServerBinary(env = process.env) {
  const binary = env.REDIS_SERVER ?? "/usr/bin/redis-server";
  if (!fs.existsSync(binary)) throw new Error("redis-server is not installed: apt-get install -y redis-server (or set REDIS_SERVER to its path)");
  return binary;
}

/** Resolves once the server answers PING on the port, or rejects after `timeoutMs`. */
async function waitForPing(port, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answered = await new Promise((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.setTimeout(500);
      socket.once("connect", () => socket.write("PING\r\n"));
      socket.once("data", (data) => {
        socket.destroy();
        resolve(data.toString().startsWith("+PONG"));
      });
      socket.once("error", () => resolve(false));
      socket.once("timeout", () => {
        socket.destroy();
        resolve(false);
      });
    });
    if (answered) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not answer on 127.0.0.1:${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts a server in `directory` (a new temporary folder by default) on a free port. */
export async function startRedis({ directory, port } = {}) {
  const binary = redisServerBinary();
  const folder = directory ?? fs.mkdtempSync(path.join(os.tmpdir(), "storyforge-redis-"));
  fs.mkdirSync(folder, { recursive: true });
  const listenPort = port ?? (await freePort());
  const pidFile = path.join(folder, "redis.pid");
  const args = [
    "--port", String(listenPort),
    "--bind", "127.0.0.1",
    "--save", "",
    "--appendonly", "no",
    "--dir", folder,
    "--daemonize", "yes",
    "--pidfile", pidFile,
    "--logfile", path.join(folder, "redis.log"),
  ];
  const result = spawnSync(binary, args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`redis-server failed (${result.status}): ${result.stderr || result.stdout}`);
  await waitForPing(listenPort);
  const pid = Number(fs.readFileSync(pidFile, "utf8").trim());
  return { directory: folder, port: listenPort, pid, url: `redis://127.0.0.1:${listenPort}` };
}

/** Stops the server by its pid and removes its folder. */
export async function stopRedis(directory) {
  const pidFile = path.join(directory, "redis.pid");
  if (fs.existsSync(pidFile)) {
    const pid = Number(fs.readFileSync(pidFile, "utf8").trim());
    await stopProcess(pid, "SIGTERM", 10_000);
  }
  fs.rmSync(directory, { recursive: true, force: true });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command, directory] = process.argv.slice(2);
  if (command === "start") {
    const server = await startRedis({ directory: directory && path.resolve(directory) });
    console.log(`REDIS_URL=${server.url}`);
    console.log(`pid ${server.pid}; stop it with: node scripts/redis-server.mjs stop ${server.directory}`);
  } else if (command === "stop" && directory) {
    await stopRedis(path.resolve(directory));
  } else {
    console.error("usage: node scripts/redis-server.mjs start [folder] | stop <folder>");
    process.exit(2);
  }
}
