import { expect, test, type Page } from "@playwright/test";
import fs from "node:fs";
import extractChunks from "png-chunks-extract";
import { decode as decodeText } from "png-chunk-text";
import sharp from "sharp";
import { createTeam, inviteTeammate, screenshotPath, signedInAsNewUser } from "./helpers";

/** A small portrait: warm light from the top left on a dark teal ground, a round head and shoulders. */
async function portraitPng(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="192" height="256">
    <defs><radialGradient id="light" cx="0.3" cy="0.2" r="0.9"><stop offset="0" stop-color="#f4c27a"/><stop offset="1" stop-color="#12464f"/></radialGradient></defs>
    <rect width="192" height="256" fill="url(#light)"/>
    <circle cx="96" cy="100" r="44" fill="#c98b5e"/>
    <path d="M20 256c8-60 40-92 76-92s68 32 76 92z" fill="#2b2f4a"/>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

const stageCells = (page: Page) => page.getByRole("list", { name: "Stages" }).getByTestId("stage-cell");

test("a persona from a picture fills in live, is edited, opened by a teammate, shared read-only and downloaded as a PNG card", async ({ page, browser }, testInfo) => {
  test.setTimeout(180_000);
  const owner = await signedInAsNewUser(page, "Wilhelmina");
  await createTeam(page, "Lantern Studio");

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Personas" }).click();
  await expect(page.getByRole("heading", { name: "The team's personas" })).toBeVisible();
  await page.getByRole("link", { name: "New persona" }).first().click();
  await page.getByRole("tab", { name: "From a picture" }).click();

  // A file that only claims to be a picture is refused with the server's own words.
  await page.getByLabel("Choose a picture").setInputFiles({ name: "notes.png", mimeType: "image/png", buffer: Buffer.from("just some text") });
  await expect(page.getByRole("alert").filter({ hasText: "Only PNG, JPEG or WebP pictures can be uploaded" })).toBeVisible();

  await page.getByLabel("Choose a picture").setInputFiles({ name: "harbour-portrait.png", mimeType: "image/png", buffer: await portraitPng() });
  await expect(page.getByTestId("uploaded-picture")).toContainText("192 × 256 px");
  await page.getByLabel("Posts").fill("4");
  await page.screenshot({ path: screenshotPath("persona-new-from-picture"), fullPage: true });
  await page.getByRole("button", { name: "Create persona" }).click();

  // The stage grid fills in live: something runs while the rest waits, then every stage is done.
  await expect(page).toHaveURL(/\/personas\/[0-9a-f-]{36}$/);
  await expect(stageCells(page)).toHaveCount(8);
  await expect(stageCells(page).and(page.locator('[data-status="running"]')).first()).toBeVisible({ timeout: 20_000 });
  await expect(stageCells(page).and(page.locator('[data-stage="core"][data-status="succeeded"]'))).toBeVisible({ timeout: 20_000 });
  await page.screenshot({ path: screenshotPath("persona-generating"), fullPage: true });
  await expect(page.getByTestId("run-status")).toHaveText("Done", { timeout: 90_000 });
  await expect(stageCells(page).and(page.locator('[data-status="succeeded"]'))).toHaveCount(8);
  const name = (await page.getByTestId("persona-name").textContent())!.trim();
  expect(name).not.toBe("Persona from a picture");
  await expect(page.getByRole("list", { name: "Example posts" }).getByRole("listitem", { name: /^Post \d+$/ })).toHaveCount(4);
  await expect(page.getByRole("img", { name: new RegExp(`Avatar of ${name}`) })).toBeVisible();
  await page.screenshot({ path: screenshotPath("persona-done"), fullPage: true });

  // Edit stage 1 as fields; markup typed into a field stays text. The edit is a new version.
  const core = page.getByRole("region", { name: "Core persona" });
  await core.getByRole("button", { name: "Edit", exact: true }).click();
  const form = core.getByRole("form", { name: "Edit Core persona" });
  await form.getByLabel("Occupation").fill("Harbour photographer");
  await form.getByLabel("Identity").fill("<b>Not bold</b> — someone who photographs the harbour at dawn.");
  await form.getByRole("button", { name: "Add trait" }).click();
  await form.getByLabel(/^Trait \d+$/).last().fill("patient");
  await page.screenshot({ path: screenshotPath("persona-editing-core"), fullPage: true });
  await form.getByRole("button", { name: "Save as a new version" }).click();
  await expect(core.getByTestId("stage-core-data")).toContainText("Harbour photographer");
  await expect(core.getByText("<b>Not bold</b> — someone who photographs the harbour at dawn.")).toBeVisible();
  await expect(core.getByText("patient", { exact: true })).toBeVisible();
  await expect(core.getByRole("button", { name: "v2 ★" })).toBeVisible();
  await core.getByRole("button", { name: "v1" }).click();
  await expect(core.getByRole("button", { name: "Restore v1" })).toBeVisible();
  await expect(core.getByTestId("stage-core-data")).not.toContainText("Harbour photographer");
  await core.getByRole("button", { name: "Back to current" }).click();

  // Regenerating stage 2 offers to redo stage 3, which reads it; earlier results stay as versions.
  const strategy = page.getByRole("region", { name: "Posting strategy" });
  await strategy.getByRole("button", { name: "Regenerate stage" }).click();
  const ask = strategy.getByRole("group", { name: "Regenerate Posting strategy" });
  await expect(ask).toContainText("Example posts reads Posting strategy");
  await page.screenshot({ path: screenshotPath("persona-regenerate-ask") });
  await ask.getByRole("button", { name: "Regenerate with it" }).click();
  await expect(strategy.getByRole("button", { name: "v2 ★" })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole("listitem", { name: "Post 1" })).toContainText("v2", { timeout: 30_000 });
  await expect(page.getByTestId("run-status")).toHaveText("Done", { timeout: 30_000 });
  await expect(core.getByRole("button", { name: "v2 ★" })).toBeVisible();

  // An earlier version comes back as a new one; the posts made from the current one stay unless asked.
  await strategy.getByRole("button", { name: "v1", exact: true }).click();
  await strategy.getByRole("button", { name: "Restore v1" }).click();
  const restoreAsk = strategy.getByRole("group", { name: "Restore Posting strategy v1" });
  await expect(restoreAsk).toContainText("Example posts reads Posting strategy");
  await page.screenshot({ path: screenshotPath("persona-restore-ask") });
  await restoreAsk.getByRole("button", { name: "Only restore" }).click();
  await expect(strategy.getByRole("button", { name: "v3 ★" })).toBeVisible();
  await expect(strategy.getByText(/^v3 · restored/)).toBeVisible();
  const firstPost = page.getByRole("listitem", { name: "Post 1" });
  await expect(firstPost).toContainText("v2");
  await firstPost.getByRole("button", { name: "Earlier versions (1)" }).click();
  await firstPost.getByRole("button", { name: "v1", exact: true }).click();
  await firstPost.getByRole("button", { name: "Restore v1" }).click();
  await expect(firstPost.getByText("v3 · restored")).toBeVisible();

  // An earlier avatar becomes the avatar again, as a new version.
  const avatar = page.getByRole("region", { name: "Avatar", exact: true });
  await avatar.getByRole("button", { name: "Regenerate avatar" }).click();
  await expect(avatar.getByRole("button", { name: "Avatar version 2 (current)" })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("run-status")).toHaveText("Done", { timeout: 30_000 });
  await avatar.getByRole("button", { name: "Avatar version 1" }).click();
  await avatar.getByRole("button", { name: "Make this the avatar" }).click();
  await expect(avatar.getByRole("button", { name: "Avatar version 3 (current)" })).toBeVisible();
  const personaUrl = page.url();

  // A teammate opens it from the team's persona list, read-only.
  const teammate = await inviteTeammate(page, browser, "Lantern Studio", "Barnaby");
  try {
    const other = teammate.page;
    await other.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Personas" }).click();
    await expect(other.getByRole("list", { name: "Personas" }).getByRole("link", { name: new RegExp(name) })).toBeVisible();
    await other.screenshot({ path: screenshotPath("persona-list-teammate"), fullPage: true });
    await other.getByRole("list", { name: "Personas" }).getByRole("link", { name: new RegExp(name) }).click();
    await expect(other.getByTestId("persona-name")).toHaveText(name);
    await expect(other.getByTestId("read-only-notice")).toBeVisible();
    await expect(other.getByRole("region", { name: "Core persona" }).getByTestId("stage-core-data")).toContainText("Harbour photographer");
    await expect(other.getByRole("button", { name: "Edit", exact: true })).toHaveCount(0);
    await expect(other.getByRole("button", { name: "Delete" })).toHaveCount(0);
    await expect(other.getByRole("button", { name: "Create share link" })).toHaveCount(0);
    await other.screenshot({ path: screenshotPath("persona-teammate-read-only"), fullPage: true });
  } finally {
    await teammate.context.close();
  }

  // A share link opens the persona alone, read-only, in a signed-out browser.
  await page.goto(personaUrl);
  await page.getByRole("button", { name: "Create share link" }).click();
  const shareInput = page.getByTestId("share-link");
  await expect(shareInput).toHaveValue(/\/share\/personas\/[\w-]{40,}$/);
  const shareUrl = await shareInput.inputValue();
  await page.screenshot({ path: screenshotPath("persona-share-link"), fullPage: true });

  const anonymous = await browser.newContext();
  try {
    const visitor = await anonymous.newPage();
    await visitor.goto(shareUrl);
    await expect(visitor.getByTestId("persona-name")).toHaveText(name);
    await expect(visitor.getByText("Harbour photographer", { exact: true })).toBeVisible();
    await expect(visitor.getByRole("img", { name: `Avatar of ${name}` })).toBeVisible();
    await expect(visitor.getByRole("button")).toHaveCount(0);
    const text = await visitor.locator("body").innerText();
    for (const secret of ["Lantern Studio", owner.name, owner.email, "Team settings", "Sign out"]) expect(text).not.toContain(secret);
    await visitor.screenshot({ path: screenshotPath("persona-shared-signed-out"), fullPage: true });

    // Revoked, the same link is a 404.
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("list", { name: "Share links" }).getByRole("button", { name: "Revoke" }).click();
    await expect(page.getByRole("list", { name: "Share links" })).toContainText("revoked");
    const response = await visitor.goto(shareUrl);
    expect(response?.status()).toBe(404);
    await expect(visitor.getByRole("heading", { name: "This link does not open anything" })).toBeVisible();
    await visitor.screenshot({ path: screenshotPath("persona-shared-revoked") });
  } finally {
    await anonymous.close();
  }

  // The PNG card: a PNG whose chara chunk holds the V2 card of this persona.
  const downloadPromise = page.waitForEvent("download");
  await page.getByRole("group", { name: "Download the character card" }).getByRole("link", { name: "PNG card" }).click();
  const download = await downloadPromise;
  const cardPath = testInfo.outputPath("card.png");
  await download.saveAs(cardPath);
  const bytes = fs.readFileSync(cardPath);
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const texts = extractChunks(new Uint8Array(bytes))
    .filter((chunk) => chunk.name === "tEXt")
    .map((chunk) => decodeText(chunk.data));
  const chara = texts.find((entry) => entry.keyword === "chara");
  expect(chara).toBeDefined();
  const card = JSON.parse(Buffer.from(chara!.text, "base64").toString("utf8"));
  expect(card).toMatchObject({ spec: "chara_card_v2", spec_version: "2.0", data: { name } });
  expect(texts.some((entry) => entry.keyword === "ccv3")).toBe(true);

  // The same card imported back is a persona of its own.
  await page.goto("/personas/new");
  await page.getByRole("tab", { name: "Import a character card" }).click();
  await page.getByLabel("Choose a card file").setInputFiles(cardPath);
  await expect(page).toHaveURL(/\/personas\/[0-9a-f-]{36}$/);
  expect(page.url()).not.toBe(personaUrl);
  await expect(page.getByTestId("persona-name")).toHaveText(name);
  await expect(page.getByRole("list", { name: "About this persona" })).toContainText("Imported card");
  await expect(page.getByRole("region", { name: "Core persona" }).getByTestId("stage-core-data")).toContainText("Harbour photographer");
  await page.screenshot({ path: screenshotPath("persona-imported"), fullPage: true });
});

test("a batch of descriptions shows every persona's stages and its counts, is cancelled and retried; mature content follows the team setting", async ({ page }) => {
  test.setTimeout(150_000);
  await signedInAsNewUser(page, "Ottilie");

  // Mature is offered only once an owner allows it.
  await page.goto("/personas/new");
  await expect(page.getByLabel("Content rating").locator("option")).toHaveText(["General audience"]);
  await page.getByRole("link", { name: "Allow it in team settings" }).click();
  const toggle = page.getByRole("switch", { name: "Allow mature content" });
  await expect(toggle).not.toBeChecked();
  await page.getByText("Allow mature content").click();
  await expect(toggle).toBeChecked();
  await expect(page.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
  await page.screenshot({ path: screenshotPath("team-persona-settings"), fullPage: true });
  await page.goto("/personas/new");
  await expect(page.getByLabel("Content rating").locator("option")).toHaveText(["General audience", "Mature"]);

  await page.goto("/personas/batches/new");
  const descriptions = page.getByLabel(/One description per line/);
  await descriptions.fill('{"personas": ["A night-shift nurse in Porto who bakes", 42]}');
  await expect(page.getByRole("list", { name: "Problems" })).toContainText('Line 2: Each item must be a description, or an object with a "description"');
  await page.screenshot({ path: screenshotPath("persona-batch-problems"), fullPage: true });
  await descriptions.fill(
    [
      "Rosa Alvarez, a night-shift nurse in Porto who bakes bread at dawn and posts about it",
      "Kenji Mori, a retired lighthouse keeper who shares weather photos and sea shanties",
      "Amara Okafor, a 29-year-old urban beekeeper in Lagos with strong opinions about honey",
    ].join("\n"),
  );
  await expect(page.getByText("3 descriptions read as lines.")).toBeVisible();
  await page.getByLabel("Posts").fill("3");
  await page.getByRole("button", { name: "Create 3 personas" }).click();

  await expect(page).toHaveURL(/\/personas\/batches\/[0-9a-f-]{36}$/);
  const rows = page.getByTestId("batch-persona");
  await expect(rows).toHaveCount(3);
  await expect(rows.first().getByTestId("stage-cell")).toHaveCount(8);
  await expect(page.getByTestId("batch-time")).toBeVisible();
  await page.screenshot({ path: screenshotPath("persona-batch-running"), fullPage: true });

  // Cancelled halfway, the batch keeps what it finished; the rest comes back with a retry.
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "Cancel batch" }).click();
  await expect(page.getByRole("button", { name: "Cancel batch" })).toHaveCount(0);
  await expect(page.locator('[data-testid="stage-cell"][data-status="cancelled"]').first()).toBeVisible();
  await expect(page.getByTestId("batch-cancelled")).toBeVisible();
  await page.screenshot({ path: screenshotPath("persona-batch-cancelled"), fullPage: true });
  await page.getByRole("button", { name: /^(Retry failed|Resume cancelled) personas$/ }).click();
  await expect(page.getByTestId("batch-done")).toHaveText("3", { timeout: 120_000 });
  await expect(page.getByTestId("batch-failed")).toHaveText("0");
  await expect(page.locator('[data-testid="stage-cell"][data-status="succeeded"]')).toHaveCount(24);
  await expect(rows.getByRole("link", { name: "Kenji Mori" })).toBeVisible();
  await page.screenshot({ path: screenshotPath("persona-batch-done"), fullPage: true });
});
