"use client";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { ImageFrame, ImageLightbox, ImageParameters, ImageVersions, renderRows } from "@/components/images/image-versions";
import { useViewedImage } from "@/components/images/use-viewed-image";
import type { LiveTask } from "@/components/runs/use-run-progress";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { useTRPC } from "@/trpc/react";
import type { RouterOutputs } from "@/trpc/router-types";
import { aspectClass } from "./deck-format";
import { SlideArrangeControls } from "./slide-arrange";
import { changesOf, serverFieldErrors, SlideEditor, type SlideFieldErrors, type SlideLimits, type SlideWords } from "./slide-editor";
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
  limits,
  slideCount,
  runActive,
  onChanged,
}: {
  deckId: string;
  slide: Slide;
  aspectRatio: string;
  promptTask: LiveTask | null;
  imageTask: LiveTask | null;
  maxAttempts: number;
  limits: SlideLimits;
  slideCount: number;
  runActive: boolean;
  onChanged: () => Promise<void>;
}) {
  const trpc = useTRPC();
  const [editing, setEditing] = useState(false);
  const [enlarged, setEnlarged] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<SlideFieldErrors>({});
  /** After a save that changed what the picture is made from: offer to render it again. */
  const [offerRegenerate, setOfferRegenerate] = useState(false);
  const onError = (failure: { message: string }) => setError(failure.message);
  const regenerate = useMutation(
    trpc.slides.regenerateSlide.mutationOptions({
      onSuccess: async () => {
        setEditing(false);
        setOfferRegenerate(false);
        await onChanged();
      },
      onError,
    }),
  );
  const update = useMutation(trpc.slides.updateSlide.mutationOptions());
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
  // The run reads the slide when its turn comes: until then it cannot change (the server says so too).
  const stillToRender = runActive && working !== null && !["succeeded", "failed", "cancelled", "skipped"].includes(working.task.status);
  const editBlocked = stillToRender ? "This slide is still to render in the current run: edit it once its image is done, or cancel the run" : null;
  const regenerateBlocked = runActive ? "Wait for the current run to end" : null;

  async function save(values: SlideWords, thenRegenerate: boolean) {
    setError(null);
    setFieldErrors({});
    const changes = changesOf(slide, values);
    try {
      if (Object.keys(changes).length) await update.mutateAsync({ deckId, slideId: slide.id, ...changes });
      setEditing(false);
      if (thenRegenerate) regenerate.mutate({ deckId, slideId: slide.id });
      // The picture was made from the old words or prompt: say so, and offer to render it again.
      else setOfferRegenerate(slide.images.length > 0 && Object.keys(changes).length > 0);
      await onChanged();
    } catch (failure) {
      const errors = serverFieldErrors(failure);
      setFieldErrors(errors);
      setError(Object.keys(errors).length ? null : (failure as { message: string }).message);
    }
  }

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
          <SlideEditor
            slide={slide}
            formLabel={`Edit slide ${slide.position}`}
            promptWritten={slide.promptWritten}
            limits={limits}
            pending={update.isPending || regenerate.isPending}
            regenerateBlocked={regenerateBlocked}
            fieldErrors={fieldErrors}
            formError={error}
            onSave={(values, thenRegenerate) => void save(values, thenRegenerate)}
            onCancel={() => {
              setEditing(false);
              setError(null);
              setFieldErrors({});
            }}
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

        {!editing ? <FormError message={error} /> : null}

        {offerRegenerate && !editing ? (
          <div role="status" className="rounded-xl border border-indigo-200 bg-indigo-50 p-3 text-sm text-stone-800">
            <p>Saved. The picture was made from the slide as it was before: regenerate it to match{regenerateBlocked ? " once the current run has ended" : ""}.</p>
            <div className="mt-2 flex flex-wrap gap-2">
              <Button
                className="px-3 py-1.5"
                onClick={() => regenerate.mutate({ deckId, slideId: slide.id })}
                pending={regenerate.isPending}
                disabled={regenerateBlocked !== null}
                title={regenerateBlocked ?? undefined}
              >
                Regenerate slide {slide.position}
              </Button>
              <Button variant="ghost" className="px-3 py-1.5" onClick={() => setOfferRegenerate(false)}>
                Keep this picture
              </Button>
            </div>
          </div>
        ) : null}

        {!editing ? (
          <div className="mt-auto flex flex-wrap items-center gap-2">
            <Button
              variant="secondary"
              className="px-3 py-1.5"
              onClick={() => {
                setError(null);
                setOfferRegenerate(false);
                setEditing(true);
              }}
              disabled={editBlocked !== null}
              title={editBlocked ?? undefined}
            >
              Edit slide
            </Button>
            <Button
              variant="secondary"
              className="px-3 py-1.5"
              onClick={() => {
                setError(null);
                regenerate.mutate({ deckId, slideId: slide.id });
              }}
              pending={regenerate.isPending}
              disabled={regenerateBlocked !== null}
              title={regenerateBlocked ?? undefined}
            >
              {slide.images.length > 0 ? "Regenerate" : "Render"}
            </Button>
            <SlideArrangeControls
              deckId={deckId}
              slide={slide}
              slideCount={slideCount}
              removeBlocked={editBlocked}
              onChanged={onChanged}
              onError={setError}
            />
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
