// What the security headers do in a real browser: pages still hydrate under the nonce policy
// (every script carries the nonce, the browser reports no violation, client-side code runs),
// signed-in pages are not stored, other origins cannot frame the app nor make a signed-in browser
// change anything, and sign-in is throttled by the connection's own address whatever
// X-Forwarded-For a client sends.
import { expect, test, type Page } from "@playwright/test";
import { signedInAsNewUser } from "./helpers";
import { postFrom, serveOtherOrigin, startOwnServer } from "./own-server";

function collectPolicyViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}

test("a page under the nonce policy hydrates: every script carries this response's nonce and nothing is blocked", async ({ page }) => {
  const violations = collectPolicyViolations(page);
  const response = await page.goto("/sign-in");
  const headers = response!.headers();
  const nonce = /'nonce-([^']+)'/.exec(headers["content-security-policy"] ?? "")?.[1];
  expect(nonce).toBeTruthy();
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("same-origin");
  const scripts = await page.locator("script").evaluateAll((elements) => elements.map((element) => (element as HTMLScriptElement).nonce));
  expect(scripts.length).toBeGreaterThan(0);
  expect(scripts.every((value) => value === nonce)).toBe(true);
  // Client-side validation answers only once React has hydrated the form.
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Enter a valid email address.")).toBeVisible();
  expect(violations).toEqual([]);
});

test("signed-in pages are not stored and still work under the policy", async ({ page }) => {
  const violations = collectPolicyViolations(page);
  await signedInAsNewUser(page, "Nadia");
  const response = await page.goto("/dashboard");
  expect(response!.headers()["cache-control"]).toMatch(/no-store/);
  await expect(page.getByTestId("signed-in-user")).toHaveText("Nadia");
  await page.getByRole("link", { name: "Team settings" }).click();
  await expect(page.getByLabel("Team name")).toBeVisible();
  expect(violations).toEqual([]);
});

test("another origin cannot frame the app: the browser shows its error page in the frame instead", async ({ page, baseURL }) => {
  const other = await serveOtherOrigin({
    "/": `<iframe id="app" src="${baseURL}/sign-in" width="600" height="400"></iframe><iframe id="control" src="/framed"></iframe>`,
    "/framed": "<h1>Framed fine</h1>",
  });
  try {
    await page.goto(other.url);
    // The control frame from the same other origin loads: framing itself works here.
    await expect(page.frameLocator("#control").getByRole("heading", { name: "Framed fine" })).toBeVisible();
    const framed = () => page.frames().find((candidate) => candidate.url().startsWith(baseURL!) || candidate.url().startsWith("chrome-error:"));
    await expect.poll(() => framed()?.url() ?? "", { timeout: 10_000 }).toMatch(/^chrome-error:/);
    expect(await framed()!.getByRole("heading", { name: "Welcome back" }).count()).toBe(0);
  } finally {
    await other.close();
  }
});

test("sign-in is throttled per connection address, and a client's own X-Forwarded-For changes nothing", async () => {
  test.setTimeout(90_000);
  const server = await startOwnServer({ AUTH_SIGN_IN_ATTEMPTS_PER_ADDRESS: "3" });
  try {
    const signIn = (from: string, attempt: number, spoofed: string) =>
      postFrom(from, `${server.url}/api/auth/sign-in/email`, { email: `someone-${attempt}@example.com`, password: "a guess" }, { "x-forwarded-for": spoofed, "x-real-ip": spoofed });
    const statuses = [];
    for (let attempt = 0; attempt < 5; attempt += 1) statuses.push((await signIn("127.0.0.1", attempt, `203.0.113.${attempt}`)).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const refused = await signIn("127.0.0.1", 9, "203.0.113.99");
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    expect(JSON.parse(refused.body)).toMatchObject({ message: expect.stringMatching(/^Too many sign-in attempts from your network\. Try again in \d+ minutes\.$/) });
    // Another connection address is another client.
    expect((await signIn("127.0.0.2", 10, "203.0.113.0")).status).toBe(401);
  } finally {
    await server.stop();
  }
});

// The other page is served from another port of the same host (a real server: a page the test
// fulfils itself would count as a public address, and the browser would refuse its requests to
// loopback on its own): a sibling origin of the same site, to which the browser sends the session
// cookie.
test("a page on another origin cannot make a signed-in browser change anything: its POSTs are refused with 403", async ({ page, baseURL }) => {
  await signedInAsNewUser(page, "Vera");
  const other = await serveOtherOrigin({
    "/": `<form id="f" method="POST" action="${baseURL}/api/trpc/story.create" enctype="text/plain"><input name='{"json":{"title":"Forged","story":"x","sceneCount":1,"stylePreset":"comic","size":"1024x1024","quality":"standard","reviewPrompts":true},"a":"' value='"}'></form>
      <script>fetch("${baseURL}/api/auth/organization/create", { method: "POST", mode: "no-cors", credentials: "include", headers: { "content-type": "text/plain" }, body: JSON.stringify({ name: "Forged team", slug: "forged" }) });</script>`,
  });
  try {
    const fetched = page.waitForResponse((response) => response.url().endsWith("/api/auth/organization/create"));
    await page.goto(other.url);
    expect((await fetched).status()).toBe(403);
    const [posted] = await Promise.all([page.waitForResponse((response) => response.url().endsWith("/api/trpc/story.create")), page.evaluate(() => (document.getElementById("f") as HTMLFormElement).submit())]);
    expect(posted.status()).toBe(403);
    await page.waitForURL(/\/api\/trpc\/story\.create$/);
    await expect(page.getByText(/Refused: the browser sent it from another origin/)).toBeVisible();
  } finally {
    await other.close();
  }
  // Nothing was made: no project, no team.
  const read = async (path: string) => ((await (await page.request.get(`/api/trpc/${path}`)).json()) as { result: { data: { json: unknown } } }).result.data.json;
  expect(JSON.stringify(await read("story.list"))).not.toContain("Forged");
  expect(JSON.stringify(await read("teams.list"))).not.toContain("Forged");
});
