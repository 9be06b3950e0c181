// A browser-like follower of a run's Server-Sent Events: it reads `id:`/`data:` frames, and when
// the stream breaks before the run's `return` it reconnects — to the next server in its list —
// with Last-Event-ID, as an EventSource does. Returns every event it was sent, in order.
import http from "node:http";
import superjson from "superjson";
import type { RunEvent } from "@/server/generation/events/run-events";

export interface FollowOptions {
  /** Ports of the app instances, tried in turn from the first. */
  ports: () => number[];
  runId: string;
  /** Called with each event as it arrives (a test kills a server from here). */
  onEvent?(event: RunEvent, port: number): void;
  /** How many times it may reconnect. */
  maxReconnects?: number;
}

export async function followOverHttp(options: FollowOptions): Promise<{ events: RunEvent[]; reconnects: number }> {
  const events: RunEvent[] = [];
  let lastEventId = 0;
  let reconnects = 0;
  for (let attempt = 0; ; attempt++) {
    const ports = options.ports();
    const port = ports[attempt % ports.length]!;
    const ended = await new Promise<boolean>((resolve) => {
      const request = http.get({ host: "127.0.0.1", port, path: `/runs/${options.runId}/events`, headers: { "Last-Event-ID": String(lastEventId) } }, (response) => {
        let buffer = "";
        let returned = false;
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (frame.startsWith("event: return")) returned = true;
            const data = /^data: (.+)$/m.exec(frame);
            const id = /^id: (\d+)$/m.exec(frame);
            if (!data || !id) continue;
            const event = superjson.deserialize(JSON.parse(data[1]!)) as RunEvent;
            events.push(event);
            lastEventId = Number(id[1]);
            options.onEvent?.(event, port);
          }
        });
        response.on("end", () => resolve(returned));
        response.on("error", () => resolve(false));
        response.on("aborted", () => resolve(false));
      });
      request.on("error", () => resolve(false));
    });
    if (ended) return { events, reconnects };
    if (++reconnects > (options.maxReconnects ?? 10)) throw new Error(`Gave up after ${reconnects} reconnects at event ${lastEventId}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
