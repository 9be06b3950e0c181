"use client";
import { useMutation } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import type { LiveTask } from "@/components/runs/use-run-progress";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { formatDuration } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import type { RouterOutputs } from "@/trpc/router-types";
import { aspectClass } from "./deck-format";
import { SlideState } from "./slide-state";
import { currentTask, slideProblem } from "./slide-task";

type Slide = RouterOutputs["slides"]["get"]["slides"][number];
type SlideImage = Slide["images"][number];

export function SlideCard({
  deckId,
  slide,
  aspectRatio,
  promptTask,
  imageTask,
  maxAttempts,
  maxPromptLength,
  runActive,
  onChanged,
}: {
  deckId: string;
  slide: Slide;
  aspectRatio: string;
  promptTask: LiveTask | null;
  imageTask: LiveTask | null;
  maxAttempts: number;
  maxPromptLength: number;
  runActive: boolean;
  onChanged: () => Promise<void>;
}) {
  const trpc = useTRPC();
  const [editing, setEditing] = useState(false);
  const [viewedId, setViewedId] = useState<string | null>(null);
  const [enlarged, setEnlarged] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const onError = (failure: { message: string }) => setError(failure.message);
  const regenerate = useMutation(
    trpc.slides.regenerateSlide.mutationOptions({
      onSuccess: async () => {
        setEditing(false);
        await onChanged();
      },
      onError,
    }),
  );
  const makeCurrent = useMutation(
    trpc.slides.setCurrentImage.mutationOptions({
      onSuccess: async () => {
        setViewedId(null);
        await onChanged();
      },
      onError,
    }),
  );

  const current = slide.images.find((image) => image.id === slide.currentImageId) ?? null;
  const viewed = slide.images.find((image) => image.id === viewedId) ?? current;
  // A new current image (a render just finished) is what the card should show.
  useEffect(() => setViewedId(null), [slide.currentImageId]);

  const label = `Slide ${slide.position}: ${slide.title}`;
  const working = currentTask(promptTask, imageTask);
  const busy = working !== null && ["running", "retrying", "waiting"].includes(working.task.status);
  const problem = slideProblem(promptTask, imageTask, slide.error);

  return (
    <li className="flex flex-col overflow-hidden rounded-2xl border border-stone-200 bg-white shadow-sm" data-testid="slide-card" aria-label={label}>
      <div className={`relative ${aspectClass(aspectRatio)} bg-stone-100`}>
        {viewed ? (
          <button type="button" onClick={() => setEnlarged(true)} className="block size-full" aria-label={`Enlarge the image of slide ${slide.position}`}>
            {/* eslint-disable-next-line @next/next/no-img-element -- private, membership-checked images */}
            <img src={`/api/images/${viewed.id}?variant=thumbnail`} alt={`${label} (version ${viewed.version})`} className="size-full object-cover" />
          </button>
        ) : (
          <div className="grid size-full place-items-center text-sm text-stone-500">
            {busy ? <span className="size-8 animate-spin rounded-full border-2 border-indigo-300 border-t-transparent" aria-hidden /> : "No image yet"}
          </div>
        )}
        <span className="absolute left-2 top-2 flex max-w-[calc(100%-1rem)] items-start gap-1.5">
          <span className="rounded-full bg-stone-900/80 px-2 py-1 text-xs font-semibold text-white shadow" aria-hidden>
            {slide.position}
          </span>
          <SlideState promptTask={promptTask} imageTask={imageTask} maxAttempts={maxAttempts} imageDurationMs={current?.durationMs ?? null} />
        </span>
      </div>

      <div className="flex flex-1 flex-col gap-3 p-4">
        <div className="min-w-0">
          <h3 className="break-words font-semibold">
            {slide.position}. {slide.title}
          </h3>
          {slide.text ? <p className="mt-1 line-clamp-3 whitespace-pre-line break-words text-sm text-stone-600">{slide.text}</p> : null}
        </div>
        {problem ? (
          <p className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="slide-problem">
            {problem}
          </p>
        ) : null}

        {editing ? (
          <PromptEditor
            slide={slide}
            maxLength={maxPromptLength}
            pending={regenerate.isPending}
            onSubmit={(imagePrompt) => {
              setError(null);
              regenerate.mutate({ deckId, slideId: slide.id, imagePrompt });
            }}
            onCancel={() => setEditing(false)}
          />
        ) : (
          <div className="rounded-xl bg-stone-50 p-3 text-sm">
            <p className="mb-1 flex flex-wrap items-center gap-2 text-xs font-medium uppercase tracking-wide text-stone-500">
              Image prompt
              {slide.promptWritten ? <span className="rounded-full bg-indigo-50 px-2 py-0.5 normal-case tracking-normal text-indigo-800">written by the text model</span> : null}
            </p>
            <p className="line-clamp-4 break-words text-stone-800" data-testid="slide-prompt">
              {slide.imagePrompt || <span className="italic text-stone-500">Written from the title and text when the slide renders</span>}
            </p>
          </div>
        )}

        <FormError message={error} />

        {!editing ? (
          <div className="mt-auto flex flex-wrap items-center gap-2">
            <Button
              variant="secondary"
              className="px-3 py-1.5"
              onClick={() => setEditing(true)}
              disabled={runActive}
              title={runActive ? "Wait for the current run to end" : undefined}
            >
              Edit prompt
            </Button>
            <Button
              variant="secondary"
              className="px-3 py-1.5"
              onClick={() => {
                setError(null);
                regenerate.mutate({ deckId, slideId: slide.id });
              }}
              pending={regenerate.isPending}
              disabled={runActive}
              title={runActive ? "Wait for the current run to end" : undefined}
            >
              Regenerate
            </Button>
          </div>
        ) : null}

        {slide.images.length > 0 ? (
          <Versions
            images={slide.images}
            currentId={slide.currentImageId}
            viewedId={viewed?.id ?? null}
            onView={setViewedId}
            onMakeCurrent={(imageId) => makeCurrent.mutate({ deckId, slideId: slide.id, imageId })}
            pending={makeCurrent.isPending}
          />
        ) : null}
        {viewed ? <Parameters image={viewed} /> : null}
      </div>

      {enlarged && viewed ? <Lightbox image={viewed} title={`${slide.position}. ${slide.title}`} onClose={() => setEnlarged(false)} /> : null}
    </li>
  );
}

function PromptEditor({
  slide,
  maxLength,
  pending,
  onSubmit,
  onCancel,
}: {
  slide: Slide;
  maxLength: number;
  pending: boolean;
  onSubmit: (imagePrompt: string) => void;
  onCancel: () => void;
}) {
  const [prompt, setPrompt] = useState(slide.imagePrompt);
  const [error, setError] = useState<string | null>(null);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const trimmed = prompt.trim();
    if (!trimmed) return setError("The prompt cannot be empty.");
    onSubmit(trimmed);
  }

  return (
    <form onSubmit={submit} className="space-y-2" aria-label={`Edit the prompt of slide ${slide.position}`}>
      <label className="block text-xs font-medium text-stone-600">
        Image prompt
        <textarea
          value={prompt}
          onChange={(event) => setPrompt(event.target.value)}
          rows={5}
          maxLength={maxLength}
          autoFocus
          className="mt-1 block w-full rounded-lg border border-stone-300 bg-white px-2 py-1.5 text-sm focus:border-accent focus:outline-none focus:ring-2 focus:ring-accent/30"
        />
      </label>
      <p className="text-xs text-stone-500">The deck&apos;s style is added to it. The new image becomes a new version.</p>
      <FormError message={error} />
      <div className="flex flex-wrap gap-2">
        <Button type="submit" pending={pending}>
          Regenerate with this prompt
        </Button>
        <Button type="button" variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function Versions({
  images,
  currentId,
  viewedId,
  onView,
  onMakeCurrent,
  pending,
}: {
  images: SlideImage[];
  currentId: string | null;
  viewedId: string | null;
  onView: (id: string) => void;
  onMakeCurrent: (id: string) => void;
  pending: boolean;
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
          title={image.id === currentId ? "The current version: shown and exported" : "View this version"}
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

function Parameters({ image }: { image: SlideImage }) {
  const rows: [string, string][] = [
    ["Provider", `${image.provider} · ${image.model}`],
    ["Size", `${image.size} (${image.width}×${image.height})`],
    ["Quality", image.quality ?? "—"],
    ["Seed", image.seed === null || image.seed === undefined ? "—" : String(image.seed)],
    ["Attempts", String(image.attempts)],
    ["Duration", formatDuration(image.durationMs)],
    ["Style", image.style ?? "—"],
    ["Prompt sent", image.prompt],
  ];
  if (image.revisedPrompt) rows.push(["Revised", image.revisedPrompt]);
  return (
    <details className="text-xs text-stone-600">
      <summary className="cursor-pointer select-none font-medium text-stone-700">Parameters of v{image.version}</summary>
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

function Lightbox({ image, title, onClose }: { image: SlideImage; title: string; onClose: () => void }) {
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
