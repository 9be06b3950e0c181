"use client";
// The options of a new persona or batch: language, content rating (mature only where the team
// allows it), number of posts and lorebook entries, and whether to render an avatar.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { SelectField, TextField } from "@/components/ui/field";
import { useTRPC } from "@/trpc/react";
import type { RouterInputs } from "@/trpc/router-types";

export interface OptionsValue {
  language: string;
  contentRating: "general" | "mature";
  postCount: string;
  lorebookEntryCount: string;
  avatar: boolean;
}

export type OptionErrors = Partial<Record<"language" | "contentRating" | "postCount" | "lorebookEntryCount", string>>;

export const DEFAULT_OPTIONS: OptionsValue = { language: "", contentRating: "general", postCount: "10", lorebookEntryCount: "6", avatar: true };

type OptionsInput = NonNullable<RouterInputs["persona"]["createFromDescription"]["options"]>;

/** The options as the procedures take them, or the fields to fix. */
export function readOptions(value: OptionsValue): { options: OptionsInput; errors: OptionErrors } {
  const errors: OptionErrors = {};
  const postCount = Number(value.postCount);
  const lorebookEntryCount = Number(value.lorebookEntryCount);
  if (!Number.isInteger(postCount) || postCount < 1 || postCount > 30) errors.postCount = "Choose between 1 and 30 posts.";
  if (!Number.isInteger(lorebookEntryCount) || lorebookEntryCount < 1 || lorebookEntryCount > 20) errors.lorebookEntryCount = "Choose between 1 and 20 entries.";
  if (value.language.trim().length > 40) errors.language = "Use at most 40 characters.";
  return {
    options: { language: value.language.trim() || undefined, contentRating: value.contentRating, postCount, lorebookEntryCount, avatar: value.avatar },
    errors,
  };
}

/** Server refusals of the options ("options.postCount") as field errors. */
export function optionErrorsOf(error: unknown): OptionErrors {
  const data = (error as { data?: { field?: string | null; fieldErrors?: Record<string, string> | null } }).data;
  const found: OptionErrors = {};
  for (const [path, message] of Object.entries(data?.fieldErrors ?? {})) {
    const key = path.replace(/^options\./, "") as keyof OptionErrors;
    if (["language", "contentRating", "postCount", "lorebookEntryCount"].includes(key)) found[key] = message;
  }
  if (data?.field === "contentRating") found.contentRating = (error as Error).message;
  return found;
}

export function PersonaOptionsCard({ value, onChange, errors }: { value: OptionsValue; onChange: (value: OptionsValue) => void; errors: OptionErrors }) {
  const trpc = useTRPC();
  const settings = useQuery(trpc.persona.teamSettings.get.queryOptions());
  const allowMature = settings.data?.allowMature ?? false;
  const set = (patch: Partial<OptionsValue>) => onChange({ ...value, ...patch });

  return (
    <Card className="space-y-4">
      <h2 className="font-semibold">Options</h2>
      <TextField
        label="Language (optional)"
        value={value.language}
        onChange={(event) => set({ language: event.target.value })}
        maxLength={40}
        placeholder="Same as the source"
        error={errors.language}
      />
      <div>
        <SelectField
          label="Content rating"
          value={value.contentRating}
          onChange={(event) => set({ contentRating: event.target.value as OptionsValue["contentRating"] })}
          error={errors.contentRating}
        >
          <option value="general">General audience</option>
          {allowMature ? <option value="mature">Mature</option> : null}
        </SelectField>
        {settings.data && !allowMature ? (
          <p className="mt-1 text-xs text-stone-500">
            Mature content is off for this team.{" "}
            {settings.data.canChange ? (
              <Link href="/team" className="text-accent hover:underline">
                Allow it in team settings
              </Link>
            ) : (
              "A team owner or admin can allow it."
            )}
          </p>
        ) : null}
      </div>
      <div className="grid grid-cols-2 gap-3">
        <TextField
          label="Posts"
          type="number"
          min={1}
          max={30}
          value={value.postCount}
          onChange={(event) => set({ postCount: event.target.value })}
          error={errors.postCount}
        />
        <TextField
          label="Lorebook entries"
          type="number"
          min={1}
          max={20}
          value={value.lorebookEntryCount}
          onChange={(event) => set({ lorebookEntryCount: event.target.value })}
          error={errors.lorebookEntryCount}
        />
      </div>
      <label className="flex items-start gap-2 text-sm text-stone-700">
        <input type="checkbox" checked={value.avatar} onChange={(event) => set({ avatar: event.target.checked })} className="mt-0.5 size-4 accent-indigo-600" />
        <span>Render an avatar from the visual profile</span>
      </label>
    </Card>
  );
}
