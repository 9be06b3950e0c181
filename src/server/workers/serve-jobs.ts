// The worker side of worker-pool.ts: runs each job message through its handler and answers with
// the output or the error. The pool sends a worker one job at a time.
import { parentPort } from "node:worker_threads";
import type { JobHandlers, JobMessage, JobReply } from "./worker-pool";

export function serveJobs(handlers: JobHandlers, options: { afterEach?: () => void } = {}): void {
  const port = parentPort;
  if (!port) throw new Error("serveJobs runs inside a worker thread");
  port.on("message", async ({ id, kind, input }: JobMessage) => {
    let reply: JobReply;
    try {
      const handler = handlers[kind] as ((input: unknown) => unknown) | undefined;
      if (!handler) throw new Error(`No job named "${kind}"`);
      reply = { id, ok: true, output: await handler(input) };
    } catch (error) {
      const { name, message } = error instanceof Error ? error : { name: "Error", message: String(error) };
      reply = { id, ok: false, error: { name, message } };
    }
    port.postMessage(reply);
    options.afterEach?.();
  });
}
