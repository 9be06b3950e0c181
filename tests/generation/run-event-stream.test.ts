// runs.events over HTTP as browsers follow it: members are served from the run's shared feed in
// tRPC's own wire format (the same events, ids and end as tRPC's stream), many followers each get
// every event once, reconnections resume, and everyone else is left to tRPC (NOT_FOUND).
import fs from "node:fs";
import path from "node:path";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import superjson from "superjson";
import { createRunsRouter } from "@/server/api/routers/runs";
import { createRunEventFeeds, serveRunEvents, type RunEventStreamServices } from "@/server/api/run-event-stream";
import { STREAM_SETUPS_AT_ONCE } from "@/server/api/stream-admission";
import { createInnerContext, createTRPCRouter } from "@/server/api/trpc";
import type { Auth } from "@/server/auth";
import type { Engine } from "@/server/generation/engine";
import { startFakeProvider, type FakeProvider } from "../fake-provider/server";
import { signedInHeaders, type TestUser } from "../helpers/accounts";
import type { TestDatabase } from "../helpers/database";
import { describe, expect, test } from "../helpers/fixtures";
import { createTestEngine, imageTaskType, imageTasks } from "./engine-fixtures";

let database: TestDatabase;
let auth: Auth;
let fake: FakeProvider;
let engine: Engine;
let alice: TestUser;
let bob: TestUser;
let services: RunEventStreamServices;
let trpcRouter: ReturnType<typeof createTRPCRouter>;

async function contextFor(headers: Headers) {
  const session = await auth.api.getSession({ headers });
  const user = session ? { id: session.user.id, name: session.user.name, email: session.user.email } : null;
  return createInnerContext({ db: database.db, user, activeTeamId: session?.session.activeOrganizationId ?? null });
}

test.beforeAll(async ({ database: fileDatabase, auth: fileAuth, alice: owner, bob: outsider }) => {
  [database, auth, alice, bob] = [fileDatabase, fileAuth, owner, outsider];
  fake = await startFakeProvider({ latencyMs: 10, seed: 5 });
  const directory = path.join(database.directory, "images");
  fs.mkdirSync(directory, { recursive: true });
  engine = createTestEngine(database);
  engine.registerTaskTypes([imageTaskType({ baseUrl: fake.url, directory })]);
  services = { context: contextFor, engine, feeds: createRunEventFeeds(engine) };
  trpcRouter = createTRPCRouter({ runs: createRunsRouter(() => engine) });
});
test.afterAll(async () => {
  await engine.shutdown();
  await fake.close();
});

/** The request httpSubscriptionLink makes: GET with the input as superjson in the query. */
function eventsRequest(headers: Headers, input: Record<string, unknown>, extra: Record<string, string> = {}): Request {
  const query = encodeURIComponent(JSON.stringify(superjson.serialize(input)));
  const requestHeaders = new Headers(headers);
  for (const [name, value] of Object.entries(extra)) requestHeaders.set(name, value);
  return new Request(`http://127.0.0.1:3000/api/trpc/runs.events?input=${query}`, { headers: requestHeaders });
}

function viaTrpc(request: Request): Promise<Response> {
  return fetchRequestHandler({ endpoint: "/api/trpc", req: request, router: trpcRouter, createContext: () => contextFor(request.headers) });
}

interface SseMessage {
  event: string;
  data: string;
  id: string | null;
}

/** Every message of a Server-Sent Events body, as EventSource dispatches them (pings left out). */
async function messagesOf(response: Response): Promise<SseMessage[]> {
  expect(response.headers.get("content-type")).toBe("text/event-stream");
  const messages: SseMessage[] = [];
  for (const block of (await response.text()).split("\n\n")) {
    if (block.trim() === "") continue;
    const message: SseMessage = { event: "message", data: "", id: null };
    for (const line of block.split("\n").filter(Boolean)) {
      const [field, ...rest] = line.split(":");
      const value = rest.join(":").replace(/^ /, "");
      if (field === "event") message.event = value;
      else if (field === "data") message.data = value;
      else if (field === "id") message.id = value;
    }
    if (message.event !== "ping") messages.push(message);
  }
  return messages;
}

const seqsOf = (messages: SseMessage[]) => messages.filter((message) => message.event === "message").map((message) => Number(message.id));
const submitFor = (user: TestUser, tasks = imageTasks(6)) =>
  engine.submitRun({ kind: "images", teamId: user.teamId, ownerId: user.id, maxWorkers: 3, tasks });

describe("runs.events over HTTP", () => {
  test("a member's stream carries the same events, ids and end as tRPC's own", async () => {
    const headers = await signedInHeaders(auth, alice);
    const runId = await submitFor(alice);
    await engine.waitForRun(runId);
    const served = await serveRunEvents(eventsRequest(headers, { runId }), services);
    expect(served).not.toBeNull();
    const ours = await messagesOf(served!);
    const theirs = await messagesOf(await viaTrpc(eventsRequest(headers, { runId })));
    expect(ours).toEqual(theirs);
    expect(ours[0]!.event).toBe("connected");
    expect(ours.at(-1)!.event).toBe("return");
    expect(superjson.deserialize(JSON.parse(ours.at(-2)!.data))).toMatchObject({ runId, type: "run-end" });
  });

  test("many followers of a live run each get every event once, in order, then the end", async () => {
    const headers = await signedInHeaders(auth, alice);
    const runId = await submitFor(alice, imageTasks(12));
    const followers = await Promise.all(Array.from({ length: 30 }, () => serveRunEvents(eventsRequest(headers, { runId }), services)));
    const streams = await Promise.all(followers.map((response) => messagesOf(response!)));
    const stored = (await engine.eventsAfter(runId, 0)).map((event) => event.seq);
    for (const messages of streams) {
      expect(seqsOf(messages)).toEqual(stored);
      expect(messages.at(-1)!.event).toBe("return");
    }
    // Live events came through the bus: the same as the stored ones once deserialized.
    const storedEvents = await engine.eventsAfter(runId, 0);
    const delivered = streams[0]!.filter((message) => message.event === "message").map((message) => superjson.deserialize(JSON.parse(message.data)));
    expect(delivered).toEqual(storedEvents);
    expect(services.feeds.stats()).toMatchObject({ followers: 0, feeds: 0 });
  });

  test("followers opening at once are set up a few at a time, and every one of them is served", async () => {
    const headers = await signedInHeaders(auth, alice);
    const runId = await submitFor(alice, imageTasks(4));
    let settingUp = 0;
    let most = 0;
    const counted: RunEventStreamServices = {
      ...services,
      async context(requestHeaders) {
        most = Math.max(most, ++settingUp);
        try {
          return await contextFor(requestHeaders);
        } finally {
          settingUp--;
        }
      },
    };
    const followers = await Promise.all(Array.from({ length: 20 }, () => serveRunEvents(eventsRequest(headers, { runId }), counted)));
    expect(most).toBe(STREAM_SETUPS_AT_ONCE);
    const streams = await Promise.all(followers.map((response) => messagesOf(response!)));
    const stored = (await engine.eventsAfter(runId, 0)).map((event) => event.seq);
    for (const messages of streams) expect(seqsOf(messages)).toEqual(stored);
  });

  test("a reconnecting browser resumes after its Last-Event-ID header, or the lastEventId in its input", async () => {
    const headers = await signedInHeaders(auth, alice);
    const runId = await submitFor(alice);
    await engine.waitForRun(runId);
    const all = (await engine.eventsAfter(runId, 0)).map((event) => event.seq);
    const byHeader = await messagesOf((await serveRunEvents(eventsRequest(headers, { runId }, { "last-event-id": "4" }), services))!);
    expect(seqsOf(byHeader)).toEqual(all.filter((seq) => seq > 4));
    const byInput = await messagesOf((await serveRunEvents(eventsRequest(headers, { runId, lastEventId: "7" }), services))!);
    expect(seqsOf(byInput)).toEqual(all.filter((seq) => seq > 7));
  });

  test("another team's run, a signed-out request and bad input are left to tRPC, which answers as before", async () => {
    const runId = await submitFor(alice);
    await engine.waitForRun(runId);
    const bobHeaders = await signedInHeaders(auth, bob);
    expect(await serveRunEvents(eventsRequest(bobHeaders, { runId }), services)).toBeNull();
    expect(await serveRunEvents(eventsRequest(new Headers(), { runId }), services)).toBeNull();
    expect(await serveRunEvents(eventsRequest(await signedInHeaders(auth, alice), { runId: "" }), services)).toBeNull();
    expect(await serveRunEvents(eventsRequest(bobHeaders, { runId: "no-such-run" }), services)).toBeNull();

    const answer = await messagesOf(await viaTrpc(eventsRequest(bobHeaders, { runId })));
    const error = answer.find((message) => message.event === "serialized-error");
    expect(superjson.deserialize(JSON.parse(error!.data))).toMatchObject({ data: { code: "NOT_FOUND" } });
    expect(answer.some((message) => message.event === "message")).toBe(false);
  });
});
