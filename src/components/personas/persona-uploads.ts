// The browser side of the persona routes that take files: pictures (POST /api/personas/uploads,
// a few per request) and character cards (POST /api/personas/import). The server decides what a
// file is by its bytes; its refusal messages are shown as they come.
export type UploadResult = { name: string; ok: true; uploadId: string; width: number; height: number } | { name: string; ok: false; error: string };

async function errorOf(response: Response): Promise<string> {
  const body = (await response.json().catch(() => null)) as { error?: unknown } | null;
  if (typeof body?.error === "string") return body.error;
  return response.status === 413 ? "The upload is too large." : `The upload failed (${response.status}).`;
}

/** Uploads pictures `perRequest` at a time; one result per file, in order. */
export async function uploadPictures(files: File[], perRequest: number, onResults?: (results: UploadResult[]) => void): Promise<UploadResult[]> {
  const results: UploadResult[] = [];
  for (let start = 0; start < files.length; start += perRequest) {
    const chunk = files.slice(start, start + perRequest);
    const form = new FormData();
    for (const file of chunk) form.append("files", file, file.name);
    let chunkResults: UploadResult[];
    try {
      const response = await fetch("/api/personas/uploads", { method: "POST", body: form });
      const body = (await response.clone().json().catch(() => null)) as { files?: UploadResult[] } | null;
      if (Array.isArray(body?.files) && body.files.length === chunk.length) chunkResults = body.files;
      else {
        const error = await errorOf(response);
        chunkResults = chunk.map((file) => ({ name: file.name, ok: false, error }));
      }
    } catch {
      chunkResults = chunk.map((file) => ({ name: file.name, ok: false, error: "The upload did not reach the server. Check the connection and try again." }));
    }
    results.push(...chunkResults);
    onResults?.([...results]);
  }
  return results;
}

/** Imports a character card file (PNG or JSON) as a new persona of the active team. */
export async function importCardFile(file: File): Promise<{ personaId: string; spec: string }> {
  const form = new FormData();
  form.append("file", file, file.name);
  const response = await fetch("/api/personas/import", { method: "POST", body: form });
  if (!response.ok) throw new Error(await errorOf(response));
  return (await response.json()) as { personaId: string; spec: string };
}

export const PICTURE_TYPES = "image/png,image/jpeg,image/webp";
