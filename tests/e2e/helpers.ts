// Shared steps for end-to-end tests: unique accounts and signing a page in as one.
import { expect, type Page } from "@playwright/test";
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
