import { expect, test } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { readZip } from "../helpers/zip";
import { screenshotPath, signedInAsNewUser } from "./helpers";

const story = fs.readFileSync(path.join(import.meta.dirname, "../fixtures/stories/lighthouse-keeper.txt"), "utf8");

test("a story becomes a live storyboard; a scene is edited, regenerated, versioned and exported", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  await signedInAsNewUser(page, "Mira");
  await page.getByRole("link", { name: "New story project" }).click();

  await page.getByLabel("Title", { exact: true }).fill("The Lighthouse Keeper");
  await page.getByLabel("Story", { exact: true }).fill(story);
  await page.getByLabel("Number of scenes").fill("4");
  await page.getByLabel("Workers").fill("2");
  await page.screenshot({ path: screenshotPath("story-new-project"), fullPage: true });
  await page.getByRole("button", { name: "Create storyboard" }).click();

  await expect(page.getByRole("heading", { name: "The Lighthouse Keeper" })).toBeVisible();
  await expect(page.getByText(/· 2 workers ·/)).toBeVisible();
  const cards = page.getByTestId("scene-card");
  await expect(cards).toHaveCount(4, { timeout: 30_000 });

  // The first pictures appear while others are still rendering.
  await expect(cards.locator("img").first()).toBeVisible({ timeout: 30_000 });
  const doneWhileRunning = await page.getByTestId("run-done").textContent();
  expect(doneWhileRunning).toMatch(/^[0-3]\/4 images done$/);
  await expect(page.getByTestId("run-status")).toHaveText("Rendering images");
  await page.screenshot({ path: screenshotPath("story-rendering"), fullPage: true });

  // A reload mid-run picks up where it was: the event stream replays, then follows live.
  await page.reload();
  await expect(cards.locator("img").first()).toBeVisible();

  await expect(page.getByTestId("run-status")).toHaveText("Done", { timeout: 60_000 });
  await expect(page.getByTestId("run-done")).toHaveText("4/4 images done");
  await expect(cards.locator("img")).toHaveCount(4);
  await expect(page.getByTestId("run-metrics")).toContainText("Speed-up over serial");
  await page.screenshot({ path: screenshotPath("story-done"), fullPage: true });

  // Edit the first scene's prompt and regenerate that scene alone.
  const first = cards.first();
  await first.getByRole("button", { name: "Edit prompt" }).click();
  await first.getByRole("textbox", { name: "Prompt", exact: true }).fill("A lone lighthouse on black rocks under a storm, one lit window, gulls in the wind");
  await first.getByRole("button", { name: "Save prompt" }).click();
  await expect(first.getByTestId("scene-prompt")).toHaveText("A lone lighthouse on black rocks under a storm, one lit window, gulls in the wind");
  await first.getByRole("button", { name: "Regenerate" }).click();
  await expect(first.getByRole("button", { name: "v2 ★" })).toBeVisible({ timeout: 30_000 });
  await expect(cards.nth(1).getByRole("button", { name: /^v2/ })).toHaveCount(0);

  // Version 1 stays viewable and can be made current again.
  await first.getByRole("button", { name: "v1" }).click();
  await expect(first.getByRole("img", { name: /version 1/ })).toBeVisible();
  await first.getByRole("button", { name: "Make current" }).click();
  await expect(first.getByRole("button", { name: "v1 ★" })).toBeVisible();
  await first.getByText("Parameters of v1").click();
  await expect(first.getByText("Seed")).toBeVisible();
  await page.screenshot({ path: screenshotPath("story-versions"), fullPage: true });

  // The export holds one image per scene and a manifest describing them.
  const downloadPromise = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export zip" }).click();
  const download = await downloadPromise;
  const zipPath = testInfo.outputPath("export.zip");
  await download.saveAs(zipPath);
  const entries = readZip(fs.readFileSync(zipPath));
  const pngs = entries.filter((entry) => entry.name.endsWith(".png"));
  expect(pngs).toHaveLength(4);
  for (const png of pngs) expect((await sharp(png.data).metadata()).format).toBe("png");
  const manifest = JSON.parse(entries.find((entry) => entry.name === "manifest.json")!.data.toString("utf8"));
  expect(manifest.project.title).toBe("The Lighthouse Keeper");
  expect(manifest.scenes).toHaveLength(4);
  expect(manifest.scenes[0].image.version).toBe(1);
  for (const scene of manifest.scenes) {
    expect(pngs.map((png) => png.name)).toContain(scene.image.file);
    expect(scene.image.parameters).toMatchObject({ provider: "openai", size: expect.any(String), prompt: expect.any(String) });
  }

  // The dashboard lists the project with its cover; deleting asks first.
  await page.getByRole("link", { name: "Dashboard" }).click();
  const list = page.getByRole("list", { name: "Story projects" });
  await expect(list).toContainText("The Lighthouse Keeper");
  await expect(list.locator("img")).toHaveCount(1);
  await page.screenshot({ path: screenshotPath("dashboard-with-project"), fullPage: true });
  page.once("dialog", (dialog) => dialog.accept());
  await list.getByRole("button", { name: "Delete The Lighthouse Keeper" }).click();
  await expect(page.getByText("No story projects in this team yet.")).toBeVisible();
});
