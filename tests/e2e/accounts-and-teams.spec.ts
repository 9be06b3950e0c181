import { expect, test } from "@playwright/test";
import { newUser, screenshotPath, signIn, signUp } from "./helpers";

test("landing page says what the app does", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Turn writing into pictures." })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Story projects" })).toBeVisible();
  await page.screenshot({ path: screenshotPath("landing"), fullPage: true });
});

test("sign up, sign out, a wrong password, sign in", async ({ page }) => {
  const alice = newUser("Alice");
  await signUp(page, alice);
  await expect(page.getByTestId("team-name")).toHaveText("Alice's team");
  await page.screenshot({ path: screenshotPath("dashboard"), fullPage: true });

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Turn writing into pictures." })).toBeVisible();

  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(alice.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Wrong email or password." })).toBeVisible();
  await page.screenshot({ path: screenshotPath("sign-in-error") });

  await signIn(page, alice);
  await expect(page.getByTestId("team-name")).toHaveText("Alice's team");
});

test("a taken email and a short password are reported next to their fields", async ({ page }) => {
  const carol = newUser("Carol");
  await signUp(page, carol);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("link", { name: "Create account" })).toBeVisible();

  await page.goto("/sign-up");
  await page.getByLabel("Name").fill("Carol Again");
  await page.getByLabel("Email").fill(carol.email);
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Use at least 8 characters.")).toBeVisible();

  await page.getByLabel("Password").fill(carol.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("An account with this email already exists. Sign in instead.")).toBeVisible();
  await page.screenshot({ path: screenshotPath("sign-up-errors") });
});

test("create a team, invite a teammate who accepts in another browser", async ({ page, browser }) => {
  const owner = newUser("Olivia");
  await signUp(page, owner);
  await expect(page.getByTestId("team-name")).toHaveText("Olivia's team");

  await page.getByRole("link", { name: "Team settings" }).click();
  await page.getByLabel("Team name").fill("Moonlight Press");
  await page.getByRole("button", { name: "Create team" }).click();
  await expect(page.getByTestId("team-name")).toHaveText("Moonlight Press");
  await expect(page.getByLabel("Active team")).toHaveValue(/.+/);

  const teammate = newUser("Theo");
  await page.getByRole("form", { name: "Invite a teammate" }).getByLabel("Email").fill(teammate.email);
  await page.getByRole("button", { name: "Create invitation" }).click();
  const link = page.getByLabel(`Invitation link for ${teammate.email}`);
  await expect(link).toHaveValue(/\/invite\/.+/);
  const invitationUrl = await link.inputValue();
  await page.screenshot({ path: screenshotPath("team-settings-invitation"), fullPage: true });

  const otherContext = await browser.newContext();
  try {
    const other = await otherContext.newPage();
    await other.goto(invitationUrl);
    await expect(other.getByRole("heading", { name: "Join Moonlight Press" })).toBeVisible();
    await other.screenshot({ path: screenshotPath("invitation") });
    await other.getByRole("link", { name: `Create an account as ${teammate.email}` }).click();
    await expect(other.getByLabel("Email")).toHaveValue(teammate.email);
    await other.getByLabel("Name").fill(teammate.name);
    await other.getByLabel("Password").fill(teammate.password);
    await other.getByRole("button", { name: "Create account" }).click();

    await other.getByRole("button", { name: "Accept and join Moonlight Press" }).click();
    await expect(other.getByTestId("team-name")).toHaveText("Moonlight Press");
    await other.getByRole("link", { name: "Team settings" }).click();
    await expect(other.getByRole("list", { name: "Members" })).toContainText(owner.email);
    await expect(other.getByRole("list", { name: "Members" })).toContainText(teammate.email);
    await other.screenshot({ path: screenshotPath("teammate-team-settings"), fullPage: true });
  } finally {
    await otherContext.close();
  }

  await page.reload();
  await expect(page.getByRole("list", { name: "Members" })).toContainText(teammate.email);
  await expect(page.getByRole("list", { name: "Pending invitations" })).toHaveCount(0);
});
