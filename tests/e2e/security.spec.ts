// What the security headers do in a real browser: pages still hydrate under the nonce policy
// (every script carries the nonce, the browser reports no violation, client-side code runs),
// signed-in pages are not stored, other sites cannot frame the app, and sign-in is throttled by
// the connection's own address whatever X-Forwarded-For a client sends.
import { expect, test, type Page } from "@playwright/test";
import { signedInAsNewUser } from "./helpers";
import { postFrom, startOwnServer } from "./own-server";

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

test("another site cannot frame the app: the browser shows its error page in the frame instead", async ({ page, baseURL }) => {
  await page.route("http://framing.test/", (route) => route.fulfill({ contentType: "text/html", body: `<iframe src="${baseURL}/sign-in" width="600" height="400"></iframe>` }));
  await page.goto("http://framing.test/");
  const framed = () => page.frames().find((candidate) => candidate !== page.mainFrame());
  await expect.poll(() => framed()?.url() ?? "", { timeout: 10_000 }).toMatch(/^chrome-error:/);
  expect(await framed()!.getByRole("heading", { name: "Welcome back" }).count()).toBe(0);
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
