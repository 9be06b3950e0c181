// A second server from the same production build, with settings of a test's own (tight limits, a
// trusted proxy), on a free port and a fresh data directory; stopped by its process group's id.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

export interface OwnServer {
  url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startOwnServer(settings: Record<string, string>): Promise<OwnServer> {
  const port = await freePort();
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "storyforge-own-server-"));
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    DATA_DIR: directory,
    DATABASE_URL: `file:${path.join(directory, "storyforge.db")}`,
    BETTER_AUTH_URL: url,
    BETTER_AUTH_SECRET: "own-server-secret-0123456789abcdef0123",
    GENERATION_PROVIDER: "offline",
    ...settings,
  };
  const migrated = spawnSync(process.execPath, [path.join(root, "scripts/prisma.mjs"), "migrate", "deploy"], { cwd: root, env, encoding: "utf8" });
  if (migrated.status !== 0) throw new Error(`Migrating the server's database failed: ${migrated.stderr}`);
  const child: ChildProcess = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: root,
    env,
    detached: true,
    stdio: "ignore",
  });
  for (let waited = 0; ; waited += 200) {
    if (waited > 30_000) throw new Error("The server did not come up in 30 s");
    const up = await fetch(`${url}/api/health`).then((response) => response.ok).catch(() => false);
    if (up) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    async stop() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      process.kill(-child.pid!, "SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (child.exitCode === null) process.kill(-child.pid!, "SIGKILL");
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** A POST over a connection from `localAddress` (any 127.x.y.z is this machine). */
export function postFrom(localAddress: string, url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const request = http.request(url, { method: "POST", localAddress, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers } }, (response) => {
      let received = "";
      response.on("data", (chunk: Buffer) => (received += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: received }));
    });
    request.on("error", reject);
    request.end(text);
  });
}

/** A tiny server on another loopback port: pages of "another origin" for the browser. */
export async function serveOtherOrigin(pages: Record<string, string>): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    const body = pages[(request.url ?? "/").split("?")[0]!];
    response.writeHead(body === undefined ? 404 : 200, { "content-type": "text/html" });
    response.end(body ?? "not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
