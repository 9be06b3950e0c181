// Shared steps for end-to-end tests: unique accounts and signing a page in as one.
import { expect, type Browser, type BrowserContext, type Page } from "@playwright/test";
import crypto from "node:crypto";
import path from "node:path";

export interface E2eUser {
  name: string;
  email: string;
  password: string;
}

export function newUser(name: string): E2eUser {
  return { name, email: `${name.toLowerCase()}-${crypto.randomUUID().slice(0, 8)}@example.com`, password: "paper lanterns 42" };
}

export async function signUp(page: Page, user: E2eUser, from = "/sign-up") {
  await page.goto(from);
  await page.getByLabel("Name").fill(user.name);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
}

export async function signIn(page: Page, user: E2eUser) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-user")).toHaveText(user.name);
}

/** Signs up a fresh account and lands on its dashboard. */
export async function signedInAsNewUser(page: Page, name: string): Promise<E2eUser> {
  const user = newUser(name);
  await signUp(page, user);
  await expect(page.getByTestId("signed-in-user")).toHaveText(user.name);
  return user;
}

export function screenshotPath(name: string) {
  return path.join("test-results", "screenshots", `${name}.png`);
}

/** A markdown outline with one `#` heading per slide, text under each. */
export function markdownOutline(slides: ReadonlyArray<{ title: string; text?: string; prompt?: string }>): string {
  return slides
    .map((slide) => [`# ${slide.title}`, slide.text ?? "", slide.prompt ? `Prompt: ${slide.prompt}` : ""].filter(Boolean).join("\n"))
    .join("\n\n");
}

/**
 * Creates a deck from a pasted outline on /decks/new, waits for the server's preview to count
 * `slideCount` slides, submits, and lands on the deck's page.
 */
export async function createDeckFromOutline(
  page: Page,
  options: { outline: string; slideCount: number; aspectRatio?: "16:9" | "4:3" | "1:1" | "9:16"; workers?: number; screenshot?: string },
) {
  await page.goto("/decks/new");
  await page.getByRole("tab", { name: "Paste an outline or markdown" }).click();
  await page.getByLabel("Outline or markdown").fill(options.outline);
  await expect(page.getByTestId("outline-slide-count")).toHaveText(`${options.slideCount} slides`);
  await page.getByRole("radio", { name: options.aspectRatio ?? "16:9" }).check();
  if (options.workers !== undefined) await page.getByLabel("Workers").fill(String(options.workers));
  if (options.screenshot) await page.screenshot({ path: screenshotPath(options.screenshot), fullPage: true });
  await page.getByRole("button", { name: `Create deck and render ${options.slideCount} slides` }).click();
  await expect(page.getByText("Slide deck", { exact: true })).toBeVisible();
  await expect(page.getByTestId("slide-card")).toHaveCount(options.slideCount);
  return page.url().split("/decks/")[1]!;
}

/** Creates a team from the team settings page; it becomes the active team. */
export async function createTeam(page: Page, name: string) {
  await page.getByRole("link", { name: "Team settings" }).click();
  await page.getByLabel("Team name").fill(name);
  await page.getByRole("button", { name: "Create team" }).click();
  await expect(page.getByTestId("team-name")).toHaveText(name);
}

/**
 * Invites a new teammate to the active team (the page is on its team settings) and has them sign
 * up and accept in a browser context of their own, which the caller closes.
 */
export async function inviteTeammate(page: Page, browser: Browser, teamName: string, name: string): Promise<{ context: BrowserContext; page: Page; user: E2eUser }> {
  const user = newUser(name);
  await page.getByRole("link", { name: "Team settings" }).click();
  await page.getByRole("form", { name: "Invite a teammate" }).getByLabel("Email").fill(user.email);
  await page.getByRole("button", { name: "Create invitation" }).click();
  const link = page.getByLabel(`Invitation link for ${user.email}`);
  await expect(link).toHaveValue(/\/invite\/.+/);
  const invitationUrl = await link.inputValue();

  const context = await browser.newContext();
  const other = await context.newPage();
  await other.goto(invitationUrl);
  await other.getByRole("link", { name: `Create an account as ${user.email}` }).click();
  await expect(other.getByLabel("Email")).toHaveValue(user.email);
  await other.getByLabel("Name").fill(user.name);
  await other.getByLabel("Password").fill(user.password);
  await other.getByRole("button", { name: "Create account" }).click();
  await other.getByRole("button", { name: `Accept and join ${teamName}` }).click();
  await expect(other.getByTestId("team-name")).toHaveText(teamName);
  return { context, page: other, user };
}
