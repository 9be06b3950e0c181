// runs.events over HTTP for members of the run's team: the Server-Sent Events that tRPC's
// httpSubscriptionLink reads (a `connected` event, each run event as superjson data with its seq as
// id, `ping`, and `return` after the run's end), written from the run's shared feed. tRPC's own SSE
// producer serializes every event once per follower; here each event is serialized once, and every
// follower is sent the same bytes (generation/events/run-feeds.ts).
//
// Whatever is not a member's well-formed request (no session, another team's run, bad input) is
// left to tRPC: `serve` returns null and the caller hands the request to tRPC's handler, which
// answers exactly as before (NOT_FOUND for a run of another team).
import superjson from "superjson";
import { appEngine } from "@/server/app-services";
import { findMemberRun } from "@/server/features/runs/member-run";
import type { Engine } from "@/server/generation/engine";
import { createRunFeeds, type RunFeeds } from "@/server/generation/events/run-feeds";
import type { RunEvent } from "@/server/generation/events/run-events";
import { runEventsInput } from "./routers/runs";
import { admitStream } from "./stream-admission";
import { SSE_SETTINGS, type InnerContext } from "./trpc";

/** The headers tRPC sends with a subscription stream. */
const SSE_HEADERS = {
  "Content-Type": "text/event-stream",
  "Cache-Control": "no-cache, no-transform",
  "X-Accel-Buffering": "no",
  Connection: "keep-alive",
};

const frame = (text: string) => Buffer.from(text, "utf8");

/** One run event as tRPC writes a tracked item: the superjson of the event as data, the seq as id. */
export function encodeRunEvent(event: RunEvent): Uint8Array {
  return frame(`data: ${JSON.stringify(superjson.serialize(event))}\nid: ${event.seq}\n\n`);
}

const CONNECTED = frame(`event: connected\ndata: ${JSON.stringify(SSE_SETTINGS.client)}\n\n`);
const PING = frame("event: ping\ndata: \n\n");
const RETURN = frame("event: return\ndata: \n\n");

/** Shared feeds of the engine's runs, with tRPC's ping as their heartbeat. */
export function createRunEventFeeds(engine: Pick<Engine, "subscribe" | "eventsAfter">, options: { maxLagBytes?: number } = {}): RunFeeds {
  return createRunFeeds({
    engine,
    encode: encodeRunEvent,
    maxLagBytes: options.maxLagBytes,
    heartbeat: SSE_SETTINGS.ping.enabled ? { frame: PING, intervalMs: SSE_SETTINGS.ping.intervalMs } : undefined,
  });
}

const globalForFeeds = globalThis as unknown as { storyforgeRunFeeds?: RunFeeds };

/** The process's feeds, over the app's engine (kept on globalThis like the engine itself). */
export function appRunEventFeeds(): RunFeeds {
  globalForFeeds.storyforgeRunFeeds ??= createRunEventFeeds(appEngine());
  return globalForFeeds.storyforgeRunFeeds;
}

export interface RunEventStreamServices {
  /** The signed-in user and database, from the request's headers (the tRPC context). */
  context(headers: Headers): Promise<InnerContext>;
  engine: Pick<Engine, "getRun">;
  feeds: RunFeeds;
}

/** The input as httpSubscriptionLink sends it: `?input=` superjson, tRPC's Last-Event-ID rules. */
function readRequest(request: Request): { runId: string; afterSeq: number } | null {
  const url = new URL(request.url);
  const raw = url.searchParams.get("input");
  let input: unknown;
  try {
    input = raw === null ? undefined : superjson.deserialize(JSON.parse(raw));
  } catch {
    return null;
  }
  const parsed = runEventsInput.safeParse(input);
  if (!parsed.success) return null;
  // As tRPC does: the browser's own reconnection sends Last-Event-ID and it wins over the input.
  const lastEventId =
    request.headers.get("last-event-id") ?? url.searchParams.get("lastEventId") ?? url.searchParams.get("Last-Event-Id") ?? parsed.data.lastEventId;
  const afterSeq = Number(lastEventId ?? 0);
  return { runId: parsed.data.runId, afterSeq: Number.isFinite(afterSeq) && afterSeq > 0 ? Math.floor(afterSeq) : 0 };
}

/** Serves a member's runs.events request from the run's shared feed; null leaves it to tRPC. */
export async function serveRunEvents(request: Request, services: RunEventStreamServices): Promise<Response | null> {
  const followed = readRequest(request);
  if (!followed) return null;
  const member = await admitStream(async () => {
    const context = await services.context(request.headers);
    if (!context.user) return false;
    try {
      await findMemberRun(services.engine, context.db, context.user.id, followed.runId);
      return true;
    } catch {
      return false;
    }
  });
  if (!member) return null;
  const stream = services.feeds.follow({ ...followed, opening: CONNECTED, closing: RETURN, signal: request.signal });
  return new Response(stream, { headers: SSE_HEADERS });
}
