import { expect, test } from "@playwright/test";
import fs from "node:fs";
import { readZip } from "../helpers/zip";
import { createDeckFromOutline, markdownOutline, screenshotPath, signedInAsNewUser } from "./helpers";

const launchSlides = [
  { title: "Why we are here", text: "Three teams, one launch date." },
  { title: "The market", text: "Small studios want pictures for every slide." },
  { title: "Our product", text: "One style, one image per slide, rendered in batches." },
  { title: "How it works", text: "Paste an outline; every heading becomes a slide." },
  { title: "Customers", text: "Teachers, agencies and founders." },
  { title: "Pricing", text: "Free to try, paid per team." },
  { title: "Roadmap", text: "Voices next, then video." },
  { title: "Thank you", prompt: "A paper boat on calm water at sunrise, wide shot" },
];

test("a pasted 8-slide outline renders live at 16:9; slide 3 is edited and regenerated with its new prompt; the PPTX has 8 slides", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  await signedInAsNewUser(page, "Ines");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Decks" }).click();
  await expect(page.getByText("No slide decks in this team yet.")).toBeVisible();

  // A limit broken in the outline is named, with the slide's number, before anything is created.
  await page.goto("/decks/new");
  await page.getByRole("tab", { name: "Paste an outline or markdown" }).click();
  await page.getByLabel("Outline or markdown").fill(markdownOutline([{ title: "Fine" }, { title: "Too long ".repeat(30) }]));
  await expect(page.getByTestId("outline-problem")).toHaveText("Slide 2: A slide title has at most 200 characters");

  const deckId = await createDeckFromOutline(page, { outline: markdownOutline(launchSlides), slideCount: 8, screenshot: "deck-new-outline" });
  await expect(page.getByRole("heading", { name: "Why we are here", level: 1 })).toBeVisible();
  await expect(page.getByText(/8 slides · Widescreen 16:9/)).toBeVisible();
  const cards = page.getByTestId("slide-card");

  // Slides turn into images one by one, each card saying where it stands.
  await expect(cards.locator("img").first()).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: screenshotPath("deck-rendering"), fullPage: true });
  await expect(page.getByTestId("deck-run-status")).toHaveText("Done", { timeout: 60_000 });
  await expect(page.getByTestId("deck-run-done")).toHaveText("8/8 slides done");
  await expect(cards.locator("img")).toHaveCount(8);
  await expect(cards.getByTestId("slide-state").filter({ hasText: /^Done in / })).toHaveCount(8);
  await expect(cards.nth(0).getByText("written by the text model")).toBeVisible();
  await expect(cards.nth(7).getByTestId("slide-prompt")).toHaveText("A paper boat on calm water at sunrise, wide shot");
  await page.screenshot({ path: screenshotPath("deck-done"), fullPage: true });

  // Slide 3 is edited after the deck was made: an empty title is refused beside the field; the saved
  // slide offers to render its picture again, alone, with the new prompt; its first version stays.
  await cards.nth(2).getByRole("button", { name: "Edit slide" }).click();
  const editor = cards.nth(2).getByRole("form", { name: "Edit slide 3" });
  await editor.getByLabel("Title").fill("   ");
  await editor.getByRole("button", { name: "Save", exact: true }).click();
  await expect(editor.getByRole("alert")).toHaveText("Every slide needs a title");
  await editor.getByLabel("Title").fill("Our product, in one picture");
  await expect(editor.getByRole("alert")).toHaveCount(0);
  await editor.getByLabel("Text", { exact: true }).fill("One style for every slide, rendered in batches.");
  await editor.getByLabel("Image prompt").fill("A single glowing slide projector in a dark room, beams of coloured light");
  await page.screenshot({ path: screenshotPath("deck-slide-editing"), fullPage: true });
  await editor.getByRole("button", { name: "Save", exact: true }).click();
  const third = page.getByRole("listitem", { name: "Slide 3: Our product, in one picture" });
  await expect(third.getByRole("status")).toContainText("Saved. The picture was made from the slide as it was before");
  await expect(third.getByText("One style for every slide, rendered in batches.")).toBeVisible();
  await third.getByRole("button", { name: "Regenerate slide 3" }).click();
  await expect(third.getByRole("button", { name: "v2 ★" })).toBeVisible({ timeout: 30_000 });
  await expect(third.getByTestId("slide-prompt")).toHaveText("A single glowing slide projector in a dark room, beams of coloured light");
  await expect(page.getByTestId("deck-run-done")).toHaveText("1/1 slide done");
  await expect(cards.getByRole("button", { name: /^v2/ })).toHaveCount(1);
  await third.getByRole("button", { name: "v1", exact: true }).click();
  await expect(third.getByRole("img", { name: /version 1/ })).toBeVisible();
  await page.screenshot({ path: screenshotPath("deck-regenerated"), fullPage: true });
  await third.getByRole("button", { name: "Make current" }).click();
  await expect(third.getByRole("button", { name: "v1 ★" })).toBeVisible();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: screenshotPath("deck-phone"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 720 });

  // The PowerPoint is a zip with one slide part per slide.
  const downloadPromise = page.waitForEvent("download");
  await page.getByRole("link", { name: "PowerPoint (.pptx)" }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/\.pptx$/);
  const pptxPath = testInfo.outputPath("deck.pptx");
  await download.saveAs(pptxPath);
  const entries = readZip(fs.readFileSync(pptxPath));
  expect(entries.filter((entry) => /^ppt\/slides\/slide\d+\.xml$/.test(entry.name))).toHaveLength(8);
  expect(entries.filter((entry) => entry.name.startsWith("ppt/media/")).length).toBeGreaterThanOrEqual(8);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Decks" }).click();
  const item = page.getByTestId("deck-item").filter({ hasText: "Why we are here" });
  await expect(item).toContainText("8 slides");
  await expect(item.getByTestId("deck-status")).toHaveText("Ready");
  await expect(item.locator("img")).toHaveCount(1);
  await expect(item.getByRole("link")).toHaveAttribute("href", `/decks/${deckId}`);
  await page.screenshot({ path: screenshotPath("deck-list"), fullPage: true });
});

test("with one run at a time, a second deck shows its place in line and starts when the first ends", async ({ page, context, request }) => {
  test.setTimeout(150_000);
  await signedInAsNewUser(page, "Noor");

  // A key for the batch API, shown once, reads both decks' runs at the end.
  await page.getByRole("link", { name: "Team settings" }).click();
  await page.getByLabel("Key name").fill("Queue check");
  await page.getByRole("button", { name: "Create key" }).click();
  const secret = await page.getByLabel("New API key").inputValue();
  expect(secret).toMatch(/^sfk_/);
  await page.getByText("Use the batch API").click();
  await expect(page.getByTestId("batch-api-example")).toContainText("/api/v1/decks");
  await page.screenshot({ path: screenshotPath("team-api-keys"), fullPage: true });
  await page.getByRole("button", { name: "I have copied it" }).click();
  await expect(page.getByLabel("New API key")).toHaveCount(0);
  await expect(page.getByRole("list", { name: "API keys" })).toContainText(secret.slice(0, 12));

  // The first deck renders one slide at a time, so it holds the only slot for a while.
  const first = await createDeckFromOutline(page, {
    outline: markdownOutline(launchSlides),
    slideCount: 8,
    workers: 1,
  });
  await expect(page.getByTestId("deck-run-status")).toHaveText("Rendering slides");

  // The second deck, written slide by slide, waits: first in line.
  await page.goto("/decks/new");
  await page.getByLabel("Deck title").fill("Second in the queue");
  const rows = page.getByTestId("slide-row");
  await rows.nth(0).getByLabel("Title").fill("Later");
  await rows.nth(1).getByLabel("Title").fill("First");
  await rows.nth(1).getByLabel("Image prompt (optional)").fill("A sunrise over a quiet harbour");
  await page.getByRole("button", { name: "Remove slide 3" }).click();
  await page.getByRole("button", { name: "Move slide 2 up" }).click();
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0).getByLabel("Title")).toHaveValue("First");
  await page.getByRole("radio", { name: "9:16" }).check();
  await page.screenshot({ path: screenshotPath("deck-new-form"), fullPage: true });
  await page.getByRole("button", { name: "Create deck and render 2 slides" }).click();
  await expect(page.getByRole("heading", { name: "Second in the queue" })).toBeVisible();
  await expect(page.getByTestId("queue-position")).toHaveText("1st in line — next to start");
  await expect(page.getByTestId("deck-run-status")).toHaveText("Waiting in line");
  await expect(page.getByTestId("slide-state").first()).toHaveText("Queued");
  await page.screenshot({ path: screenshotPath("deck-in-line"), fullPage: true });
  const second = page.url().split("/decks/")[1]!;

  // Operators see one deck generating and one waiting.
  const operations = await context.newPage();
  await operations.goto("/operations");
  await expect(operations.getByRole("heading", { name: "Generation load" })).toBeVisible();
  const counts = operations.getByTestId("active-count");
  await expect(counts).toContainText("Decks generating1");
  await expect(counts).toContainText("Decks waiting1");
  await operations.getByLabel("Slides").first().fill("30");
  await operations.getByLabel("Max workers").fill("500");
  await operations.getByRole("button", { name: "Validate" }).click();
  await expect(operations.getByTestId("validate-answer")).toContainText("clamped");
  await expect(operations.getByTestId("validate-answer")).toContainText("in line");
  await operations.getByRole("button", { name: "Compute" }).click();
  await expect(operations.getByTestId("optimal-answer")).toContainText("workers for 20 slides");
  await operations.screenshot({ path: screenshotPath("operations"), fullPage: true });
  await operations.close();

  // The second deck starts by itself, live, when the first has ended.
  await expect(page.getByTestId("deck-run-status")).toHaveText(/Rendering slides|Done/, { timeout: 60_000 });
  await expect(page.getByTestId("queue-position")).toHaveCount(0);
  await expect(page.getByTestId("deck-run-status")).toHaveText("Done", { timeout: 30_000 });
  await expect(page.getByTestId("slide-card").locator("img")).toHaveCount(2);
  await page.screenshot({ path: screenshotPath("deck-second-done"), fullPage: true });

  const runOf = async (deckId: string) => {
    const response = await request.get(`/api/v1/decks/${deckId}`, { headers: { authorization: `Bearer ${secret}` } });
    expect(response.status()).toBe(200);
    return ((await response.json()) as { status: string; run: { started_at: string; ended_at: string } }).run;
  };
  const [firstRun, secondRun] = [await runOf(first), await runOf(second)];
  expect(Date.parse(secondRun.started_at)).toBeGreaterThanOrEqual(Date.parse(firstRun.ended_at));

  // Deleting the deck asks first; a revoked key stops working at once.
  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(page).toHaveURL(/\/decks$/);
  await expect(page.getByTestId("deck-item")).toHaveCount(1);
  await page.getByRole("link", { name: "Team settings" }).click();
  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: "Revoke Queue check" }).click();
  await expect(page.getByRole("list", { name: "API keys" })).toContainText("Revoked");
  const refused = await request.get(`/api/v1/decks/${first}`, { headers: { authorization: `Bearer ${secret}` } });
  expect(refused.status()).toBe(401);
});

test("a deck cancelled halfway keeps its finished slides and resumes only the cancelled ones; slides are added, moved and removed", async ({ page }) => {
  test.setTimeout(90_000);
  await signedInAsNewUser(page, "Tomas");
  await createDeckFromOutline(page, { outline: markdownOutline(launchSlides.slice(0, 6)), slideCount: 6, workers: 1 });
  const cards = page.getByTestId("slide-card");
  await expect(cards.locator("img").first()).toBeVisible({ timeout: 30_000 });
  await page.getByRole("button", { name: "Cancel", exact: true }).click();
  await expect(page.getByTestId("deck-run-status")).toHaveText("Cancelled");
  const kept = await cards.locator("img").count();
  expect(kept).toBeGreaterThanOrEqual(1);
  expect(kept).toBeLessThan(6);
  await expect(cards.getByTestId("slide-state").filter({ hasText: "Cancelled" })).toHaveCount(6 - kept);
  await page.screenshot({ path: screenshotPath("deck-cancelled"), fullPage: true });

  await page.getByRole("button", { name: `Resume cancelled slides (${6 - kept})` }).click();
  await expect(page.getByTestId("deck-run-status")).toHaveText("Done", { timeout: 60_000 });
  await expect(cards.locator("img")).toHaveCount(6);
  await expect(cards.getByRole("button", { name: /^v2/ })).toHaveCount(0);

  // Slides are added, moved and removed after the deck was made; a new slide renders when asked.
  await page.getByRole("button", { name: "Add a slide" }).click();
  const added = page.getByRole("form", { name: "New slide" });
  await added.getByLabel("Title").fill("Questions");
  await added.getByLabel("Text", { exact: true }).fill("Ask us anything.");
  await added.getByRole("button", { name: "Add slide" }).click();
  await expect(cards).toHaveCount(7);
  await expect(cards.nth(6)).toHaveAccessibleName("Slide 7: Questions");
  await expect(cards.nth(6).getByTestId("slide-state")).toHaveText("Not rendered");
  await page.getByRole("button", { name: "Move slide 7 earlier" }).click();
  await expect(cards.nth(5)).toHaveAccessibleName("Slide 6: Questions");
  await page.getByRole("button", { name: "Render 1 missing slide" }).click();
  await expect(page.getByTestId("deck-run-status")).toHaveText("Done", { timeout: 30_000 });
  await expect(cards.locator("img")).toHaveCount(7);
  page.once("dialog", (dialog) => void dialog.accept());
  await cards.nth(5).getByRole("button", { name: "Remove" }).click();
  await expect(cards).toHaveCount(6);
  await expect(page.getByRole("listitem", { name: /Questions/ })).toHaveCount(0);
  await page.screenshot({ path: screenshotPath("deck-arranged"), fullPage: true });
});
