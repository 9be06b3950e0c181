// Character cards inside PNG files: uncompressed tEXt chunks `chara` (base64 of the V2 JSON) and
// `ccv3` (base64 of the V3 JSON) just before IEND, any earlier card chunks removed first. Readers
// prefer ccv3, as SillyTavern does. The chunk work is done by png-chunks-extract / -encode and
// png-chunk-text.
import encodeChunks from "png-chunks-encode";
import extractChunks from "png-chunks-extract";
import * as pngText from "png-chunk-text";
import sharp from "sharp";
import { hashString } from "@/server/providers/seeded-random";

const CARD_KEYWORDS = new Set(["chara", "ccv3"]);
const TEXT_CHUNKS = new Set(["tEXt", "zTXt", "iTXt"]);

/** The keyword of a tEXt, zTXt or iTXt chunk: the Latin-1 bytes before the first NUL. */
function keywordOf(chunk: { data: Uint8Array }): string {
  const end = chunk.data.indexOf(0);
  return Buffer.from(chunk.data.subarray(0, end === -1 ? Math.min(chunk.data.length, 80) : end)).toString("latin1");
}

const isCardChunk = (chunk: { name: string; data: Uint8Array }) => TEXT_CHUNKS.has(chunk.name) && CARD_KEYWORDS.has(keywordOf(chunk).toLowerCase());

export function writeCardPng(png: Buffer, cards: { v2: object; v3: object }): Buffer {
  const chunks = extractChunks(png).filter((chunk) => !isCardChunk(chunk));
  const end = chunks.findIndex((chunk) => chunk.name === "IEND");
  const base64 = (card: object) => Buffer.from(JSON.stringify(card), "utf8").toString("base64");
  chunks.splice(end === -1 ? chunks.length : end, 0, pngText.encode("chara", base64(cards.v2)), pngText.encode("ccv3", base64(cards.v3)));
  return Buffer.from(encodeChunks(chunks));
}

/** The card JSON text inside a PNG (ccv3 first, then chara), or undefined when it carries none. */
export function readCardPng(png: Buffer): string | undefined {
  let chunks: Array<{ name: string; data: Uint8Array }>;
  try {
    chunks = extractChunks(png);
  } catch {
    return undefined;
  }
  const texts = chunks.filter((chunk) => chunk.name === "tEXt").map((chunk) => pngText.decode(chunk.data));
  const found = texts.find((text) => text.keyword.toLowerCase() === "ccv3") ?? texts.find((text) => text.keyword.toLowerCase() === "chara");
  return found ? Buffer.from(found.text, "base64").toString("utf8") : undefined;
}

/** A card picture for a persona without an avatar: its initials on a colour of its own. */
export async function placeholderPortrait(name: string): Promise<Buffer> {
  const initials =
    name
      .split(/\s+/)
      .map((word) => word.match(/\p{L}|\p{N}/u)?.[0] ?? "")
      .filter(Boolean)
      .slice(0, 2)
      .join("")
      .toUpperCase() || "?";
  const hue = hashString(name) % 360;
  // Initials are letters or digits only, so nothing in the SVG comes from the name's markup.
  const escaped = initials.replace(/[<>&"']/g, "");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="600" viewBox="0 0 400 600">
<defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="hsl(${hue},45%,55%)"/><stop offset="1" stop-color="hsl(${(hue + 40) % 360},40%,30%)"/></linearGradient></defs>
<rect width="400" height="600" fill="url(#g)"/>
<circle cx="200" cy="260" r="120" fill="#ffffff" opacity="0.18"/>
<text x="200" y="300" text-anchor="middle" font-family="DejaVu Sans, sans-serif" font-size="120" fill="#ffffff">${escaped}</text>
</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}
