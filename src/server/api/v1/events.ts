// A deck's run events as Server-Sent Events for scripts: the same events the browser follows,
// one per message (`id:` is the event's seq, `data:` the event as JSON), resumable with the
// Last-Event-ID header, a ping comment every 15 s, and the end of the stream after run-end. A
// stream asked for after the run has ended and been read to its end answers 204, which tells
// EventSource clients to stop reconnecting.
//
// Every script following the same run reads one shared feed (generation/events/run-feeds.ts):
// each event is encoded once into the message above and the same bytes go to every follower.
import { AppError } from "@/server/errors";
import { findTeamDeck } from "@/server/features/slides/decks";
import type { Engine } from "@/server/generation/engine";
import { createRunFeeds, type RunFeeds } from "@/server/generation/events/run-feeds";
import type { RunEvent } from "@/server/generation/events/run-events";
import { TERMINAL_RUN_STATUSES } from "@/server/generation/types";
import { admitStream } from "../stream-admission";
import { requireTeamKey } from "./access";
import { answer } from "./http";
import type { ApiServices } from "./services";

export const PING_INTERVAL_MS = 15_000;

const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  "x-accel-buffering": "no",
};

const frame = (text: string) => Buffer.from(text, "utf8");

/** One run event as the batch API writes it: the seq as id, the event as JSON. */
export function encodeDeckEvent(event: RunEvent): Uint8Array {
  return frame(`id: ${event.seq}\ndata: ${JSON.stringify(event)}\n\n`);
}

const PING = frame(": ping\n\n");

type FeedsEngine = Pick<Engine, "subscribe" | "eventsAfter">;

// One set of feeds per engine (the app has one; tests build their own) and ping interval.
const feedsByEngine = new WeakMap<FeedsEngine, Map<number, RunFeeds>>();

/** The shared feeds of the engine's runs in the batch API's format, with its ping comment as heartbeat. */
export function deckEventFeeds(engine: FeedsEngine, pingIntervalMs = PING_INTERVAL_MS): RunFeeds {
  let byInterval = feedsByEngine.get(engine);
  if (!byInterval) {
    byInterval = new Map();
    feedsByEngine.set(engine, byInterval);
  }
  let feeds = byInterval.get(pingIntervalMs);
  if (!feeds) {
    feeds = createRunFeeds({ engine, encode: encodeDeckEvent, heartbeat: { frame: PING, intervalMs: pingIntervalMs } });
    byInterval.set(pingIntervalMs, feeds);
  }
  return feeds;
}

function lastEventIdOf(request: Request): number {
  const raw = request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("lastEventId") ?? "0";
  const seq = Number(raw);
  return Number.isInteger(seq) && seq > 0 ? seq : 0;
}

export function deckEventsHandler(
  services: ApiServices,
  request: Request,
  params: { deckId: string },
  options: { pingIntervalMs?: number } = {},
): Promise<Response> {
  return answer(async () => {
    const afterSeq = lastEventIdOf(request);
    const runId = await admitStream(async () => {
      const principal = await requireTeamKey(services, request);
      const deck = await findTeamDeck(services.db, principal.teamId, params.deckId);
      if (!deck.lastRunId) throw new AppError("NOT_FOUND", "This deck has no run to follow yet");
      const status = (await services.engine.runStatuses([deck.lastRunId])).get(deck.lastRunId);
      const ended = status && TERMINAL_RUN_STATUSES.has(status) && (await services.engine.eventsAfter(deck.lastRunId, afterSeq)).length === 0;
      return ended ? null : deck.lastRunId;
    });
    if (runId === null) return new Response(null, { status: 204 });
    const stream = deckEventFeeds(services.engine, options.pingIntervalMs).follow({
      runId,
      afterSeq,
      opening: frame(`: following run ${runId}\nretry: 3000\n\n`),
      signal: request.signal,
    });
    return new Response(stream, { headers: SSE_HEADERS });
  });
}
