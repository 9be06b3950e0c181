// The app as its route files see it, inside the test process: the process environment points at a
// migrated database and a data directory of the test's own, so `env()`, `db()`, `auth()` and the
// services in app-services.ts (which read it on first use) serve the test. Route handlers are
// called as Next.js calls them: a Request, and their params as a promise. Call `useAppEnvironment`
// before anything reads the environment (the first request does), once per test file.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Database } from "@/server/db";
import type { Engine } from "@/server/generation/engine";
import { applyMigrations } from "./database";

export const APP_ORIGIN = "http://127.0.0.1:3000";

export interface AppEnvironment {
  directory: string;
  databaseUrl: string;
  cleanup(): Promise<void>;
}

export function useAppEnvironment(settings: Record<string, string> = {}): AppEnvironment {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "storyforge-app-"));
  const file = path.join(directory, "storyforge.db");
  applyMigrations(file);
  const databaseUrl = `file:${file}`;
  Object.assign(process.env, {
    DATABASE_URL: databaseUrl,
    DATA_DIR: directory,
    BETTER_AUTH_SECRET: crypto.randomBytes(32).toString("hex"),
    BETTER_AUTH_URL: APP_ORIGIN,
    GENERATION_PROVIDER: "offline",
    RETRY_MAX_ATTEMPTS: "2",
    ...settings,
  });
  return {
    directory,
    databaseUrl,
    async cleanup() {
      // Only what a test made: app-services.ts and db.ts keep their instances on globalThis.
      const made = globalThis as unknown as { storyforgeEngine?: Engine; storyforgeDatabase?: Database };
      await made.storyforgeEngine?.shutdown();
      await made.storyforgeDatabase?.$disconnect();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

type RouteHandler = (request: Request, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;
export type RouteModule = Partial<Record<"GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS", RouteHandler>>;

const apiDirectory = path.resolve(import.meta.dirname, "../../src/app/api");

/** Every route file under src/app/api, as its URL pattern ("/api/images/[imageId]") and file. */
export function routeFiles(): Array<{ pattern: string; file: string }> {
  const found: Array<{ pattern: string; file: string }> = [];
  const walk = (directory: string) => {
    for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/^route\.(ts|tsx|js|mjs)$/.test(entry.name)) {
        const relative = path.relative(apiDirectory, directory).split(path.sep).join("/");
        found.push({ pattern: `/api${relative ? `/${relative}` : ""}`, file: full });
      }
    }
  };
  walk(apiDirectory);
  return found.sort((a, b) => a.pattern.localeCompare(b.pattern));
}

export async function loadRoute(pattern: string): Promise<RouteModule> {
  const route = routeFiles().find((candidate) => candidate.pattern === pattern);
  if (!route) throw new Error(`No route file for ${pattern}`);
  return (await import(route.file)) as RouteModule;
}

/** The HTTP methods a route file exports. */
export function exportedMethods(module: RouteModule): string[] {
  return ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"].filter((method) => typeof module[method as keyof RouteModule] === "function");
}

export interface CallOptions {
  method?: string;
  headers?: Record<string, string>;
  cookie?: string | null;
  body?: BodyInit | null;
  json?: unknown;
  /** The URL's path with any query, e.g. "/api/images/x?variant=thumbnail"; the pattern's by default. */
  url?: string;
  /** "half" for a streamed body (Node's fetch needs it). */
  duplex?: "half";
}

/** Calls a route file's handler as Next.js would, with `params` filled from the URL pattern. */
export async function callRoute(pattern: string, params: Record<string, string | string[]>, options: CallOptions = {}): Promise<Response> {
  const module = await loadRoute(pattern);
  const method = options.method ?? "GET";
  const handler = module[method as keyof RouteModule];
  if (!handler) throw new Error(`${pattern} exports no ${method}`);
  const headers = new Headers(options.headers);
  if (options.cookie) headers.set("cookie", options.cookie);
  let body = options.body ?? null;
  if (options.json !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(options.json);
  }
  const url = options.url ?? fillPattern(pattern, params);
  const init = { method, headers, body, ...(options.duplex ? { duplex: options.duplex } : {}) } as RequestInit;
  return handler(new Request(`${APP_ORIGIN}${url}`, init), { params: Promise.resolve(params) });
}

/** "/api/images/[imageId]" with { imageId: "x" } → "/api/images/x"; catch-alls join their parts. */
export function fillPattern(pattern: string, params: Record<string, string | string[]>): string {
  return pattern.replace(/\[(?:\.\.\.)?([^\]]+)\]/g, (_match, name: string) => {
    const value = params[name];
    return Array.isArray(value) ? value.map(encodeURIComponent).join("/") : encodeURIComponent(value ?? "");
  });
}

export interface AppAccount {
  id: string;
  name: string;
  email: string;
  password: string;
  cookie: string;
  teamId: string;
}

/** Signs up through the auth route (as a browser would) and keeps the session cookie. */
export async function signUpThroughRoute(name: string, address = "198.51.100.1"): Promise<AppAccount> {
  const email = `${name.toLowerCase().replace(/[^a-z]+/g, "-")}-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const password = "correct horse battery";
  const response = await callRoute("/api/auth/[...all]", { all: ["sign-up", "email"] }, {
    method: "POST",
    json: { name, email, password },
    headers: { origin: APP_ORIGIN, "x-forwarded-for": address },
  });
  if (!response.ok) throw new Error(`Sign-up of ${name} failed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { user: { id: string } };
  const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0]!;
  const { db } = await import("@/server/db");
  const membership = await db().member.findFirstOrThrow({ where: { userId: body.user.id } });
  return { id: body.user.id, name, email, password, cookie, teamId: membership.organizationId };
}
