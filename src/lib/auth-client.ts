"use client";
// better-auth's browser client: sign-up, sign-in, sign-out and team changes.
import { organizationClient } from "better-auth/client/plugins";
import { createAuthClient } from "better-auth/react";

export const authClient = createAuthClient({ plugins: [organizationClient()] });

/** better-auth answers `{ error: { message } }`; turn it into the sentence shown to the user. */
export function authErrorMessage(error: { message?: string; status?: number } | null | undefined, fallback: string) {
  if (!error) return fallback;
  // The server's throttle says how long to wait ("Try again in 14 minutes."); better-auth's own does not.
  if (error.status === 429) return error.message && /try again in/i.test(error.message) ? error.message : "Too many attempts. Please wait a minute and try again.";
  return error.message || fallback;
}
