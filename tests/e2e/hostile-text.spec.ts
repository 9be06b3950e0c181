// Script payloads stored in every text field a person can fill — their name, a team's name, a
// project's title and story (so scene titles and summaries carry them), characters, a scene's
// prompts, personas (a description, an imported card's every field, a batch), a deck's title,
// style, slide texts and prompts — then every page that shows them is opened in chromium, signed
// in and (invitation, shared persona) signed out. No payload may run (no dialog, no marker on window or in the console),
// no payload may become an element, and the browser may report no Content-Security-Policy
// violation (one would mean markup got in, even if the policy stopped it). The payloads show as text.
import { expect, test, type Page } from "@playwright/test";
import { newUser, signUp } from "./helpers";

const PAYLOADS = [
  `<img src=x onerror="window.__xss='img';console.log('XSS-MARKER img')">`,
  `<script>window.__xss='script';console.log('XSS-MARKER script')</script>`,
  `"><svg onload="window.__xss='svg'">`,
  `</title><iframe srcdoc="<script>parent.__xss='srcdoc'</script>">`,
  `javascript:window.__xss='href'//`,
];
const SHORT = `<img src=x onerror=alert(1)>`;
const SHORT_SVG = `<svg onload=alert(2)>`;

interface Watch {
  problems: string[];
}

function watch(page: Page): Watch {
  const problems: string[] = [];
  page.on("dialog", async (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    await dialog.dismiss();
  });
  page.on("console", (message) => {
    const text = message.text();
    if (text.includes("XSS-MARKER") || /Content Security Policy|Refused to (execute|load|apply|frame)/i.test(text)) problems.push(`console: ${text}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  return { problems };
}

async function expectNothingRan(page: Page, seen: Watch, where: string) {
  await page.waitForLoadState("networkidle");
  const injected = await page.evaluate(() => ({
    marker: (window as unknown as { __xss?: string }).__xss ?? null,
    elements: document.querySelectorAll('img[src="x"], svg[onload], iframe[srcdoc], [onerror], [onload], a[href^="javascript:"]').length,
    scriptsWithoutNonce: [...document.querySelectorAll("script")].filter((script) => !script.nonce && !script.src).length,
  }));
  expect(injected, where).toEqual({ marker: null, elements: 0, scriptsWithoutNonce: 0 });
  expect(seen.problems, where).toEqual([]);
}

async function trpc(page: Page, path: string, input: unknown) {
  const response = await page.request.post(`/api/trpc/${path}`, { data: { json: input } });
  expect(response.status(), `${path}: ${await response.text()}`).toBe(200);
  return ((await response.json()) as { result: { data: { json: unknown } } }).result.data.json as Record<string, unknown>;
}

test("script payloads in every text field are shown as text on every page, and none runs", async ({ page, browser, baseURL }) => {
  test.setTimeout(180_000);
  const seen = watch(page);

  // A person whose name is a payload, in a team whose name is one.
  const eve = { ...newUser("Eve"), name: `Eve ${SHORT}` };
  await signUp(page, eve);
  await expect(page.getByTestId("signed-in-user")).toHaveText(eve.name);
  await page.getByRole("link", { name: "Team settings" }).click();
  await page.getByLabel("Team name").fill(`Team ${SHORT_SVG}`);
  await page.getByRole("button", { name: "Create team" }).click();
  await expect(page.getByTestId("team-name")).toHaveText(`Team ${SHORT_SVG}`);

  // A story whose text, title, characters and prompts carry payloads.
  const story = PAYLOADS.map((payload, index) => `Scene ${index + 1}. Mara found a note that read ${payload} and she kept it. The lighthouse keeper laughed.`).join("\n\n");
  const created = await trpc(page, "story.create", { title: `Tale ${PAYLOADS[0]}`.slice(0, 200), story, sceneCount: 2, stylePreset: "comic", size: "1024x1024", quality: "standard", reviewPrompts: false });
  const projectId = String(created.projectId);
  await expect.poll(async () => (await (await page.request.get(`/api/trpc/story.get?input=${encodeURIComponent(JSON.stringify({ json: { projectId } }))}`)).json()).result.data.json.run?.status, { timeout: 60_000 }).toBe("succeeded");
  const project = (await (await page.request.get(`/api/trpc/story.get?input=${encodeURIComponent(JSON.stringify({ json: { projectId } }))}`)).json()).result.data.json as {
    characters: Array<{ id: string; name: string; description: string; visualTraits: string[] }>;
    scenes: Array<{ id: string }>;
  };
  await trpc(page, "story.updateCharacters", {
    projectId,
    characters: [...project.characters.slice(0, 1).map((character) => ({ ...character, name: `Mara ${SHORT}`, description: PAYLOADS[1], visualTraits: [SHORT_SVG] }))],
  });
  await expect.poll(async () => (await (await page.request.get(`/api/trpc/story.get?input=${encodeURIComponent(JSON.stringify({ json: { projectId } }))}`)).json()).result.data.json.run?.status, { timeout: 60_000 }).not.toBe("running");
  await trpc(page, "story.updateScene", { projectId, sceneId: project.scenes[0]!.id, imagePrompt: PAYLOADS.join(" "), negativePrompt: PAYLOADS[3], styleTags: [SHORT, SHORT_SVG] });

  // Personas (generated from a payload, imported from a card of payloads, in a batch), a share link
  // and a deck: stored with payloads for their pages.
  const persona = await trpc(page, "persona.createFromDescription", { description: `${PAYLOADS.join(" ")} a sailor`, options: { postCount: 1, avatar: false } });
  const imported = await trpc(page, "persona.importCard", { json: JSON.stringify({ name: `Card ${SHORT}`, description: PAYLOADS[1], personality: PAYLOADS[2], scenario: PAYLOADS[3], first_mes: PAYLOADS[0], mes_example: PAYLOADS[4], tags: [SHORT_SVG] }) });
  const batch = await trpc(page, "persona.batches.create", { text: PAYLOADS.map((payload) => `${payload} a baker`).join("\n"), options: { postCount: 1, avatar: false } });
  const link = await trpc(page, "persona.shareLinks.create", { personaId: imported.personaId });
  const deck = await trpc(page, "slides.create", { title: `Deck ${SHORT}`, stylePreset: "custom", styleText: PAYLOADS[3], aspectRatio: "1:1", quality: "standard", slides: [{ title: SHORT_SVG, text: PAYLOADS.join(" "), imagePrompt: "" }, { title: "Two", text: "", imagePrompt: PAYLOADS[0] }] });
  for (const runId of [persona.runId, batch.runId, deck.runId]) {
    await expect.poll(async () => (await (await page.request.get(`/api/trpc/runs.get?input=${encodeURIComponent(JSON.stringify({ json: { runId } }))}`)).json()).result.data.json.status, { timeout: 60_000 }).toMatch(/succeeded|failed/);
  }

  const pages = [
    "/dashboard",
    "/team",
    `/projects/${projectId}`,
    "/projects/new",
    "/personas",
    "/personas/new",
    `/personas/${persona.personaId}`,
    `/personas/${imported.personaId}`,
    "/personas/batches/new",
    `/personas/batches/${batch.batchId}`,
    "/decks",
    "/decks/new",
    `/decks/${deck.deckId}`,
    "/operations",
  ];
  for (const path of pages) {
    await page.goto(path);
    await expectNothingRan(page, seen, path);
  }
  await page.goto(`/projects/${projectId}`);
  await expect(page.getByText(`Tale ${PAYLOADS[0]}`.slice(0, 40)).first()).toBeVisible();
  await expect(page.locator("main").getByText(SHORT_SVG).first()).toBeVisible();
  await expectNothingRan(page, seen, "project page, payloads visible as text");

  // The invitation page shows the team's and the inviter's names to someone not signed in.
  await page.goto("/team");
  await page.getByRole("form", { name: "Invite a teammate" }).getByLabel("Email").fill(`invitee-${Date.now()}@example.com`);
  await page.getByRole("button", { name: "Create invitation" }).click();
  const invitationUrl = await page.getByLabel(/^Invitation link for /).first().inputValue();
  await expectNothingRan(page, seen, "team page with an invitation");
  const stranger = await browser.newContext();
  try {
    const other = await stranger.newPage();
    const otherSeen = watch(other);
    await other.goto(invitationUrl);
    await expect(other.getByText(`Team ${SHORT_SVG}`).first()).toBeVisible();
    await expectNothingRan(other, otherSeen, "invitation page, signed out");
    // The shared persona page, for anyone holding the link.
    await other.goto(`/share/personas/${String(link.token)}`);
    await expect(other.getByText(`Card ${SHORT}`).first()).toBeVisible();
    await expectNothingRan(other, otherSeen, "shared persona page, signed out");
    // Query parameters echoed into the forms, and a javascript: redirect target.
    await other.goto(`/sign-in?email=${encodeURIComponent(`a@b.c"${SHORT}`)}&next=${encodeURIComponent("javascript:window.__xss='next'")}`);
    await expectNothingRan(other, otherSeen, "sign-in with hostile query parameters");
    await other.goto(`/sign-up?email=${encodeURIComponent(PAYLOADS[2]!)}`);
    await expectNothingRan(other, otherSeen, "sign-up with a hostile email parameter");
  } finally {
    await stranger.close();
  }
  expect(baseURL).toBeTruthy();
});
