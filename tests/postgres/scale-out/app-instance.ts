// An app instance of the scale-out tests, in a child process: the app's own engine (dispatching,
// with REDIS_URL) and its shared run feeds (run-event-stream.ts), serving a run's events as
// Server-Sent Events on 127.0.0.1 — `GET /runs/<id>/events` with Last-Event-ID to resume — without
// the sign-in in front (tested elsewhere), so a test can kill it with a follower connected.
import http from "node:http";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { appRunEventFeeds } from "@/server/api/run-event-stream";
import { appEngine } from "@/server/app-services";

const RETURN = Buffer.from("event: return\ndata: \n\n");
const feeds = appRunEventFeeds();
appEngine();

const server = http.createServer((request, response) => {
  const match = /^\/runs\/([\w-]+)\/events$/.exec(new URL(request.url ?? "/", "http://127.0.0.1").pathname);
  if (!match) {
    response.writeHead(404).end();
    return;
  }
  const lastEventId = Number(request.headers["last-event-id"] ?? 0);
  const abort = new AbortController();
  response.on("close", () => abort.abort());
  response.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
  const stream = feeds.follow({ runId: match[1]!, afterSeq: Number.isFinite(lastEventId) ? lastEventId : 0, closing: RETURN, signal: abort.signal });
  Readable.fromWeb(stream as WebReadableStream<Uint8Array>).pipe(response);
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(`serving run events on ${typeof address === "object" && address ? address.port : 0}`);
});
process.on("SIGTERM", () => process.exit(0));
