"use client";
// "Paste an outline or markdown": each heading (or each line at the left margin) becomes a slide.
// The server parses it whenever typing pauses (slides.previewOutline, nothing stored) and names
// the limit a slide breaks, so what the preview shows is what the deck will have.
import { useMutation } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useTRPC } from "@/trpc/react";
import type { RouterOutputs } from "@/trpc/router-types";

export type OutlinePreview = RouterOutputs["slides"]["previewOutline"];

const EXAMPLE = `# Where we are
Revenue grew 12% in the north; the south is flat.

# What customers told us
- Faster onboarding
- Fewer steps at checkout
Prompt: a crowd of people holding speech bubbles, seen from above`;

/** The outline after the user paused typing for a moment. */
function useSettled(value: string, delayMs: number) {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}

export function OutlineEditor({
  outline,
  onChange,
  maxCharacters,
  error,
  onPreview,
}: {
  outline: string;
  onChange: (outline: string) => void;
  maxCharacters: number;
  error?: string;
  /** The latest preview of the settled outline (null while empty). */
  onPreview: (preview: OutlinePreview | null) => void;
}) {
  const trpc = useTRPC();
  const settled = useSettled(outline, 300);
  const enabled = settled.trim().length > 0 && settled.length <= maxCharacters;
  // A mutation, so the outline travels in a POST body; only the answer to the latest outline counts.
  const { mutateAsync: previewOutline, isPending: reading } = useMutation(trpc.slides.previewOutline.mutationOptions());
  const [answer, setAnswer] = useState<{ data: OutlinePreview | null; error: string | null }>({ data: null, error: null });
  const latest = useRef(0);
  useEffect(() => {
    const request = ++latest.current;
    if (!enabled) {
      setAnswer({ data: null, error: null });
      return;
    }
    previewOutline({ outline: settled }).then(
      (data) => request === latest.current && setAnswer({ data, error: null }),
      (error: Error) => request === latest.current && setAnswer({ data: null, error: error.message }),
    );
  }, [settled, enabled, previewOutline]);
  const data = answer.data;
  useEffect(() => onPreview(data), [data, onPreview]);

  const tooLong = outline.length > maxCharacters;
  const problem = tooLong ? `The outline has at most ${maxCharacters.toLocaleString("en")} characters` : (data?.problem ?? answer.error);

  return (
    <div className="space-y-4">
      <div>
        <label htmlFor="outline" className="mb-1 block text-sm font-medium text-stone-700">
          Outline or markdown
        </label>
        <textarea
          id="outline"
          value={outline}
          onChange={(event) => onChange(event.target.value)}
          rows={14}
          spellCheck={false}
          aria-invalid={error || problem ? true : undefined}
          aria-describedby="outline-help"
          placeholder={EXAMPLE}
          className={`block w-full rounded-lg border bg-white px-3 py-2 font-mono text-sm leading-relaxed shadow-sm focus:border-accent focus:outline-none focus:ring-2 focus:ring-accent/30 ${error || problem ? "border-red-400" : "border-stone-300"}`}
        />
        <div id="outline-help" className="mt-1 flex justify-between gap-3 text-xs text-stone-500">
          <span>Each heading is a slide; the lines under it are its text. A line “Prompt: …” sets the slide&apos;s image prompt.</span>
          <span className={`shrink-0 ${tooLong ? "text-red-700" : ""}`}>
            {outline.length.toLocaleString("en")} / {maxCharacters.toLocaleString("en")}
          </span>
        </div>
      </div>

      <section aria-label="Slides found" className="rounded-xl border border-stone-200 bg-stone-50/60 p-4">
        <div className="mb-3 flex items-baseline justify-between gap-3">
          <h3 className="text-sm font-semibold text-stone-700">Preview</h3>
          {data ? (
            <span className="text-xs text-stone-500" data-testid="outline-slide-count">
              {data.slides.length} {data.slides.length === 1 ? "slide" : "slides"}
            </span>
          ) : reading ? (
            <span className="text-xs text-stone-500">Reading…</span>
          ) : null}
        </div>
        {problem || error ? (
          <p role="alert" className="mb-3 rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="outline-problem">
            {problem ?? error}
          </p>
        ) : null}
        {data?.warnings.map((warning) => (
          <p key={warning} className="mb-3 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
            {warning}
          </p>
        ))}
        {data && data.slides.length > 0 ? (
          <ol className="grid max-h-[32rem] gap-2 overflow-y-auto pr-1 sm:grid-cols-2" aria-label="Parsed slides">
            {data.slides.map((slide, index) => (
              <li key={index} className="rounded-lg border border-stone-200 bg-white px-3 py-2 text-sm">
                <p className="font-medium">
                  <span className="text-stone-400">{index + 1}.</span> {slide.title}
                </p>
                {slide.text ? <p className="mt-0.5 line-clamp-2 whitespace-pre-line text-xs text-stone-600">{slide.text}</p> : null}
                <p className="mt-1 line-clamp-2 text-xs text-stone-500">
                  {slide.imagePrompt ? <>Prompt: {slide.imagePrompt}</> : <span className="italic">Prompt written by the text model</span>}
                </p>
              </li>
            ))}
          </ol>
        ) : !problem ? (
          <p className="text-sm text-stone-500">Paste an outline: the slides it makes appear here before anything is created.</p>
        ) : null}
      </section>
    </div>
  );
}
