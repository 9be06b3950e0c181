// The benchmark's handle on the fake provider running in a child process.
import { fork } from "node:child_process";
import path from "node:path";
import type { FakeProviderSettings } from "../tests/fake-provider/server";
import type { HostSummary } from "./fake-provider-host";

export interface FakeProviderProcess {
  url: string;
  configure(settings: Partial<FakeProviderSettings>): Promise<void>;
  reset(): Promise<void>;
  /** Answer with the domains' offline responders (true) or with schema samples (false, the default). */
  answers(offline: boolean): Promise<void>;
  summary(): Promise<HostSummary>;
  close(): Promise<void>;
}

export async function startFakeProviderProcess(): Promise<FakeProviderProcess> {
  const child = fork(path.join(import.meta.dirname, "fake-provider-host.ts"), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const pending = new Map<number, (reply: { summary?: HostSummary }) => void>();
  let nextId = 1;
  const url = await new Promise<string>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`The fake provider process exited with ${code}`)));
    child.on("message", (message: { type?: string; url?: string; id?: number; summary?: HostSummary }) => {
      if (message.type === "ready") resolve(message.url!);
      else if (message.id !== undefined) pending.get(message.id)?.(message);
    });
  });
  const ask = (request: Record<string, unknown>) =>
    new Promise<{ summary?: HostSummary }>((resolve) => {
      const id = nextId++;
      pending.set(id, (reply) => {
        pending.delete(id);
        resolve(reply);
      });
      child.send({ ...request, id });
    });
  return {
    url,
    async configure(settings) {
      await ask({ type: "configure", settings });
    },
    async reset() {
      await ask({ type: "reset" });
    },
    async answers(offline) {
      await ask({ type: "answers", offline });
    },
    async summary() {
      return (await ask({ type: "summary" })).summary!;
    },
    async close() {
      child.removeAllListeners("exit");
      await ask({ type: "close" });
    },
  };
}
