// Every user owns a personal team from the moment the account exists.
import crypto from "node:crypto";
import type { Database } from "@/server/db";

export async function createPersonalTeam(db: Database, user: { id: string; name: string }): Promise<string> {
  const id = crypto.randomUUID();
  await db.organization.create({
    data: {
      id,
      name: `${user.name}'s team`,
      slug: `personal-${user.id.toLowerCase()}`,
      createdAt: new Date(),
      metadata: JSON.stringify({ personal: true }),
      members: { create: { id: crypto.randomUUID(), userId: user.id, role: "owner", createdAt: new Date() } },
    },
  });
  return id;
}

export async function firstTeamId(db: Database, userId: string): Promise<string | null> {
  const membership = await db.member.findFirst({ where: { userId }, orderBy: { createdAt: "asc" } });
  return membership?.organizationId ?? null;
}

export function isPersonalTeam(metadata: string | null): boolean {
  if (!metadata) return false;
  try {
    return JSON.parse(metadata)?.personal === true;
  } catch {
    return false;
  }
}
