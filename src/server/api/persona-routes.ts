// The persona route handlers' work, apart from the session: uploads (multipart), card import and
// export, uploaded pictures and shared avatars. Route files under src/app/api/personas read the
// session and call these; tests call them with a user id and a real Request.
import { AppError } from "@/server/errors";
import { buildCardFile, CARD_FORMATS, exportPersonaCard, importCard, type CardFile, type CardFormat } from "@/server/features/persona/cards/persona-cards";
import type { PersonaServices } from "@/server/features/persona/persona-runs";
import { personaForToken, sharedAvatar } from "@/server/features/persona/share-links";
import { findUpload, MAX_FILES_PER_UPLOAD, MAX_UPLOAD_BYTES, storeUploads, type UploadFile } from "@/server/features/persona/uploads";
import { resolveTeamMembership } from "@/server/features/teams/membership";
import { errorResponse } from "@/server/http";
import { imageFileResponse } from "@/server/image-response";
import { readBodyLimited } from "@/server/security/body-limits";

export interface RouteSession {
  userId: string;
  activeTeamId: string | null;
}

/** Room for the form's boundaries and fields around the largest allowed files. */
const MAX_FORM_BYTES = MAX_FILES_PER_UPLOAD * MAX_UPLOAD_BYTES + 1024 * 1024;

/** The files of a multipart form (field `files`, or `file`), refusing bodies over the limit first. */
async function formFiles(request: Request, maxBytes: number): Promise<{ form: FormData; files: UploadFile[] }> {
  const tooLarge = new AppError("PAYLOAD_TOO_LARGE", `The upload is too large: at most ${Math.floor(maxBytes / 1024 / 1024)} MB at a time`);
  const length = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(length) && length > maxBytes) throw tooLarge;
  if (!(request.headers.get("content-type") ?? "").toLowerCase().startsWith("multipart/form-data")) {
    throw new AppError("BAD_REQUEST", "Send the files as multipart/form-data");
  }
  let form: FormData;
  // A body sent in chunks declares no length: stop reading at the limit.
  const body = await readBodyLimited(request, maxBytes).catch(() => {
    throw tooLarge;
  });
  try {
    form = await new Response(body, { headers: { "content-type": request.headers.get("content-type")! } }).formData();
  } catch {
    throw new AppError("BAD_REQUEST", "The form data could not be read");
  }
  const entries = [...form.getAll("files"), ...form.getAll("file")].filter((entry): entry is File => typeof entry !== "string");
  const files = await Promise.all(entries.map(async (file) => ({ name: file.name || "file", bytes: Buffer.from(await file.arrayBuffer()) })));
  return { form, files };
}

async function teamOf(services: PersonaServices, session: RouteSession, form: FormData) {
  const requested = form.get("teamId");
  return resolveTeamMembership(services.db, session.userId, typeof requested === "string" && requested ? requested : session.activeTeamId);
}

/** POST /api/personas/uploads: pictures to make personas from; one result per file. */
export async function handleUpload(services: PersonaServices, session: RouteSession, request: Request): Promise<Response> {
  try {
    const { form, files } = await formFiles(request, MAX_FORM_BYTES);
    const team = await teamOf(services, session, form);
    const results = await storeUploads(services, { userId: session.userId, teamId: team.id }, files);
    const stored = results.filter((result) => result.ok);
    const refused = results.find((result) => !result.ok);
    return Response.json(
      { files: results, ...(stored.length ? {} : { error: refused && !refused.ok ? refused.error : "Nothing was uploaded" }) },
      { status: stored.length ? 200 : 400 },
    );
  } catch (error) {
    return errorResponse(error);
  }
}

/** POST /api/personas/import: one character card file (PNG or JSON) becomes a persona. */
export async function handleCardImport(services: PersonaServices, session: RouteSession, request: Request): Promise<Response> {
  try {
    const { form, files } = await formFiles(request, MAX_UPLOAD_BYTES + 1024 * 1024);
    if (files.length !== 1) throw new AppError("BAD_REQUEST", "Send exactly one character card file");
    if (files[0]!.bytes.length > MAX_UPLOAD_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", "The card is too large: at most 10 MB");
    const team = await teamOf(services, session, form);
    return Response.json(await importCard(services, { userId: session.userId, teamId: team.id }, files[0]!.bytes));
  } catch (error) {
    return errorResponse(error);
  }
}

export function parseCardFormat(value: string | null): CardFormat {
  const format = value ?? "png";
  if (!(CARD_FORMATS as readonly string[]).includes(format)) throw new AppError("BAD_REQUEST", `Unknown card format "${format.slice(0, 20)}": use png, v2 or v3`);
  return format as CardFormat;
}

function cardResponse(file: CardFile): Response {
  return new Response(new Uint8Array(file.body), {
    headers: {
      "content-type": file.contentType,
      "content-length": String(file.body.length),
      // The file name is built from letters, digits and dashes only.
      "content-disposition": `attachment; filename="${file.fileName}"`,
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    },
  });
}

/** GET /api/personas/{personaId}/card?format=png|v2|v3 for members of the persona's team. */
export async function handleCardExport(services: PersonaServices, session: RouteSession, personaId: string, request: Request): Promise<Response> {
  try {
    const format = parseCardFormat(new URL(request.url).searchParams.get("format"));
    return cardResponse(await exportPersonaCard(services, session.userId, personaId, format));
  } catch (error) {
    return errorResponse(error);
  }
}

/** GET /api/personas/shared/{token}/card?format=…: the same files for the holder of a share link. */
export async function handleSharedCard(services: PersonaServices, token: string, request: Request): Promise<Response> {
  try {
    const format = parseCardFormat(new URL(request.url).searchParams.get("format"));
    const persona = await personaForToken(services.db, token);
    return cardResponse(await buildCardFile(services.db, services.images, persona, format));
  } catch (error) {
    return errorResponse(error);
  }
}

/** GET /api/personas/uploads/{uploadId}: an uploaded picture (re-encoded) for members of its team. */
export async function handleUploadFile(services: PersonaServices, session: RouteSession, uploadId: string, request: Request): Promise<Response> {
  try {
    const upload = await findUpload(services.db, session.userId, uploadId);
    const thumbnail = new URL(request.url).searchParams.get("variant") === "thumbnail";
    return await imageFileResponse(services.images, thumbnail ? upload.thumbnailFile : upload.file, thumbnail ? "image/webp" : "image/png", "private, max-age=31536000, immutable");
  } catch (error) {
    return errorResponse(error);
  }
}

/** GET /api/personas/shared/{token}/avatar: the current avatar for the holder of a share link. */
export async function handleSharedAvatar(services: PersonaServices, token: string, request: Request): Promise<Response> {
  try {
    const avatar = await sharedAvatar(services.db, token);
    const thumbnail = new URL(request.url).searchParams.get("variant") === "thumbnail";
    // Not cached: a revoked link must stop showing the picture.
    return await imageFileResponse(services.images, thumbnail ? avatar.thumbnailFile : avatar.file, thumbnail ? "image/webp" : "image/png", "private, no-store");
  } catch (error) {
    return errorResponse(error);
  }
}
