"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { FormError, TextField } from "@/components/ui/field";
import { useTRPC } from "@/trpc/react";
import { clampedWorkers } from "./deck-format";
import { DeckSettingsFields, initialSettings, type DeckOptions, type DeckSettings } from "./deck-settings-fields";
import { OutlineEditor, type OutlinePreview } from "./outline-editor";
import { emptySlide, SlideListEditor, type DraftSlide } from "./slide-list-editor";

type Mode = "slides" | "outline";
type Errors = Record<string, string>;

/** The server's field errors (slides.2.title, styleText…), else its message for the whole form. */
function serverErrors(error: unknown): Errors {
  const data = (error as { data?: { fieldErrors?: Errors | null; field?: string | null } }).data;
  if (data?.fieldErrors) return data.fieldErrors;
  const message = (error as Error).message;
  return data?.field ? { [data.field]: message } : { form: message };
}

export function NewDeckForm() {
  const trpc = useTRPC();
  const options = useQuery(trpc.slides.options.queryOptions());
  if (options.error) return <FormError message={options.error.message} />;
  if (!options.data) return <div className="h-96 animate-pulse rounded-2xl bg-stone-100" aria-label="Loading the form" />;
  return <DeckForm options={options.data} />;
}

function DeckForm({ options }: { options: DeckOptions }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<Mode>("slides");
  const [title, setTitle] = useState("");
  const [slides, setSlides] = useState<DraftSlide[]>(() => [emptySlide(), emptySlide(), emptySlide()]);
  const [outline, setOutline] = useState("");
  const [preview, setPreview] = useState<OutlinePreview | null>(null);
  const [settings, setSettings] = useState<DeckSettings>(() => initialSettings(options));
  const [errors, setErrors] = useState<Errors>({});
  const create = useMutation(trpc.slides.create.mutationOptions());
  const createFromOutline = useMutation(trpc.slides.createFromOutline.mutationOptions());
  const { limits } = options;

  function check(): Errors {
    const found: Errors = {};
    const trimmedTitle = title.trim();
    if (mode === "slides" && !trimmedTitle) found.title = "Give the deck a title.";
    if (trimmedTitle.length > limits.deckTitle) found.title = `A deck title has at most ${limits.deckTitle} characters`;
    if (settings.stylePreset === "custom" && !settings.styleText.trim()) found.styleText = "Describe the style you want.";
    if (clampedWorkers(settings.workers, options.maxWorkers) === null) found.maxWorkers = `Choose between 1 and ${options.maxWorkers} workers.`;
    if (mode === "slides") {
      slides.forEach((slide, index) => {
        if (!slide.title.trim()) found[`slides.${index}.title`] = "Every slide needs a title";
      });
    } else if (!outline.trim()) found.outline = "Paste an outline or markdown with one heading per slide";
    else if (preview?.problem) found.outline = preview.problem;
    return found;
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found = check();
    setErrors(found);
    if (Object.keys(found).length) return;
    const shared = {
      stylePreset: settings.stylePreset,
      styleText: settings.styleText.trim() || undefined,
      aspectRatio: settings.aspectRatio,
      quality: settings.quality,
      maxWorkers: clampedWorkers(settings.workers, options.maxWorkers)!,
    };
    try {
      const { deckId } =
        mode === "slides"
          ? await create.mutateAsync({
              ...shared,
              title: title.trim(),
              slides: slides.map((slide) => ({ title: slide.title.trim(), text: slide.text.trim(), imagePrompt: slide.imagePrompt.trim() })),
            })
          : await createFromOutline.mutateAsync({ ...shared, title: title.trim() || undefined, outline });
      await queryClient.invalidateQueries({ queryKey: trpc.slides.list.queryKey() });
      router.push(`/decks/${deckId}`);
    } catch (error) {
      setErrors(serverErrors(error));
    }
  }

  const slideCount = mode === "slides" ? slides.length : (preview?.slides.length ?? 0);
  const pending = create.isPending || createFromOutline.isPending;
  return (
    <form onSubmit={submit} noValidate aria-label="New deck" className="grid gap-6 lg:grid-cols-[1fr_22rem]">
      <Card className="min-w-0 space-y-5">
        <FormError message={errors.form ?? errors.input} />
        <TextField
          label={mode === "outline" ? "Deck title (optional)" : "Deck title"}
          value={title}
          onChange={(event) => setTitle(event.target.value)}
          maxLength={limits.deckTitle}
          error={errors.title}
          placeholder={mode === "outline" ? (preview?.suggestedTitle ?? "The first heading") : "Quarterly review"}
          hint={mode === "outline" ? "Left empty, the deck is named after its first slide." : undefined}
        />
        <div role="tablist" aria-label="How to enter the slides" className="flex gap-1 rounded-xl bg-stone-100 p-1">
          {(
            [
              ["slides", "Slide by slide"],
              ["outline", "Paste an outline or markdown"],
            ] as const
          ).map(([value, label]) => (
            <button
              key={value}
              type="button"
              role="tab"
              aria-selected={mode === value}
              onClick={() => {
                setMode(value);
                setErrors({});
              }}
              className="flex-1 rounded-lg px-3 py-1.5 text-sm font-medium text-stone-600 aria-selected:bg-white aria-selected:text-stone-900 aria-selected:shadow-sm"
            >
              {label}
            </button>
          ))}
        </div>
        {mode === "slides" ? (
          <SlideListEditor slides={slides} onChange={setSlides} limits={limits} errors={errors} />
        ) : (
          <OutlineEditor outline={outline} onChange={setOutline} maxCharacters={limits.outline} error={errors.outline} onPreview={setPreview} />
        )}
      </Card>

      <div className="space-y-4">
        <DeckSettingsFields options={options} settings={settings} onChange={setSettings} errors={errors} />
        <Button type="submit" pending={pending} className="w-full py-3">
          {slideCount > 0 ? `Create deck and render ${slideCount} ${slideCount === 1 ? "slide" : "slides"}` : "Create deck"}
        </Button>
      </div>
    </form>
  );
}
