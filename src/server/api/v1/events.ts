// A deck's run events as Server-Sent Events for scripts: the same events the browser follows,
// one per message (`id:` is the event's seq, `data:` the event as JSON), resumable with the
// Last-Event-ID header, a ping comment every 15 s, and the end of the stream after run-end. A
// stream asked for after the run has ended and been read to its end answers 204, which tells
// EventSource clients to stop reconnecting.
import { AppError } from "@/server/errors";
import { findTeamDeck } from "@/server/features/slides/decks";
import { followRun } from "@/server/generation/events/follow-run";
import { TERMINAL_RUN_STATUSES } from "@/server/generation/types";
import { requireTeamKey } from "./access";
import { answer } from "./http";
import type { ApiServices } from "./services";

export const PING_INTERVAL_MS = 15_000;

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
    const principal = await requireTeamKey(services, request);
    const deck = await findTeamDeck(services.db, principal.teamId, params.deckId);
    if (!deck.lastRunId) throw new AppError("NOT_FOUND", "This deck has no run to follow yet");
    const runId = deck.lastRunId;
    const afterSeq = lastEventIdOf(request);
    const status = (await services.engine.runStatuses([runId])).get(runId);
    if (status && TERMINAL_RUN_STATUSES.has(status) && (await services.engine.eventsAfter(runId, afterSeq)).length === 0) {
      return new Response(null, { status: 204 });
    }

    const encoder = new TextEncoder();
    const abort = new AbortController();
    const onClientGone = () => abort.abort();
    request.signal.addEventListener("abort", onClientGone);
    let ping: NodeJS.Timeout | undefined;
    const stop = () => {
      clearInterval(ping);
      request.signal.removeEventListener("abort", onClientGone);
      abort.abort();
    };

    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        const send = (text: string) => {
          if (!abort.signal.aborted) controller.enqueue(encoder.encode(text));
        };
        send(`: following run ${runId}\nretry: 3000\n\n`);
        ping = setInterval(() => send(": ping\n\n"), options.pingIntervalMs ?? PING_INTERVAL_MS);
        void (async () => {
          try {
            for await (const event of followRun(services.engine, runId, afterSeq, abort.signal)) {
              send(`id: ${event.seq}\ndata: ${JSON.stringify(event)}\n\n`);
            }
          } catch (error) {
            console.error("A deck's event stream failed", error);
          } finally {
            const open = !abort.signal.aborted;
            stop();
            if (open) controller.close();
          }
        })();
      },
      cancel: stop,
    });
    return new Response(stream, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      },
    });
  });
}
