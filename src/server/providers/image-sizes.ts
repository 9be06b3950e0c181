// Maps the app's requested size (a pixel size or an aspect ratio) to what each image model accepts.
// "Nearest" compares aspect ratios on a log scale, so portrait and landscape are treated alike.
import type { AspectRatio, ImageSize } from "./types";

export interface PixelSize {
  width: number;
  height: number;
}

const ASPECT_RATIO_VALUES: Record<AspectRatio, number> = {
  "1:1": 1,
  "16:9": 16 / 9,
  "9:16": 9 / 16,
  "4:3": 4 / 3,
  "3:4": 3 / 4,
  "3:2": 3 / 2,
  "2:3": 2 / 3,
};

/** Sizes the offline renderer uses for aspect ratios: 1024 on the short side, like the real models. */
const OFFLINE_ASPECT_SIZES: Record<AspectRatio, PixelSize> = {
  "1:1": { width: 1024, height: 1024 },
  "16:9": { width: 1792, height: 1024 },
  "9:16": { width: 1024, height: 1792 },
  "4:3": { width: 1344, height: 1008 },
  "3:4": { width: 1008, height: 1344 },
  "3:2": { width: 1536, height: 1024 },
  "2:3": { width: 1024, height: 1536 },
};

const DALL_E_3_SIZES = ["1024x1024", "1792x1024", "1024x1792"] as const;
const GPT_IMAGE_SIZES = ["1024x1024", "1536x1024", "1024x1536"] as const;

export function parsePixelSize(size: string): PixelSize | undefined {
  const match = /^(\d+)x(\d+)$/.exec(size);
  if (!match) return undefined;
  return { width: Number(match[1]), height: Number(match[2]) };
}

export function isAspectRatio(size: string): size is AspectRatio {
  return size in ASPECT_RATIO_VALUES;
}

/** The width / height ratio of a requested size. */
export function ratioOf(size: ImageSize | AspectRatio): number {
  if (isAspectRatio(size)) return ASPECT_RATIO_VALUES[size];
  const pixels = parsePixelSize(size);
  if (!pixels) throw new Error(`Unknown image size "${size}"`);
  return pixels.width / pixels.height;
}

function nearest<T extends string>(candidates: readonly T[], ratio: number, ratioOfCandidate: (candidate: T) => number): T {
  let best = candidates[0]!;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = Math.abs(Math.log(ratioOfCandidate(candidate)) - Math.log(ratio));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function pixelRatio(size: string): number {
  const pixels = parsePixelSize(size)!;
  return pixels.width / pixels.height;
}

export function isGptImageModel(model: string): boolean {
  return /^gpt-image/i.test(model);
}

/** The `size` to send to OpenAI's Images API for this model. */
export function openAIImageSize(model: string, size: ImageSize | AspectRatio): string {
  if (/^dall-e-2/i.test(model)) return "1024x1024";
  const candidates = isGptImageModel(model) ? GPT_IMAGE_SIZES : DALL_E_3_SIZES;
  if ((candidates as readonly string[]).includes(size)) return size;
  return nearest(candidates, ratioOf(size), pixelRatio);
}

/** The `quality` to send to OpenAI's Images API for this model (gpt-image models use low/medium/high). */
export function openAIImageQuality(model: string, quality: "standard" | "hd" | undefined): string | undefined {
  if (!quality) return undefined;
  if (/^dall-e-2/i.test(model)) return undefined;
  if (isGptImageModel(model)) return quality === "hd" ? "high" : "medium";
  return quality;
}

/** The aspect ratio to send to OpenRouter's image models (`image_config.aspect_ratio`). */
export function openRouterAspectRatio(size: ImageSize | AspectRatio): AspectRatio {
  if (isAspectRatio(size)) return size;
  return nearest(Object.keys(ASPECT_RATIO_VALUES) as AspectRatio[], ratioOf(size), (ratio) => ASPECT_RATIO_VALUES[ratio]);
}

/** The pixel size the offline renderer produces. */
export function offlinePixelSize(size: ImageSize | AspectRatio): PixelSize {
  if (isAspectRatio(size)) return OFFLINE_ASPECT_SIZES[size];
  const pixels = parsePixelSize(size);
  if (!pixels) throw new Error(`Unknown image size "${size}"`);
  return pixels;
}
