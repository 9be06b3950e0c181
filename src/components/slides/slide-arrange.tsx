"use client";
// Changing which slides a deck has after it was created: move a slide earlier or later, remove it
// with its images, and add a slide at the end (it renders when asked, like any slide without an image).
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { useTRPC } from "@/trpc/react";
import { serverFieldErrors, SlideEditor, type SlideFieldErrors, type SlideLimits } from "./slide-editor";

export function SlideArrangeControls({
  deckId,
  slide,
  slideCount,
  removeBlocked,
  onChanged,
  onError,
}: {
  deckId: string;
  slide: { id: string; position: number; title: string };
  slideCount: number;
  /** Why the slide cannot be removed now (its render is under way); null when it can. */
  removeBlocked: string | null;
  onChanged: () => Promise<void>;
  onError: (message: string) => void;
}) {
  const trpc = useTRPC();
  const failed = (failure: { message: string }) => onError(failure.message);
  const move = useMutation(trpc.slides.moveSlide.mutationOptions({ onSuccess: onChanged, onError: failed }));
  const remove = useMutation(trpc.slides.removeSlide.mutationOptions({ onSuccess: onChanged, onError: failed }));
  // Positions on the page count from 1; the server's from 0.
  const index = slide.position - 1;
  return (
    <div className="ml-auto flex items-center gap-1" role="group" aria-label={`Arrange slide ${slide.position}`}>
      <Button
        variant="ghost"
        className="px-2 py-1 text-xs"
        disabled={index === 0 || move.isPending}
        onClick={() => move.mutate({ deckId, slideId: slide.id, position: index - 1 })}
        aria-label={`Move slide ${slide.position} earlier`}
        title="Move earlier"
      >
        ←
      </Button>
      <Button
        variant="ghost"
        className="px-2 py-1 text-xs"
        disabled={index === slideCount - 1 || move.isPending}
        onClick={() => move.mutate({ deckId, slideId: slide.id, position: index + 1 })}
        aria-label={`Move slide ${slide.position} later`}
        title="Move later"
      >
        →
      </Button>
      <Button
        variant="danger"
        className="border-transparent px-2 py-1 text-xs"
        pending={remove.isPending}
        disabled={slideCount === 1 || removeBlocked !== null}
        title={slideCount === 1 ? "A deck needs at least 1 slide" : (removeBlocked ?? "Remove this slide and its images")}
        onClick={() => {
          if (window.confirm(`Remove slide ${slide.position}, “${slide.title}”, and its images? This cannot be undone.`)) remove.mutate({ deckId, slideId: slide.id });
        }}
      >
        Remove
      </Button>
    </div>
  );
}

export function AddSlide({ deckId, limits, full, onAdded }: { deckId: string; limits: SlideLimits & { slides: number }; full: boolean; onAdded: () => Promise<void> }) {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<SlideFieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const add = useMutation(trpc.slides.addSlide.mutationOptions());

  if (!open) {
    return (
      <div className="flex flex-wrap items-center gap-3">
        <Button variant="secondary" onClick={() => setOpen(true)} disabled={full} title={full ? `A deck has at most ${limits.slides} slides` : undefined}>
          Add a slide
        </Button>
        <span className="text-xs text-stone-500">New slides are added at the end and render when you ask.</span>
      </div>
    );
  }
  return (
    <section aria-label="Add a slide" className="max-w-xl rounded-2xl border border-stone-200 bg-white p-4 shadow-sm">
      <h2 className="mb-3 font-semibold">Add a slide</h2>
      <SlideEditor
        slide={{ title: "", text: "", imagePrompt: "" }}
        formLabel="New slide"
        promptWritten={false}
        limits={limits}
        pending={add.isPending}
        regenerateBlocked={null}
        fieldErrors={fieldErrors}
        formError={formError}
        saveLabels={{ save: "Add slide", regenerate: null }}
        onSave={async (values) => {
          setFieldErrors({});
          setFormError(null);
          try {
            await add.mutateAsync({ deckId, title: values.title, text: values.text, imagePrompt: values.imagePrompt });
            setOpen(false);
            await onAdded();
          } catch (failure) {
            const errors = serverFieldErrors(failure);
            setFieldErrors(errors);
            setFormError(Object.keys(errors).length ? null : (failure as { message: string }).message);
          }
        }}
        onCancel={() => setOpen(false)}
      />
    </section>
  );
}
