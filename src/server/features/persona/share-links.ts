// Read-only share links to one persona. The token is 256 random bits, shown once when the link is
// made; only its SHA-256 is stored, so the database alone cannot open a link. A revoked or expired
// link, or one whose persona is gone, answers exactly like a token that never existed.
import crypto from "node:crypto";
import type { Database } from "@/server/db";
import { notFound } from "@/server/errors";
import type { Engine } from "@/server/generation/engine";
import { currentAvatar } from "./avatar";
import { findEditablePersona, findPersona } from "./persona-access";
import { sharedPersonaView } from "./persona-view";

const TOKEN_BYTES = 32;
const DAY_MS = 24 * 60 * 60 * 1000;

export const hashToken = (token: string) => crypto.createHash("sha256").update(token, "utf8").digest("hex");

export type ShareLinkStatus = "active" | "expired" | "revoked";

interface ShareLinkRow {
  id: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

function linkView(link: ShareLinkRow, now: Date) {
  const status: ShareLinkStatus = link.revokedAt ? "revoked" : link.expiresAt && link.expiresAt <= now ? "expired" : "active";
  return { id: link.id, createdAt: link.createdAt, expiresAt: link.expiresAt, revokedAt: link.revokedAt, status };
}

export async function createShareLink(db: Database, userId: string, input: { personaId: string; expiresInDays?: number }, now = new Date()) {
  const persona = await findEditablePersona(db, userId, input.personaId);
  const token = crypto.randomBytes(TOKEN_BYTES).toString("base64url");
  const link = await db.personaShareLink.create({
    data: {
      id: crypto.randomUUID(),
      personaId: persona.id,
      tokenHash: hashToken(token),
      createdById: userId,
      expiresAt: input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * DAY_MS) : null,
    },
  });
  // The only time the token exists outside the browser that asked for it.
  return { ...linkView(link, now), token };
}

export async function listShareLinks(db: Database, userId: string, personaId: string, now = new Date()) {
  const { persona } = await findPersona(db, userId, personaId);
  const links = await db.personaShareLink.findMany({ where: { personaId: persona.id }, orderBy: { createdAt: "desc" } });
  return links.map((link) => linkView(link, now));
}

export async function revokeShareLink(db: Database, userId: string, input: { personaId: string; linkId: string }, now = new Date()) {
  const persona = await findEditablePersona(db, userId, input.personaId);
  const link = await db.personaShareLink.findFirst({ where: { id: input.linkId, personaId: persona.id } });
  if (!link) throw notFound("Share link");
  const revoked = link.revokedAt ? link : await db.personaShareLink.update({ where: { id: link.id }, data: { revokedAt: now } });
  return linkView(revoked, now);
}

/** The persona behind a working token; NOT_FOUND for anything else. */
export async function personaForToken(db: Database, token: string, now = new Date()) {
  const link = await db.personaShareLink.findUnique({ where: { tokenHash: hashToken(token) }, include: { persona: true } });
  if (!link || link.revokedAt || (link.expiresAt && link.expiresAt <= now)) throw notFound("Persona");
  return link.persona;
}

export async function readSharedPersona(db: Database, engine: Engine, token: string, now = new Date()) {
  return sharedPersonaView(db, engine, await personaForToken(db, token, now));
}

/** The avatar behind a working token, for the share page's picture route. */
export async function sharedAvatar(db: Database, token: string, now = new Date()) {
  const persona = await personaForToken(db, token, now);
  const avatar = await currentAvatar(db, persona.id);
  if (!avatar) throw notFound("Avatar");
  return avatar;
}
