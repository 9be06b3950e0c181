// Words and shapes shared by the deck pages: statuses, places in line, aspect ratios.
import type { RouterOutputs } from "@/trpc/router-types";

export type DeckStatus = RouterOutputs["slides"]["list"][number]["status"];

export const deckStatusLabels: Record<DeckStatus, string> = {
  draft: "Draft",
  queued: "Waiting in line",
  running: "Generating",
  succeeded: "Ready",
  failed: "Has failures",
  cancelled: "Cancelled",
};

export const deckStatusTones: Record<DeckStatus, string> = {
  draft: "bg-stone-100 text-stone-700",
  queued: "bg-sky-100 text-sky-900",
  running: "bg-indigo-100 text-indigo-900",
  succeeded: "bg-emerald-100 text-emerald-900",
  failed: "bg-amber-100 text-amber-900",
  cancelled: "bg-stone-100 text-stone-600",
};

/** 1 → "1st", 2 → "2nd", 11 → "11th", 23 → "23rd". */
export function ordinal(value: number): string {
  const lastTwo = value % 100;
  if (lastTwo >= 11 && lastTwo <= 13) return `${value}th`;
  const suffix = { 1: "st", 2: "nd", 3: "rd" }[value % 10] ?? "th";
  return `${value}${suffix}`;
}

/** "1st in line — next to start", "2nd in line". */
export function placeInLine(position: number): string {
  return position === 1 ? "1st in line — next to start" : `${ordinal(position)} in line`;
}

/** Tailwind aspect classes written out in full, so the compiler sees each one. */
const aspectClasses: Record<string, string> = {
  "16:9": "aspect-video",
  "4:3": "aspect-[4/3]",
  "1:1": "aspect-square",
  "9:16": "aspect-[9/16]",
};

export function aspectClass(aspectRatio: string): string {
  return aspectClasses[aspectRatio] ?? "aspect-video";
}

export const aspectRatioLabels: Record<string, string> = {
  "16:9": "Widescreen 16:9",
  "4:3": "Standard 4:3",
  "1:1": "Square 1:1",
  "9:16": "Portrait 9:16",
};

/** "flat-corporate" → "Flat corporate". */
export function presetLabel(name: string): string {
  const words = name.replace(/-/g, " ");
  return words[0]!.toUpperCase() + words.slice(1);
}

/** The workers the form will ask for: a whole number within 1…max (the server would clamp too). */
export function clampedWorkers(typed: string, maxWorkers: number): number | null {
  const value = Number(typed);
  if (!Number.isFinite(value) || typed.trim() === "") return null;
  return Math.min(maxWorkers, Math.max(1, Math.round(value)));
}
