"use client";
// The right-hand column of the new-deck form: the style every slide shares, the aspect ratio,
// quality and workers (kept within the server's limits, which are shown).
import { useId } from "react";
import { Card } from "@/components/ui/card";
import { SelectField, TextField } from "@/components/ui/field";
import type { RouterInputs, RouterOutputs } from "@/trpc/router-types";
import { aspectRatioLabels, clampedWorkers, presetLabel } from "./deck-format";

export type DeckOptions = RouterOutputs["slides"]["options"];
export type AspectRatio = DeckOptions["aspectRatios"][number];
export type Quality = DeckOptions["qualities"][number];
export type StylePreset = RouterInputs["slides"]["create"]["stylePreset"];

export interface DeckSettings {
  stylePreset: StylePreset;
  styleText: string;
  aspectRatio: AspectRatio;
  quality: Quality;
  /** As typed; kept within 1…maxWorkers when the field is left. */
  workers: string;
}

export const initialSettings = (options: DeckOptions | undefined): DeckSettings => ({
  stylePreset: (options?.stylePresets[0]?.name ?? "custom") as StylePreset,
  styleText: "",
  aspectRatio: "16:9",
  quality: "standard",
  workers: String(options?.defaultWorkers ?? 5),
});

const ratioShapes: Record<string, string> = { "16:9": "h-4 w-7", "4:3": "h-5 w-6", "1:1": "size-5", "9:16": "h-7 w-4" };

export function DeckSettingsFields({
  options,
  settings,
  onChange,
  errors,
}: {
  options: DeckOptions;
  settings: DeckSettings;
  onChange: (settings: DeckSettings) => void;
  errors: Record<string, string>;
}) {
  const set = (patch: Partial<DeckSettings>) => onChange({ ...settings, ...patch });
  const preset = options.stylePresets.find((entry) => entry.name === settings.stylePreset);
  const typedWorkers = Number(settings.workers);
  const overLimit = Number.isFinite(typedWorkers) && typedWorkers > options.maxWorkers;
  const ratioLabel = useId();

  return (
    <>
      <Card className="space-y-4">
        <h2 className="font-semibold">Style</h2>
        <div>
          <SelectField label="Style preset" value={settings.stylePreset} onChange={(event) => set({ stylePreset: event.target.value as StylePreset })}>
            {options.stylePresets.map((entry) => (
              <option key={entry.name} value={entry.name}>
                {presetLabel(entry.name)}
              </option>
            ))}
            <option value="custom">Custom…</option>
          </SelectField>
          {preset ? <p className="mt-1 text-xs italic text-stone-500">{preset.prompt}</p> : null}
        </div>
        <TextField
          label={settings.stylePreset === "custom" ? "Describe the style" : "Extra style notes (optional)"}
          value={settings.styleText}
          onChange={(event) => set({ styleText: event.target.value })}
          maxLength={options.limits.styleText}
          error={errors.styleText}
          placeholder={settings.stylePreset === "custom" ? "linocut print, two inks, warm paper" : "warm evening light"}
          hint="Shared by every slide, so the images match."
        />
      </Card>

      <Card className="space-y-4">
        <h2 className="font-semibold">Images</h2>
        <fieldset>
          <legend id={ratioLabel} className="mb-1 block text-sm font-medium text-stone-700">
            Aspect ratio
          </legend>
          <div className="grid grid-cols-4 gap-2" role="radiogroup" aria-labelledby={ratioLabel}>
            {options.aspectRatios.map((ratio) => (
              <label
                key={ratio}
                title={aspectRatioLabels[ratio]}
                className="relative flex cursor-pointer flex-col items-center gap-1.5 rounded-lg border border-stone-300 bg-white px-1 py-2 text-xs font-medium text-stone-700 has-[:checked]:border-accent has-[:checked]:bg-indigo-50 has-[:checked]:text-indigo-900 has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-accent/40"
              >
                <input
                  type="radio"
                  name="aspectRatio"
                  value={ratio}
                  checked={settings.aspectRatio === ratio}
                  onChange={() => set({ aspectRatio: ratio })}
                  className="absolute inset-0 cursor-pointer opacity-0"
                />
                <span className="grid h-7 place-items-center" aria-hidden>
                  <span className={`${ratioShapes[ratio]} rounded-sm border-2 border-current`} />
                </span>
                {ratio}
              </label>
            ))}
          </div>
        </fieldset>
        <SelectField label="Quality" value={settings.quality} onChange={(event) => set({ quality: event.target.value as Quality })}>
          {options.qualities.map((quality) => (
            <option key={quality} value={quality}>
              {quality === "hd" ? "HD" : "Standard"}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Workers"
          type="number"
          min={1}
          max={options.maxWorkers}
          value={settings.workers}
          onChange={(event) => set({ workers: event.target.value })}
          onBlur={() => set({ workers: String(clampedWorkers(settings.workers, options.maxWorkers) ?? options.defaultWorkers) })}
          error={errors.maxWorkers ?? (overLimit ? `This server allows at most ${options.maxWorkers} workers; ${options.maxWorkers} will be used.` : null)}
          hint={`Slides rendered at once: 1 to ${options.maxWorkers} on this server (1 = one after another). Default ${options.defaultWorkers}.`}
        />
        <p className="text-xs text-stone-500">
          This server renders {options.maxConcurrentDecks === 1 ? "one deck or story" : `up to ${options.maxConcurrentDecks} decks and stories`} at
          once; later ones wait in line and show their place.
        </p>
      </Card>
    </>
  );
}
