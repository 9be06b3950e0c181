// Every ImageModel returns PNG bytes with their real dimensions, whatever format the provider sent.
import sharp from "sharp";
import { ProviderError } from "./types";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export async function toPng(image: Buffer): Promise<{ png: Buffer; width: number; height: number }> {
  try {
    // A PNG's size is in its first chunk (IHDR), where sharp would read it too: reading it here
    // saves a trip through sharp's thread pool on every image. Anything else is converted.
    if (image.subarray(0, 8).equals(PNG_SIGNATURE)) {
      if (image.length < 33 || image.toString("latin1", 12, 16) !== "IHDR") throw new Error("the PNG has no header chunk");
      const width = image.readUInt32BE(16);
      const height = image.readUInt32BE(20);
      if (!width || !height) throw new Error("the image has no dimensions");
      return { png: image, width, height };
    }
    const { data, info } = await sharp(image).png().toBuffer({ resolveWithObject: true });
    return { png: data, width: info.width, height: info.height };
  } catch (error) {
    throw new ProviderError(`The provider's image could not be read: ${error instanceof Error ? error.message : String(error)}`, {
      kind: "invalid-output",
      isRetryable: false,
      cause: error,
    });
  }
}

/** Decodes a `data:image/...;base64,` URL; undefined when the URL is not one. */
export function decodeDataUrl(url: string): Buffer | undefined {
  const match = /^data:image\/[\w.+-]+;base64,(.*)$/s.exec(url);
  return match ? Buffer.from(match[1]!, "base64") : undefined;
}
