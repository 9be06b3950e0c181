// Team API keys for the batch API. A key is `sfk_` + 32 random bytes (base64url); only its SHA-256
// hash is stored, so the secret is shown once, at creation. A fast hash is enough: the secret has
// 256 bits of entropy, so there is nothing to guess, and a lookup by hash compares no secrets.
// Team owners and admins create, list and revoke keys; a revoked key stays listed, and never works again.
import crypto from "node:crypto";
import { z } from "zod";
import type { Database } from "@/server/db";
import { AppError, notFound } from "@/server/errors";
import type { TeamRole } from "@/server/features/teams/membership";

export const API_KEY_PREFIX = "sfk_";
/** Characters of a key kept in clear to tell keys apart in lists: "sfk_" and 8 more. */
const DISPLAY_PREFIX_LENGTH = 12;
export const MAX_ACTIVE_KEYS_PER_TEAM = 50;
/** lastUsedAt is written at most this often per key, not on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

export const apiKeyName = z.string().trim().min(1, "Name the key").max(100, "A key name has at most 100 characters");

export interface TeamApiKeyView {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  createdBy: { id: string; name: string } | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Who the batch API acts for: the key's team (and the member who created the key, as decks' owner). */
export interface ApiKeyPrincipal {
  keyId: string;
  teamId: string;
  createdById: string;
}

const hashOf = (key: string) => crypto.createHash("sha256").update(key, "utf8").digest("hex");

function assertManager(team: { role: TeamRole }): void {
  if (team.role !== "owner" && team.role !== "admin") {
    throw new AppError("FORBIDDEN", "Only team owners and admins manage API keys");
  }
}

export async function createApiKey(
  db: Database,
  team: { id: string; role: TeamRole },
  userId: string,
  name: string,
): Promise<TeamApiKeyView & { key: string }> {
  assertManager(team);
  const active = await db.teamApiKey.count({ where: { teamId: team.id, revokedAt: null } });
  if (active >= MAX_ACTIVE_KEYS_PER_TEAM) {
    throw new AppError("BAD_REQUEST", `A team has at most ${MAX_ACTIVE_KEYS_PER_TEAM} active API keys; revoke one first`);
  }
  const key = `${API_KEY_PREFIX}${crypto.randomBytes(32).toString("base64url")}`;
  const created = await db.teamApiKey.create({
    data: { id: crypto.randomUUID(), teamId: team.id, name, prefix: key.slice(0, DISPLAY_PREFIX_LENGTH), hash: hashOf(key), createdById: userId },
  });
  const user = await db.user.findUnique({ where: { id: userId }, select: { id: true, name: true } });
  return { ...toView(created, user), key };
}

export async function listApiKeys(db: Database, team: { id: string; role: TeamRole }): Promise<TeamApiKeyView[]> {
  assertManager(team);
  const keys = await db.teamApiKey.findMany({ where: { teamId: team.id }, orderBy: { createdAt: "desc" } });
  const users = await db.user.findMany({ where: { id: { in: [...new Set(keys.map((key) => key.createdById))] } }, select: { id: true, name: true } });
  const byId = new Map(users.map((user) => [user.id, user]));
  return keys.map((key) => toView(key, byId.get(key.createdById) ?? null));
}

/** Revokes the team's key (again: no change). Another team's key answers like a missing one. */
export async function revokeApiKey(db: Database, team: { id: string; role: TeamRole }, keyId: string): Promise<void> {
  assertManager(team);
  const key = await db.teamApiKey.findUnique({ where: { id: keyId } });
  if (!key || key.teamId !== team.id) throw notFound("API key");
  if (!key.revokedAt) await db.teamApiKey.update({ where: { id: keyId }, data: { revokedAt: new Date() } });
}

/** The bearer token of an Authorization header, or null. */
export function bearerToken(authorization: string | null): string | null {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? "");
  return match ? match[1]! : null;
}

/** The team a batch API request acts for; UNAUTHORIZED for a missing, unknown or revoked key. */
export async function authenticateApiKey(db: Database, authorization: string | null): Promise<ApiKeyPrincipal> {
  const token = bearerToken(authorization);
  if (!token) throw new AppError("UNAUTHORIZED", "Send a team API key as `Authorization: Bearer <key>`");
  const key = token.startsWith(API_KEY_PREFIX) ? await db.teamApiKey.findUnique({ where: { hash: hashOf(token) } }) : null;
  if (!key || key.revokedAt) throw new AppError("UNAUTHORIZED", "This API key is not valid, or it has been revoked");
  const now = Date.now();
  if (!key.lastUsedAt || now - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db.teamApiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date(now) } });
  }
  return { keyId: key.id, teamId: key.teamId, createdById: key.createdById };
}

function toView(
  key: { id: string; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null },
  creator: { id: string; name: string } | null,
): TeamApiKeyView {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    createdAt: key.createdAt,
    createdBy: creator,
    lastUsedAt: key.lastUsedAt,
    revokedAt: key.revokedAt,
  };
}
