// What a browser does against the app, for the live benchmark: sign up through the auth API, call
// tRPC procedures with the session cookie, and follow a run's events over Server-Sent Events the
// way EventSource does (reconnecting with Last-Event-ID when the server closes the stream).
import http from "node:http";

export interface Session {
  url: string;
  cookie: string;
}

export async function signUp(url: string, name: string): Promise<Session> {
  const email = `${name.toLowerCase().replace(/\W+/g, "-")}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const response = await fetch(`${url}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: url },
    body: JSON.stringify({ name, email, password: "paper lanterns 42" }),
  });
  if (!response.ok) throw new Error(`Sign-up failed: ${response.status} ${await response.text()}`);
  return { url, cookie: withSetCookies("", response.headers) };
}

/**
 * The cookie header after a response, as a browser keeps it: each Set-Cookie replaces the cookie
 * of its name, and one that expires it (Max-Age=0, as better-auth clears its session cache) drops it.
 */
function withSetCookies(cookie: string, headers: Headers): string {
  const jar = new Map(cookie.split("; ").filter(Boolean).map((pair) => [pair.slice(0, pair.indexOf("=")), pair] as const));
  for (const header of headers.getSetCookie()) {
    const pair = header.split(";")[0]!;
    const name = pair.slice(0, pair.indexOf("="));
    if (/;\s*max-age=0\b/i.test(header)) jar.delete(name);
    else jar.set(name, pair);
  }
  return [...jar.values()].join("; ");
}

/** A tRPC mutation as httpLink sends it (superjson input), returning the deserialized result's JSON. */
export async function mutate<T>(session: Session, procedure: string, input: unknown): Promise<T> {
  const response = await fetch(`${session.url}/api/trpc/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: session.cookie, origin: session.url },
    body: JSON.stringify({ json: input }),
  });
  // The session's signed cache cookie is renewed on requests like this one, as in a browser.
  session.cookie = withSetCookies(session.cookie, response.headers);
  const body = (await response.json()) as { result?: { data: { json: T } }; error?: unknown };
  if (!body.result) throw new Error(`${procedure} failed: ${JSON.stringify(body.error)}`);
  return body.result.data.json;
}

export interface FollowResult {
  /** Delivery delays (arrival − the event's createdAt) of events created after the stream opened. */
  delaysMs: number[];
  /** Events that arrived as a replay (created before this follower's stream opened). */
  replayed: number;
  received: number;
  duplicates: number;
  /** Missing sequence numbers: each seq that was skipped counts once. */
  gaps: number;
  lastSeq: number;
  /** Streams the server closed before the run ended (the follower then resumed). */
  reconnects: number;
  /** When the first stream opened (its `connected` event arrived), Date.now() time. */
  connectedAt: number;
}

interface FollowOptions {
  /** Stops reading the socket for this long after each event: a follower on a slow link. */
  stallMs?: number;
  agent?: http.Agent;
}

const RECONNECT_DELAY_MS = 100;

/** Follows a run until its stream ends with tRPC's `return` event. */
export function followEvents(session: Session, runId: string, options: FollowOptions = {}): Promise<FollowResult> {
  const result: FollowResult = { delaysMs: [], replayed: 0, received: 0, duplicates: 0, gaps: 0, lastSeq: 0, reconnects: 0, connectedAt: Number.POSITIVE_INFINITY };
  const input = encodeURIComponent(JSON.stringify({ json: { runId } }));
  const target = new URL(`${session.url}/api/trpc/runs.events?input=${input}`);
  return new Promise((resolve, reject) => {
    const connect = () => {
      const headers: Record<string, string> = { accept: "text/event-stream", cookie: session.cookie };
      if (result.lastSeq > 0) headers["last-event-id"] = String(result.lastSeq);
      const request = http.get(target, { headers, agent: options.agent ?? false }, (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`runs.events answered ${response.statusCode}`));
          response.resume();
          return;
        }
        let openedAt = Number.POSITIVE_INFINITY;
        let ended = false;
        let buffer = "";
        let event = "message";
        let data = "";
        let id: string | null = null;
        const dispatch = () => {
          if (event === "connected") {
            openedAt = Date.now();
            result.connectedAt = Math.min(result.connectedAt, openedAt);
          }
          else if (event === "return") ended = true;
          else if (event === "serialized-error") reject(new Error(`runs.events failed: ${data}`));
          else if (event === "message" && id !== null) record(Number(id), data, openedAt);
          event = "message";
          data = "";
          id = null;
        };
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          buffer += chunk;
          let newline: number;
          while ((newline = buffer.indexOf("\n")) !== -1) {
            const line = buffer.slice(0, newline);
            buffer = buffer.slice(newline + 1);
            if (line === "") {
              if (data !== "" || event !== "message") dispatch();
              continue;
            }
            const colon = line.indexOf(":");
            const field = colon === -1 ? line : line.slice(0, colon);
            const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
            if (field === "event") event = value;
            else if (field === "data") data = data === "" ? value : `${data}\n${value}`;
            else if (field === "id") id = value;
          }
          if (options.stallMs) {
            response.pause();
            setTimeout(() => response.resume(), options.stallMs);
          }
        });
        response.on("end", () => {
          if (ended) resolve(result);
          else {
            result.reconnects++;
            setTimeout(connect, RECONNECT_DELAY_MS);
          }
        });
        response.on("error", () => {});
      });
      request.on("error", (error) => {
        if (result.received > 0) {
          result.reconnects++;
          setTimeout(connect, RECONNECT_DELAY_MS);
        } else reject(error);
      });
    };
    connect();
  });

  function record(seq: number, data: string, openedAt: number): void {
    const now = Date.now();
    result.received++;
    if (seq <= result.lastSeq) {
      result.duplicates++;
      return;
    }
    result.gaps += seq - result.lastSeq - 1;
    result.lastSeq = seq;
    // superjson writes the event's own createdAt last, as an ISO string.
    const at = data.lastIndexOf('"createdAt":"');
    const createdAt = at === -1 ? Number.NaN : Date.parse(data.slice(at + 13, data.indexOf('"', at + 13)));
    if (createdAt >= openedAt) result.delaysMs.push(now - createdAt);
    else result.replayed++;
  }
}

export interface ProbeSample {
  /** When the request was sent, Date.now() time. */
  sentAt: number;
  ms: number;
}

export interface Probe {
  stop(): Promise<ProbeSample[]>;
}

/** Asks `path` one request at a time, every `intervalMs`, and records how long each answer took. */
export function probe(url: string, path: string, intervalMs: number): Probe {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const samples: ProbeSample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const sentAt = Date.now();
      const startedAt = performance.now();
      await new Promise<void>((resolve) => {
        http
          .get(`${url}${path}`, { agent }, (response) => {
            response.resume();
            response.on("end", () => resolve());
          })
          .on("error", () => resolve());
      });
      samples.push({ sentAt, ms: performance.now() - startedAt });
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      agent.destroy();
      return samples;
    },
  };
}

/** Nearest-rank percentile. */
export function percentile(values: number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}
