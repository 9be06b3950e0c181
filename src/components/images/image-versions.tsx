"use client";
// The pieces every image card shares (slides, scenes): the picture with its enlarge button, the
// strip of versions with "Make current", the parameters a version was rendered with, and the
// full-size view. Data fetching stays with the card; these only show and report clicks.
import { useEffect, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { formatDuration } from "@/lib/format";

/** What a stored image version tells about itself (the API's image rows have at least this). */
export interface ImageVersion {
  id: string;
  version: number;
  size: string;
  width: number;
  height: number;
  quality: string | null;
  seed?: number | null;
  attempts: number;
  durationMs: number;
}

/** The viewed version's thumbnail, a button that enlarges it; a spinner or `emptyText` without one. */
export function ImageFrame({
  image,
  alt,
  enlargeLabel,
  onEnlarge,
  busy,
  emptyText,
  frameClassName,
  children,
}: {
  image: { id: string } | null;
  alt: string;
  enlargeLabel: string;
  onEnlarge: () => void;
  busy: boolean;
  emptyText: string;
  /** The aspect-ratio class of the frame. */
  frameClassName: string;
  /** Overlays, such as the task state in a corner. */
  children?: ReactNode;
}) {
  return (
    <div className={`relative ${frameClassName} bg-stone-100`}>
      {image ? (
        <button type="button" onClick={onEnlarge} className="block size-full" aria-label={enlargeLabel}>
          {/* eslint-disable-next-line @next/next/no-img-element -- private, membership-checked images */}
          <img src={`/api/images/${image.id}?variant=thumbnail`} alt={alt} className="size-full object-cover" />
        </button>
      ) : (
        <div className="grid size-full place-items-center text-sm text-stone-500">
          {busy ? <span className="size-8 animate-spin rounded-full border-2 border-indigo-300 border-t-transparent" aria-hidden /> : emptyText}
        </div>
      )}
      {children}
    </div>
  );
}

export function ImageVersions({
  images,
  currentId,
  viewedId,
  onView,
  onMakeCurrent,
  pending,
  currentHint,
}: {
  images: ReadonlyArray<{ id: string; version: number }>;
  currentId: string | null;
  viewedId: string | null;
  onView: (id: string) => void;
  onMakeCurrent: (id: string) => void;
  pending: boolean;
  /** With it, each version button has a tooltip: this for the current one, "View this version" for the others. */
  currentHint?: string;
}) {
  return (
    <div className="flex flex-wrap items-center gap-1.5 text-xs">
      <span className="text-stone-500">Versions</span>
      {images.map((image) => (
        <button
          key={image.id}
          type="button"
          onClick={() => onView(image.id)}
          aria-pressed={image.id === viewedId}
          title={currentHint === undefined ? undefined : image.id === currentId ? currentHint : "View this version"}
          className="rounded-md border border-stone-300 px-2 py-0.5 font-medium aria-pressed:border-indigo-500 aria-pressed:bg-indigo-50 aria-pressed:text-indigo-800"
        >
          v{image.version}
          {image.id === currentId ? " ★" : ""}
        </button>
      ))}
      {viewedId && viewedId !== currentId ? (
        <Button variant="ghost" className="px-2 py-0.5 text-xs" onClick={() => onMakeCurrent(viewedId)} pending={pending}>
          Make current
        </Button>
      ) : null}
    </div>
  );
}

/** The rows every image has: size, quality, seed, attempts and render time. */
export function renderRows(image: ImageVersion): [string, string][] {
  return [
    ["Size", `${image.size} (${image.width}×${image.height})`],
    ["Quality", image.quality ?? "—"],
    ["Seed", image.seed === null || image.seed === undefined ? "—" : String(image.seed)],
    ["Attempts", String(image.attempts)],
    ["Duration", formatDuration(image.durationMs)],
  ];
}

/** A version's parameters, folded away under "Parameters of vN". */
export function ImageParameters({ version, rows }: { version: number; rows: [string, string][] }) {
  return (
    <details className="text-xs text-stone-600">
      <summary className="cursor-pointer select-none font-medium text-stone-700">Parameters of v{version}</summary>
      <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
        {rows.map(([term, value]) => (
          <div key={term} className="contents">
            <dt>{term}</dt>
            <dd className="whitespace-pre-wrap break-words">{value}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

/** The full-size image over the page; Escape, a click outside or "Close" closes it. */
export function ImageLightbox({ image, title, onClose }: { image: { id: string; version: number }; title: string; onClose: () => void }) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => event.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);
  return (
    <div role="dialog" aria-modal="true" aria-label={title} className="fixed inset-0 z-50 grid place-items-center bg-stone-950/80 p-4" onClick={onClose}>
      <figure className="max-h-full max-w-6xl" onClick={(event) => event.stopPropagation()}>
        {/* eslint-disable-next-line @next/next/no-img-element -- private, membership-checked images */}
        <img src={`/api/images/${image.id}`} alt={title} className="max-h-[85vh] rounded-lg object-contain" />
        <figcaption className="mt-2 flex items-center justify-between gap-4 text-sm text-white">
          <span className="min-w-0 truncate">
            {title} · v{image.version}
          </span>
          <Button variant="secondary" onClick={onClose} autoFocus>
            Close
          </Button>
        </figcaption>
      </figure>
    </div>
  );
}
