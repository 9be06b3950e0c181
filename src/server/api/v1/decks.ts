// The batch API's deck endpoints: create (202 + Location), status with per-slide results, a
// slide's image, and the exports. Each authenticates a team API key and reaches only that team's decks.
import { z } from "zod";
import { AppError } from "@/server/errors";
import { batchDeckStatus, createBatchDeck, teamSlideImageFile } from "@/server/features/slides/batch-decks";
import { createDeckRequest, deckAccepted, deckStatusBody } from "@/server/features/slides/batch-schemas";
import { findTeamDeck } from "@/server/features/slides/decks";
import { EXPORT_FORMATS } from "@/server/features/slides/exports/deck-export-data";
import { exportDeck } from "@/server/features/slides/exports/export-deck";
import { imageFileResponse } from "@/server/image-response";
import { requireTeamKey } from "./access";
import { answer, json, readJson, readQuery } from "./http";
import type { ApiServices } from "./services";

const originOf = (request: Request) => new URL(request.url).origin;

export function createDeckHandler(services: ApiServices, request: Request): Promise<Response> {
  return answer(async () => {
    const principal = await requireTeamKey(services, request);
    const body = await readJson(request, createDeckRequest);
    const accepted = await createBatchDeck(services, principal, body, originOf(request));
    return json(deckAccepted, accepted, { status: 202, headers: { location: accepted.status_url } });
  });
}

export function deckStatusHandler(services: ApiServices, request: Request, params: { deckId: string }): Promise<Response> {
  return answer(async () => {
    const principal = await requireTeamKey(services, request);
    return json(deckStatusBody, await batchDeckStatus(services, principal.teamId, params.deckId, originOf(request)));
  });
}

export const slideImageQuery = z.object({
  version: z.coerce.number().int("version must be a whole number").min(1, "version starts at 1").optional(),
  variant: z.enum(["original", "thumbnail"]).default("original"),
});

export function slideImageHandler(services: ApiServices, request: Request, params: { deckId: string; position: string }): Promise<Response> {
  return answer(async () => {
    const principal = await requireTeamKey(services, request);
    const query = readQuery(request, slideImageQuery);
    const file = await teamSlideImageFile(services, principal.teamId, {
      deckId: params.deckId,
      // Digits only: " 1", "0x1" or "1e0" name no slide, though Number() would read them as 1.
      position: /^\d{1,6}$/.test(params.position) ? Number(params.position) : Number.NaN,
      version: query.version ?? null,
      variant: query.variant,
    });
    // A version never changes; the current image (no version asked) may.
    return await imageFileResponse(services.images, file.file, file.contentType, query.version ? "private, max-age=31536000, immutable" : "private, no-cache");
  });
}

export const exportQuery = z.object({ format: z.enum(EXPORT_FORMATS).default("pptx") });

export function exportHandler(services: ApiServices, request: Request, params: { deckId: string }): Promise<Response> {
  return answer(async () => {
    const principal = await requireTeamKey(services, request);
    const format = new URL(request.url).searchParams.get("format") ?? "pptx";
    if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
      throw new AppError("BAD_REQUEST", `Unknown export format "${format}": use pptx, pdf or zip`, { field: "format" });
    }
    const deck = await findTeamDeck(services.db, principal.teamId, params.deckId);
    const file = await exportDeck(services, deck, exportQuery.parse({ format }).format);
    return new Response(file.body as BodyInit, {
      headers: { "content-type": file.contentType, "content-disposition": `attachment; filename="${file.fileName}"`, "cache-control": "no-store" },
    });
  });
}
