"use client";
// The slides of a new deck, one row each: title, text and an optional image prompt; add, remove
// and move up or down. Errors are keyed like the server's field errors (slides.<index>.title).
import { Button } from "@/components/ui/button";
import type { DeckOptions } from "./deck-settings-fields";

export interface DraftSlide {
  /** Stable across reordering, for React keys only. */
  key: string;
  title: string;
  text: string;
  imagePrompt: string;
}

export const emptySlide = (): DraftSlide => ({ key: crypto.randomUUID(), title: "", text: "", imagePrompt: "" });

const control =
  "block w-full rounded-lg border bg-white px-3 py-2 text-sm text-stone-900 shadow-sm placeholder:text-stone-400 focus:border-accent focus:outline-none focus:ring-2 focus:ring-accent/30";

export function SlideListEditor({
  slides,
  onChange,
  limits,
  errors,
}: {
  slides: DraftSlide[];
  onChange: (slides: DraftSlide[]) => void;
  limits: DeckOptions["limits"];
  errors: Record<string, string>;
}) {
  const update = (index: number, patch: Partial<DraftSlide>) => onChange(slides.map((slide, at) => (at === index ? { ...slide, ...patch } : slide)));
  const move = (index: number, by: -1 | 1) => {
    const next = [...slides];
    const [moved] = next.splice(index, 1);
    next.splice(index + by, 0, moved!);
    onChange(next);
  };
  const full = slides.length >= limits.slides;

  return (
    <div className="space-y-4">
      <ol className="space-y-4" aria-label="Slides">
        {slides.map((slide, index) => {
          const number = index + 1;
          const error = (field: string) => errors[`slides.${index}.${field}`];
          return (
            <li key={slide.key} className="rounded-xl border border-stone-200 bg-stone-50/60 p-4" aria-label={`Slide ${number}`} data-testid="slide-row">
              <div className="mb-3 flex flex-wrap items-center gap-2">
                <span className="grid size-7 place-items-center rounded-full bg-indigo-100 text-xs font-semibold text-indigo-800" aria-hidden>
                  {number}
                </span>
                <span className="text-sm font-medium text-stone-700">Slide {number}</span>
                <div className="ml-auto flex gap-1">
                  <Button type="button" variant="ghost" className="px-2 py-1 text-xs" onClick={() => move(index, -1)} disabled={index === 0} aria-label={`Move slide ${number} up`}>
                    ↑ Up
                  </Button>
                  <Button
                    type="button"
                    variant="ghost"
                    className="px-2 py-1 text-xs"
                    onClick={() => move(index, 1)}
                    disabled={index === slides.length - 1}
                    aria-label={`Move slide ${number} down`}
                  >
                    ↓ Down
                  </Button>
                  <Button
                    type="button"
                    variant="ghost"
                    className="px-2 py-1 text-xs text-red-700"
                    onClick={() => onChange(slides.filter((_, at) => at !== index))}
                    disabled={slides.length === 1}
                    aria-label={`Remove slide ${number}`}
                  >
                    Remove
                  </Button>
                </div>
              </div>
              <div className="grid gap-3">
                <Input label="Title" value={slide.title} maxLength={limits.slideTitle} error={error("title")} placeholder="Where we are" onChange={(title) => update(index, { title })} />
                <Input
                  label="Text"
                  multiline
                  value={slide.text}
                  maxLength={limits.slideText}
                  error={error("text")}
                  placeholder="What the slide says (optional)"
                  onChange={(text) => update(index, { text })}
                />
                <Input
                  label="Image prompt (optional)"
                  multiline
                  value={slide.imagePrompt}
                  maxLength={limits.imagePrompt}
                  error={error("imagePrompt")}
                  placeholder="Left empty, the text model writes one from the title and text"
                  onChange={(imagePrompt) => update(index, { imagePrompt })}
                />
              </div>
            </li>
          );
        })}
      </ol>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="button" variant="secondary" onClick={() => onChange([...slides, emptySlide()])} disabled={full}>
          Add slide
        </Button>
        <span className={`text-xs ${full ? "text-amber-800" : "text-stone-500"}`}>
          {slides.length} / {limits.slides} slides{full ? " — the most a deck can have" : ""}
        </span>
      </div>
      {errors.slides ? (
        <p role="alert" className="text-sm text-red-700">
          {errors.slides}
        </p>
      ) : null}
    </div>
  );
}

function Input({
  label,
  value,
  onChange,
  maxLength,
  error,
  placeholder,
  multiline = false,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  maxLength: number;
  error?: string;
  placeholder: string;
  multiline?: boolean;
}) {
  const className = `${control} mt-1 ${error ? "border-red-400" : "border-stone-300"}`;
  return (
    <label className="block text-xs font-medium text-stone-600">
      {label}
      {multiline ? (
        <textarea value={value} onChange={(event) => onChange(event.target.value)} maxLength={maxLength} rows={2} placeholder={placeholder} aria-invalid={error ? true : undefined} className={className} />
      ) : (
        <input value={value} onChange={(event) => onChange(event.target.value)} maxLength={maxLength} placeholder={placeholder} aria-invalid={error ? true : undefined} className={className} />
      )}
      {error ? (
        <span role="alert" className="mt-1 block text-sm font-normal text-red-700">
          {error}
        </span>
      ) : null}
    </label>
  );
}
