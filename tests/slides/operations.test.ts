// Operators: the useful-workers arithmetic (r·L, capped; the default without measurements), the
// operator endpoints behind the operator key or an owner/admin session (team keys and members are
// refused), and team API keys as stored: secret shown once, only its hash kept, revocable.
import crypto from "node:crypto";
import { afterAll } from "vitest";
import { activeHandler, optimalWorkersHandler, validateHandler } from "@/server/api/v1/operations";
import type { ApiServices } from "@/server/api/v1/services";
import type { Auth } from "@/server/auth";
import { recommendWorkers } from "@/server/features/slides/operations";
import { signedInHeaders, type TestUser } from "../helpers/accounts";
import type { TestDatabase } from "../helpers/database";
import { describe, expect, test } from "../helpers/fixtures";
import { apiServicesOf, createSlidesTestServices, deckForm, type SlidesTestServices } from "../helpers/slides-services";

const OPERATOR_KEY = "operator-key-for-tests-0123456789";
const cookieOf = async (auth: Auth, user: TestUser) => (await signedInHeaders(auth, user)).get("cookie")!;

describe("useful workers", () => {
  const limits = { defaultWorkers: 5, maxWorkers: 20 };
  const measured = (ratePerSecond: number | null, latencySeconds: number | null, more: { cap?: number; window?: number; limitSeen?: number | null } = {}) => ({
    ratePerSecond,
    latencySeconds,
    cap: more.cap ?? 20,
    window: more.window ?? 10,
    limitSeen: more.limitSeen ?? null,
  });

  test("are the learned rate times the latency, rounded up", () => {
    expect(recommendWorkers(100, measured(2, 3), limits)).toMatchObject({ workers: 6, basis: "measured", usefulWorkers: 6 });
    expect(recommendWorkers(100, measured(0.5, 9), limits).workers).toBe(5);
    expect(recommendWorkers(100, measured(0.1, 2), limits).workers).toBe(1);
  });

  test("are the window the provider sustains once it has refused, when the engine steers by window", () => {
    const answer = recommendWorkers(100, measured(null, 2, { window: 7.6, limitSeen: 9 }), limits);
    expect(answer).toMatchObject({ workers: 7, basis: "measured", usefulWorkers: 7 });
    expect(answer.reason).toBe("The provider refused calls at 9.0 in flight; the engine sustains 7 (≈ 3.50 calls/s × 2.00 s per image).");
  });

  test("are capped by the maximum workers, the budget's cap and the slide count", () => {
    expect(recommendWorkers(100, measured(10, 10, { cap: 50 }), limits).workers).toBe(20);
    expect(recommendWorkers(100, measured(10, 10, { cap: 8 }), limits).workers).toBe(8);
    const few = recommendWorkers(3, measured(10, 10, { cap: 50 }), limits);
    expect(few).toMatchObject({ workers: 3, usefulWorkers: 100 });
    expect(few.reason).toContain("capped at 3");
  });

  test("fall back to the configured default, saying why, without a measured limit", () => {
    const unlimited = recommendWorkers(100, measured(null, 12), limits);
    expect(unlimited).toMatchObject({ workers: 5, basis: "default", usefulWorkers: null });
    expect(unlimited.reason).toBe(
      "The provider has not limited the image budget yet (no 429, no slow rate), so there is no measured limit: this is the configured default (BATCH_DEFAULT_WORKERS).",
    );
    expect(recommendWorkers(100, measured(null, null), limits).reason).toContain("no image call has been answered");
    expect(recommendWorkers(2, measured(null, null), limits).workers).toBe(2);
  });
});

describe("the operator endpoints", () => {
  let database: TestDatabase;
  let auth: Auth;
  let alice: TestUser;
  let carol: TestUser;
  let testServices: SlidesTestServices;
  let api: ApiServices;
  let teamKey: string;

  test.beforeAll(async ({ database: fileDatabase, auth: fileAuth, alice: owner, carol: invited }) => {
    [database, auth, alice, carol] = [fileDatabase, fileAuth, owner, invited];
    await database.db.member.create({ data: { id: "carol-in-a", organizationId: alice.teamId, userId: carol.id, role: "member", createdAt: new Date() } });
    testServices = createSlidesTestServices({ db: database.db, engineSettings: { maxWorkers: 12, defaultWorkers: 4, maxConcurrentRuns: 3 } });
    api = apiServicesOf(testServices, { auth, operatorKey: OPERATOR_KEY });
    teamKey = (await testServices.caller(alice).slides.apiKeys.create({ name: "script" })).key;
    const { runId } = await testServices.caller(alice).slides.create(deckForm(3));
    await testServices.services.engine.waitForRun(runId);
  });
  afterAll(async () => {
    await testServices?.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) => new Request(`http://127.0.0.1:3000${path}`, { headers });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    new Request(`http://127.0.0.1:3000${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

  test("the operator key reads the active count, with each budget's window and measurements", async () => {
    const response = await activeHandler(api, get("/api/v1/ops/active", bearer(OPERATOR_KEY)));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { budgets: Array<Record<string, unknown>> } & Record<string, unknown>;
    expect(body).toMatchObject({
      decks: { generating: 0, waiting: 0 },
      runs: { active: 0, waiting: 0 },
      workers_in_use: 0,
      limits: { max_slides: 100, default_workers: 4, max_workers: 12, max_concurrent_runs: 3 },
    });
    const image = body.budgets.find((budget) => budget.name === "image");
    const engineImage = testServices.services.engine.status().budgets.image!;
    expect(image).toEqual({
      name: "image",
      identity: engineImage.identity,
      cap: 20,
      window: engineImage.window,
      in_flight: 0,
      rate_per_second: null,
      latency_seconds: engineImage.roundTripMs! / 1000,
      limit_seen: null,
    });
  });

  test("validate says what a batch will meet: clamped workers, starting now", async () => {
    const response = await validateHandler(api, post("/api/v1/ops/validate", { slides: 150, max_workers: 40 }, bearer(OPERATOR_KEY)));
    const body = (await response.json()) as Record<string, any>;
    expect(body).toMatchObject({
      slides: 150,
      requested_workers: 40,
      workers: 12,
      clamped: true,
      over_slide_limit: true,
      queue: { starts_now: true, position: null },
      rate_limit: { likely: null, basis: "default", recommended_workers: 4 },
    });
    expect(body.warnings).toEqual([
      "max_workers 40 is clamped to 12 (BATCH_MAX_WORKERS = 12).",
      "150 slides is over the limit of 100 slides per deck: the request would be refused.",
    ]);
    const invalid = await validateHandler(api, post("/api/v1/ops/validate", { slides: 0 }, bearer(OPERATOR_KEY)));
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: { code: "BAD_REQUEST", details: { slides: "At least 1 slide" } } });
  });

  test("optimal workers falls back to the default without a learned rate, and says why, with the measurements", async () => {
    const response = await optimalWorkersHandler(api, get("/api/v1/ops/optimal-workers?slides=10", bearer(OPERATOR_KEY)));
    const body = (await response.json()) as Record<string, any>;
    expect(body).toMatchObject({ slides: 10, workers: 4, basis: "default", useful_workers: null, measurement: { name: "image", rate_per_second: null, limit_seen: null } });
    expect(body.reason).toContain("The provider has not limited the image budget yet");
    const tooMany = await optimalWorkersHandler(api, get("/api/v1/ops/optimal-workers?slides=101", bearer(OPERATOR_KEY)));
    expect(await tooMany.json()).toMatchObject({ error: { code: "BAD_REQUEST", details: { slides: "A deck has at most 100 slides" } } });
  });

  test("an owner's session is let in; a plain member's session is FORBIDDEN", async () => {
    expect((await activeHandler(api, get("/api/v1/ops/active", { cookie: await cookieOf(auth, alice) }))).status).toBe(200);
    const carolCookie = await cookieOf(auth, carol);
    await database.db.session.updateMany({ where: { userId: carol.id }, data: { activeOrganizationId: alice.teamId } });
    const forbidden = await activeHandler(api, get("/api/v1/ops/active", { cookie: carolCookie }));
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ error: { code: "FORBIDDEN" } });
  });

  test.each([
    ["no credentials", {}],
    ["a team API key", { key: "team" }],
    ["a wrong operator key", { key: "wrong" }],
  ])("%s gets 401 UNAUTHORIZED from every operator endpoint", async (_name, { key }: { key?: string }) => {
    const headers = key === "team" ? bearer(teamKey) : key ? bearer(`${OPERATOR_KEY}x`) : {};
    for (const response of [
      await activeHandler(api, get("/api/v1/ops/active", headers)),
      await validateHandler(api, post("/api/v1/ops/validate", { slides: 5 }, headers)),
      await optimalWorkersHandler(api, get("/api/v1/ops/optimal-workers?slides=5", headers)),
    ]) {
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("UNAUTHORIZED");
    }
  });

  test("without OPERATOR_API_KEY set, no bearer key is the operator's", async () => {
    const withoutKey = { ...api, operatorKey: undefined };
    expect((await activeHandler(withoutKey, get("/api/v1/ops/active", bearer(OPERATOR_KEY)))).status).toBe(401);
  });

  test("a team API key is stored as its hash alone, shown once, listed by prefix, and revocable", async () => {
    const caller = testServices.caller(alice);
    const created = await caller.slides.apiKeys.create({ name: "deploy" });
    expect(created.key).toMatch(/^sfk_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix).toBe(created.key.slice(0, 12));
    const stored = await database.db.teamApiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(stored.hash).toBe(crypto.createHash("sha256").update(created.key).digest("hex"));
    expect(JSON.stringify(stored)).not.toContain(created.key);
    const listed = await caller.slides.apiKeys.list();
    expect(JSON.stringify(listed)).not.toContain(created.key);
    expect(listed.find((key) => key.id === created.id)).toMatchObject({ name: "deploy", prefix: created.prefix, createdBy: { id: alice.id, name: "Alice" }, revokedAt: null });
    await caller.slides.apiKeys.revoke({ keyId: created.id });
    expect((await caller.slides.apiKeys.list()).find((key) => key.id === created.id)!.revokedAt).toBeInstanceOf(Date);
    await expect(caller.slides.apiKeys.create({ name: " " })).rejects.toThrow("Name the key");
  });
});
