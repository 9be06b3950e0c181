// The app as a user's browser meets it, for the live benchmark: `npm start` (scripts/start.mjs, the
// production build served by `next start`) on 127.0.0.1 at a free port, with a data directory and
// database of its own. The server runs in its own process group, which `stop()` ends by its id.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { buildIfNeeded, root } from "../scripts/app-environment.mjs";

export interface AppServer {
  url: string;
  /** The process group's leader: scripts/start.mjs, whose child is the Next.js server. */
  pid: number;
  /** Resident memory of the server process (the largest process of the group), in bytes. */
  rssBytes(): number;
  /** The last lines the server printed, for a failure message. */
  log(): string;
  stop(): Promise<void>;
}

const AUTH_SECRET = "live-benchmark-secret-0123456789abcdef";

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The processes of a group, read from /proc (Linux). */
function groupMembers(groupId: number): number[] {
  const members: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the command name, which is in parentheses and may hold spaces.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === groupId) members.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return members;
}

function rssOf(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

export async function startAppServer(extraEnvironment: Record<string, string> = {}): Promise<AppServer> {
  const port = await freePort();
  const dataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "storyforge-live-"));
  const url = `http://127.0.0.1:${port}`;
  const environment: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    HOST: "127.0.0.1",
    PORT: String(port),
    DATA_DIR: dataDirectory,
    DATABASE_URL: `file:${path.join(dataDirectory, "storyforge.db")}`,
    BETTER_AUTH_URL: url,
    BETTER_AUTH_SECRET: AUTH_SECRET,
    GENERATION_PROVIDER: "offline",
    ...extraEnvironment,
  };
  // The build needs the auth secret too; it is only rebuilt when the sources changed.
  process.env.BETTER_AUTH_SECRET ??= AUTH_SECRET;
  process.env.NEXT_TELEMETRY_DISABLED = "1";
  buildIfNeeded();
  // `npm start` itself: it migrates the database and serves the build with `next start`.
  const child = spawn(process.execPath, [path.join(root, "scripts/start.mjs")], {
    cwd: root,
    env: environment,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - 40));
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const groupId = child.pid!;

  const stop = async () => {
    try {
      process.kill(-groupId, "SIGTERM");
    } catch {
      // Already gone.
    }
    const killed = setTimeout(() => {
      try {
        process.kill(-groupId, "SIGKILL");
      } catch {
        // Already gone.
      }
    }, 5000);
    await exited;
    clearTimeout(killed);
    fs.rmSync(dataDirectory, { recursive: true, force: true });
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The app server exited early:\n${lines.join("\n")}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`The app server did not answer within a minute:\n${lines.join("\n")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  return {
    url,
    pid: groupId,
    rssBytes: () => Math.max(0, ...groupMembers(groupId).map(rssOf)),
    log: () => lines.join("\n"),
    stop,
  };
}
