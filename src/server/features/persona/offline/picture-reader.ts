// Reads what the offline provider can honestly tell from a picture's pixels: its dominant colours,
// brightness, warmth, saturation and shape. Those become appearance words, a leaning (which picks
// traits and interests) and a seed, so the same picture always gives the same persona.
import crypto from "node:crypto";
import sharp from "sharp";
import type { PersonaFacts } from "./description-reader";
import { listing } from "./text";
import type { Leaning } from "./word-lists";

const NAMED_COLOURS: Array<[string, [number, number, number]]> = [
  ["black", [20, 20, 22]],
  ["charcoal", [60, 62, 66]],
  ["grey", [128, 128, 128]],
  ["white", [240, 240, 236]],
  ["cream", [236, 222, 190]],
  ["red", [190, 40, 40]],
  ["rust", [160, 82, 45]],
  ["orange", [235, 130, 40]],
  ["amber", [220, 170, 60]],
  ["yellow", [240, 215, 70]],
  ["olive", [120, 120, 50]],
  ["green", [60, 140, 70]],
  ["teal", [30, 128, 128]],
  ["sky blue", [120, 180, 230]],
  ["blue", [40, 80, 180]],
  ["navy", [25, 35, 80]],
  ["purple", [110, 60, 150]],
  ["pink", [230, 140, 170]],
  ["brown", [110, 75, 50]],
  ["tan", [200, 160, 120]],
];

export interface PictureReading {
  width: number;
  height: number;
  orientation: "portrait" | "landscape" | "square";
  /** 0 (black) to 1 (white). */
  brightness: number;
  /** −1 (blue) to 1 (red/orange). */
  warmth: number;
  /** 0 (grey) to 1 (vivid). */
  saturation: number;
  /** Colour names by share of the picture, most present first. */
  palette: string[];
  /** A hash of the pixels. */
  fingerprint: number;
}

export function pictureBytes(dataUrl: string): Buffer | undefined {
  const match = /^data:image\/(?:png|jpeg|webp);base64,([A-Za-z0-9+/=]+)$/.exec(dataUrl);
  return match ? Buffer.from(match[1]!, "base64") : undefined;
}

export async function readPicture(bytes: Buffer): Promise<PictureReading> {
  const image = sharp(bytes, { limitInputPixels: 4096 * 4096 });
  const metadata = await image.metadata();
  const width = metadata.width ?? 1;
  const height = metadata.height ?? 1;
  // 24 × 24 samples are plenty for a palette and cost next to nothing.
  const { data } = await image.clone().resize(24, 24, { fit: "fill" }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const counts = new Map<string, number>();
  let luma = 0;
  let warmth = 0;
  let saturation = 0;
  const pixels = data.length / 3;
  for (let offset = 0; offset < data.length; offset += 3) {
    const [red, green, blue] = [data[offset]!, data[offset + 1]!, data[offset + 2]!];
    luma += (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255;
    warmth += (red - blue) / 255;
    const max = Math.max(red, green, blue);
    saturation += max === 0 ? 0 : (max - Math.min(red, green, blue)) / max;
    const name = nearestColour(red, green, blue);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const ratio = width / height;
  return {
    width,
    height,
    orientation: ratio < 0.9 ? "portrait" : ratio > 1.1 ? "landscape" : "square",
    brightness: luma / pixels,
    warmth: warmth / pixels,
    saturation: saturation / pixels,
    palette: [...counts.entries()]
      .sort((left, right) => right[1] - left[1] || left[0].localeCompare(right[0]))
      .filter(([, count]) => count / pixels >= 0.04)
      .slice(0, 4)
      .map(([name]) => name),
    fingerprint: crypto.createHash("sha256").update(data).digest().readUInt32BE(0),
  };
}

function nearestColour(red: number, green: number, blue: number): string {
  let best = NAMED_COLOURS[0]!;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const entry of NAMED_COLOURS) {
    const [r, g, b] = entry[1];
    const distance = 2 * (red - r) ** 2 + 4 * (green - g) ** 2 + 3 * (blue - b) ** 2;
    if (distance < bestDistance) [best, bestDistance] = [entry, distance];
  }
  return best[0];
}

function leaningOf(reading: PictureReading): Leaning {
  const top = reading.palette[0] ?? "";
  if (reading.brightness < 0.28) return "dark";
  if (/green|olive/.test(top)) return "green";
  if (reading.brightness > 0.72) return "bright";
  if (reading.warmth > 0.12) return "warm";
  if (reading.warmth < -0.08 || /blue|teal|navy/.test(top)) return "cool";
  return "neutral";
}

/** The facts a picture gives; names, age and life are left for the core writer to invent. */
export function pictureFacts(reading: PictureReading): PersonaFacts {
  const light = reading.brightness > 0.66 ? "bright" : reading.brightness < 0.33 ? "dim" : "soft";
  const tone = reading.warmth > 0.1 ? "warm-toned" : reading.warmth < -0.06 ? "cool-toned" : "neutral-toned";
  const vivid = reading.saturation > 0.45 ? "vivid" : reading.saturation < 0.18 ? "muted" : "natural";
  const shot = { portrait: "an upright portrait", landscape: "a wide shot", square: "a square close-up" }[reading.orientation];
  const colours = reading.palette.slice(0, 3);
  return {
    seed: reading.fingerprint,
    traits: [],
    interests: [],
    appearance: [`pictured in ${light} ${tone} light`, ...(colours.length ? [`${vivid} ${listing(colours)} tones in clothes and background`] : [])],
    palette: colours,
    leaning: leaningOf(reading),
    sourceNote: `${shot} in ${light} ${tone} light, with ${vivid} ${colours.length ? `${listing(colours)} ` : ""}colours (${reading.width} × ${reading.height} px)`,
  };
}
