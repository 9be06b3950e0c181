// Stage 8: the avatar, rendered from the visual profile's prompt and stored as the shared Image
// asset (owner kind "persona"). Every render is a new version; the highest is the persona's avatar.
import crypto from "node:crypto";
import type { Database } from "@/server/db";
import { renderAndStoreImage } from "@/server/features/images/render-image";
import type { TaskContext } from "@/server/generation/types";
import type { DomainServices } from "../domain";
import type { Visual } from "./schemas";

/** Image.ownerKind of a persona's avatars. */
export const PERSONA_IMAGE_OWNER = "persona";

/** A seed per persona and version: the same version of an avatar always renders the same way. */
function seedFor(personaId: string, version: number): number {
  return crypto.createHash("sha256").update(`${personaId}:avatar:${version}`).digest().readUInt32BE(0) % 2_147_483_647;
}

export async function renderAvatar(services: DomainServices, personaId: string, context: TaskContext) {
  const { db } = services;
  const persona = await db.persona.findUniqueOrThrow({ where: { id: personaId } });
  const visual = await db.personaStage.findFirst({ where: { personaId, stage: "visual" }, orderBy: { version: "desc" } });
  if (!visual) throw new Error("The visual stage has no result yet: run it first");
  const { avatarPrompt, negativePrompt, style } = visual.data as Visual;
  const image = await renderAndStoreImage(services, {
    context,
    teamId: persona.teamId,
    owner: { kind: PERSONA_IMAGE_OWNER, id: personaId },
    request: (version) => ({
      prompt: avatarPrompt,
      negativePrompt: negativePrompt || undefined,
      size: "1024x1024",
      quality: "standard",
      style: style || undefined,
      seed: seedFor(personaId, version),
    }),
    writes: () => [db.persona.update({ where: { id: personaId }, data: { updatedAt: new Date() } })],
  });
  return { imageId: image.id, version: image.version };
}

/** The persona's current avatar (its highest version), if it has one. */
export async function currentAvatar(db: Database, personaId: string) {
  return db.image.findFirst({ where: { ownerKind: PERSONA_IMAGE_OWNER, ownerId: personaId }, orderBy: { version: "desc" } });
}
