"use client";
// The form that changes a slide of a deck: its title, text and image prompt, each with its error
// beside it (checked here first, then by the server). Only what changed is sent, so a prompt the
// text model wrote is written again from new words unless the user edits the prompt too.
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { FormError, TextAreaField, TextField } from "@/components/ui/field";

export interface SlideWords {
  title: string;
  text: string;
  imagePrompt: string;
}

export interface SlideLimits {
  slideTitle: number;
  slideText: number;
  imagePrompt: number;
}

export type SlideFieldErrors = Partial<Record<keyof SlideWords, string>>;

/** The fields that differ from the slide, trimmed as the server stores them. */
export function changesOf(slide: SlideWords, values: SlideWords): Partial<SlideWords> {
  const changes: Partial<SlideWords> = {};
  for (const field of ["title", "text", "imagePrompt"] as const) {
    const value = values[field].trim();
    if (value !== slide[field]) changes[field] = value;
  }
  return changes;
}

/** What the server would refuse, with the same messages. */
export function slideFieldErrors(values: SlideWords, limits: SlideLimits): SlideFieldErrors {
  const errors: SlideFieldErrors = {};
  const title = values.title.trim();
  if (!title) errors.title = "Every slide needs a title";
  else if (title.length > limits.slideTitle) errors.title = `A slide title has at most ${limits.slideTitle} characters`;
  if (values.text.trim().length > limits.slideText) errors.text = `A slide's text has at most ${limits.slideText.toLocaleString("en")} characters`;
  if (values.imagePrompt.trim().length > limits.imagePrompt) errors.imagePrompt = `An image prompt has at most ${limits.imagePrompt.toLocaleString("en")} characters`;
  return errors;
}

/** The field errors in a refusal from the slides router (its input schema names each field). */
export function serverFieldErrors(failure: unknown): SlideFieldErrors {
  const fieldErrors = (failure as { data?: { fieldErrors?: Record<string, string> | null } }).data?.fieldErrors ?? {};
  const errors: SlideFieldErrors = {};
  for (const field of ["title", "text", "imagePrompt"] as const) if (fieldErrors[field]) errors[field] = fieldErrors[field];
  return errors;
}

export function SlideEditor({
  slide,
  formLabel,
  promptWritten,
  limits,
  pending,
  regenerateBlocked,
  fieldErrors,
  formError,
  saveLabels = { save: "Save", regenerate: "Save and regenerate" },
  onSave,
  onCancel,
}: {
  slide: SlideWords;
  formLabel: string;
  promptWritten: boolean;
  limits: SlideLimits;
  pending: boolean;
  /** Why "Save and regenerate" cannot be offered now (the deck's run is going); null when it can. */
  regenerateBlocked: string | null;
  fieldErrors: SlideFieldErrors;
  formError: string | null;
  /** The buttons' words; no second button when `regenerate` is null. */
  saveLabels?: { save: string; regenerate: string | null };
  onSave: (values: SlideWords, regenerate: boolean) => void;
  onCancel: () => void;
}) {
  const [values, setValues] = useState<SlideWords>(slide);
  const [checked, setChecked] = useState<SlideFieldErrors>({});
  const [regenerateAsked, setRegenerateAsked] = useState(false);
  const errors = { ...fieldErrors, ...checked };
  const set = (field: keyof SlideWords) => (event: { target: { value: string } }) => {
    setValues((current) => ({ ...current, [field]: event.target.value }));
    // A field's error goes as soon as it is edited; the next save checks again.
    setChecked((current) => ({ ...current, [field]: undefined }));
  };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    const regenerate = submitter?.value === "regenerate";
    setRegenerateAsked(regenerate);
    const found = slideFieldErrors(values, limits);
    setChecked(found);
    if (Object.keys(found).length === 0) onSave(values, regenerate);
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-3" aria-label={formLabel}>
      <TextField label="Title" value={values.title} onChange={set("title")} maxLength={limits.slideTitle} error={errors.title} autoFocus />
      <TextAreaField label="Text" value={values.text} onChange={set("text")} rows={3} maxLength={limits.slideText} error={errors.text} />
      <TextAreaField
        label="Image prompt"
        value={values.imagePrompt}
        onChange={set("imagePrompt")}
        rows={4}
        maxLength={limits.imagePrompt}
        error={errors.imagePrompt}
        hint={
          promptWritten && values.imagePrompt === slide.imagePrompt
            ? "Written by the text model. Leave it as it is to have it written again from a new title or text; the deck's style is added to it."
            : "Leave it empty to have the text model write it from the title and text; the deck's style is added to it."
        }
      />
      <FormError message={formError} />
      <div className="flex flex-wrap gap-2">
        <Button type="submit" value="save" pending={pending && !regenerateAsked}>
          {saveLabels.save}
        </Button>
        {saveLabels.regenerate ? (
          <Button
            type="submit"
            value="regenerate"
            variant="secondary"
            pending={pending && regenerateAsked}
            disabled={regenerateBlocked !== null}
            title={regenerateBlocked ?? undefined}
          >
            {saveLabels.regenerate}
          </Button>
        ) : null}
        <Button type="button" variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
