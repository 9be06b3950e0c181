// Child processes of the scale-out tests: worker processes (`npm run worker`'s entry,
// src/server/worker-process.ts) and app instances serving run events (app-instance.ts), each with
// the test's database, Redis and fake provider in its environment. Stopped by their pids.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../../..");

export interface Child {
  pid: number;
  /** What it wrote to stdout and stderr, for a failing test's message. */
  output(): string;
  /** Resolves once the process has exited. */
  exited: Promise<void>;
  kill(signal: NodeJS.Signals): void;
}

export interface ClusterEnvironment {
  DATABASE_URL: string;
  REDIS_URL: string;
  DATA_DIR: string;
  /** The fake provider's base URL (…/v1). */
  providerUrl: string;
}

/** The environment of a child: the openai provider against the fake server, short worker locks. */
export function childEnvironment(cluster: ClusterEnvironment, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "test",
    DATABASE_URL: cluster.DATABASE_URL,
    REDIS_URL: cluster.REDIS_URL,
    DATA_DIR: cluster.DATA_DIR,
    GENERATION_PROVIDER: "openai",
    OPENAI_API_KEY: "test-key",
    OPENAI_BASE_URL: cluster.providerUrl,
    LLM_TIMEOUT_SECONDS: "20",
    RETRY_MAX_ATTEMPTS: "4",
    WORKER_LOCK_SECONDS: "2",
    ...extra,
  };
}

/** Starts `entry` (relative to the repository) under tsx and resolves once it printed `readyLine`. */
export function startChild(entry: string, env: NodeJS.ProcessEnv, readyLine: RegExp, timeoutMs = 60_000): Promise<Child & { ready: RegExpExecArray }> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", path.join(root, entry)], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${entry} did not start in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (data: Buffer) => {
      output += data.toString();
      const ready = readyLine.exec(output);
      if (!ready) return;
      clearTimeout(timer);
      child.stdout!.off("data", onData);
      child.stdout!.on("data", (more: Buffer) => (output += more.toString()));
      resolve({ pid: child.pid!, ready, exited, output: () => output, kill: (signal) => child.kill(signal) });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (data: Buffer) => (output += data.toString()));
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited before it was ready:\n${output}`));
    });
  });
}

export function startWorker(cluster: ClusterEnvironment, extra: Record<string, string> = {}) {
  return startChild("src/server/worker-process.ts", childEnvironment(cluster, extra), /Storyforge worker (\S+):/);
}

export async function startAppInstance(cluster: ClusterEnvironment) {
  const child = await startChild("tests/postgres/scale-out/app-instance.ts", childEnvironment(cluster), /serving run events on (\d+)/);
  return { ...child, port: Number(child.ready[1]) };
}

/** Stops a child with `signal` and waits for it to exit (SIGKILL after 20 s). */
export async function stopChild(child: Child, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  child.kill(signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  await child.exited;
  clearTimeout(timer);
}
