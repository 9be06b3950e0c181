"use client";
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { ImageFrame, ImageLightbox, ImageParameters, ImageVersions, renderRows } from "@/components/images/image-versions";
import { useViewedImage } from "@/components/images/use-viewed-image";
import type { LiveTask } from "@/components/runs/use-run-progress";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
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

  const { current, viewed, setViewedId } = useViewedImage(slide.images, slide.currentImageId);

  const label = `Slide ${slide.position}: ${slide.title}`;
  const working = currentTask(promptTask, imageTask);
  const busy = working !== null && ["running", "retrying", "waiting"].includes(working.task.status);
  const problem = slideProblem(promptTask, imageTask, slide.error);

  return (
    <li className="flex flex-col overflow-hidden rounded-2xl border border-stone-200 bg-white shadow-sm" data-testid="slide-card" aria-label={label}>
      <ImageFrame
        image={viewed}
        alt={viewed ? `${label} (version ${viewed.version})` : ""}
        enlargeLabel={`Enlarge the image of slide ${slide.position}`}
        onEnlarge={() => setEnlarged(true)}
        busy={busy}
        emptyText="No image yet"
        frameClassName={aspectClass(aspectRatio)}
      >
        <span className="absolute left-2 top-2 flex max-w-[calc(100%-1rem)] items-start gap-1.5">
          <span className="rounded-full bg-stone-900/80 px-2 py-1 text-xs font-semibold text-white shadow" aria-hidden>
            {slide.position}
          </span>
          <SlideState promptTask={promptTask} imageTask={imageTask} maxAttempts={maxAttempts} imageDurationMs={current?.durationMs ?? null} />
        </span>
      </ImageFrame>

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
          <ImageVersions
            images={slide.images}
            currentId={slide.currentImageId}
            viewedId={viewed?.id ?? null}
            onView={setViewedId}
            onMakeCurrent={(imageId) => makeCurrent.mutate({ deckId, slideId: slide.id, imageId })}
            pending={makeCurrent.isPending}
            currentHint="The current version: shown and exported"
          />
        ) : null}
        {viewed ? <ImageParameters version={viewed.version} rows={slideParameters(viewed)} /> : null}
      </div>

      {enlarged && viewed ? <ImageLightbox image={viewed} title={`${slide.position}. ${slide.title}`} onClose={() => setEnlarged(false)} /> : null}
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

function slideParameters(image: SlideImage): [string, string][] {
  const rows: [string, string][] = [
    ["Provider", `${image.provider} · ${image.model}`],
    ...renderRows(image),
    ["Style", image.style ?? "—"],
    ["Prompt sent", image.prompt],
  ];
  if (image.revisedPrompt) rows.push(["Revised", image.revisedPrompt]);
  return rows;
}
