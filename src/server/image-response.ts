// The HTTP answer carrying a stored image file, for the routes that serve pictures after their
// access checks. The file is streamed from the store, never held whole.
import { Readable } from "node:stream";
import type { ImageStore } from "./storage/image-store";

export async function imageFileResponse(images: ImageStore, file: string, contentType: string, cacheControl: string): Promise<Response> {
  const { size, stream } = await images.open(file);
  return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, {
    headers: { "content-type": contentType, "content-length": String(size), "cache-control": cacheControl, "x-content-type-options": "nosniff" },
  });
}
