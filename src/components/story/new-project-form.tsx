"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { FormError, SelectField, TextField } from "@/components/ui/field";
import { useTRPC } from "@/trpc/react";

const MAX_STORY_CHARACTERS = 100_000;
const SIZES = [
  { value: "1792x1024", label: "Landscape (1792×1024)" },
  { value: "1024x1024", label: "Square (1024×1024)" },
  { value: "1024x1792", label: "Portrait (1024×1792)" },
] as const;

type Errors = Partial<Record<"title" | "story" | "sceneCount" | "styleText" | "maxWorkers" | "form", string>>;

export function NewProjectForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const options = useQuery(trpc.story.options.queryOptions());
  const [story, setStory] = useState("");
  const [automaticScenes, setAutomaticScenes] = useState(false);
  const [preset, setPreset] = useState("cinematic");
  // Starts at the server's default once it is known, unless the user already typed a number.
  const [workers, setWorkers] = useState<string | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const create = useMutation(trpc.story.create.mutationOptions());

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const title = String(form.get("title") ?? "").trim();
    const sceneCount = automaticScenes ? null : Number(form.get("sceneCount"));
    const maxWorkers = Number(workers ?? options.data?.defaultWorkers ?? 5);
    const styleText = String(form.get("styleText") ?? "").trim();
    const found: Errors = {};
    if (!title) found.title = "Give the project a title.";
    if (!story.trim()) found.story = "Paste the story to illustrate.";
    else if (story.trim().length > MAX_STORY_CHARACTERS) found.story = `The story is too long: at most ${MAX_STORY_CHARACTERS.toLocaleString("en")} characters.`;
    if (sceneCount !== null && (!Number.isInteger(sceneCount) || sceneCount < 1 || sceneCount > 50)) found.sceneCount = "Choose between 1 and 50 scenes.";
    if (preset === "custom" && !styleText) found.styleText = "Describe the style you want.";
    const maximum = options.data?.maxWorkers ?? 20;
    if (!Number.isInteger(maxWorkers) || maxWorkers < 1 || maxWorkers > maximum) found.maxWorkers = `Choose between 1 and ${maximum} workers.`;
    setErrors(found);
    if (Object.keys(found).length) return;

    try {
      const { projectId } = await create.mutateAsync({
        title,
        story,
        sceneCount,
        language: String(form.get("language") ?? "").trim() || undefined,
        stylePreset: preset as "cinematic",
        styleText: styleText || undefined,
        size: String(form.get("size")) as (typeof SIZES)[number]["value"],
        quality: String(form.get("quality")) as "standard" | "hd",
        maxWorkers,
        reviewPrompts: form.get("reviewPrompts") === "on",
      });
      await queryClient.invalidateQueries({ queryKey: trpc.story.list.queryKey() });
      router.push(`/projects/${projectId}`);
    } catch (error) {
      const fieldErrors = (error as { data?: { fieldErrors?: Record<string, string> | null } }).data?.fieldErrors;
      setErrors(fieldErrors ? { ...fieldErrors } : { form: (error as Error).message });
    }
  }

  const storyLength = story.trim().length;
  return (
    <form onSubmit={submit} noValidate aria-label="New story project" className="grid gap-6 lg:grid-cols-[1fr_22rem]">
      <Card className="space-y-5">
        <FormError message={errors.form} />
        <TextField label="Title" name="title" maxLength={200} error={errors.title} placeholder="The Lighthouse Keeper" />
        <div>
          <label htmlFor="story" className="mb-1 block text-sm font-medium text-stone-700">
            Story
          </label>
          <textarea
            id="story"
            name="story"
            value={story}
            onChange={(event) => setStory(event.target.value)}
            rows={18}
            aria-invalid={errors.story ? true : undefined}
            aria-describedby="story-help"
            placeholder="Paste your story here…"
            className={`block w-full rounded-lg border bg-white px-3 py-2 font-serif text-base leading-relaxed shadow-sm focus:border-accent focus:outline-none focus:ring-2 focus:ring-accent/30 ${errors.story ? "border-red-400" : "border-stone-300"}`}
          />
          <div id="story-help" className="mt-1 flex justify-between text-xs">
            <span className="text-red-700" role={errors.story ? "alert" : undefined}>
              {errors.story}
            </span>
            <span className={storyLength > MAX_STORY_CHARACTERS ? "text-red-700" : "text-stone-500"}>
              {storyLength.toLocaleString("en")} / {MAX_STORY_CHARACTERS.toLocaleString("en")}
            </span>
          </div>
        </div>
      </Card>

      <div className="space-y-4">
        <Card className="space-y-4">
          <h2 className="font-semibold">Scenes</h2>
          <TextField
            label="Number of scenes"
            name="sceneCount"
            type="number"
            min={1}
            max={50}
            defaultValue={6}
            disabled={automaticScenes}
            error={errors.sceneCount}
          />
          <label className="flex items-center gap-2 text-sm text-stone-700">
            <input type="checkbox" checked={automaticScenes} onChange={(event) => setAutomaticScenes(event.target.checked)} className="size-4 accent-indigo-600" />
            Let the analysis decide
          </label>
          <TextField label="Language (optional)" name="language" maxLength={40} placeholder="Same as the story" />
        </Card>

        <Card className="space-y-4">
          <h2 className="font-semibold">Pictures</h2>
          <SelectField label="Style" name="stylePreset" value={preset} onChange={(event) => setPreset(event.target.value)}>
            {(options.data?.stylePresets ?? ["cinematic"]).map((name) => (
              <option key={name} value={name}>
                {name[0]!.toUpperCase() + name.slice(1)}
              </option>
            ))}
            <option value="custom">Custom…</option>
          </SelectField>
          <TextField
            label={preset === "custom" ? "Describe the style" : "Extra style notes (optional)"}
            name="styleText"
            maxLength={300}
            error={errors.styleText}
            placeholder="muted autumn palette"
          />
          <SelectField label="Image size" name="size" defaultValue="1792x1024">
            {SIZES.map((size) => (
              <option key={size.value} value={size.value}>
                {size.label}
              </option>
            ))}
          </SelectField>
          <SelectField label="Quality" name="quality" defaultValue="standard">
            <option value="standard">Standard</option>
            <option value="hd">HD</option>
          </SelectField>
          <TextField
            label="Workers"
            name="maxWorkers"
            type="number"
            min={1}
            max={options.data?.maxWorkers ?? 20}
            value={workers ?? String(options.data?.defaultWorkers ?? 5)}
            onChange={(event) => setWorkers(event.target.value)}
            error={errors.maxWorkers}
            hint={`Images rendered at once (1 = one after another, at most ${options.data?.maxWorkers ?? 20}).`}
          />
          <label className="flex items-start gap-2 text-sm text-stone-700">
            <input type="checkbox" name="reviewPrompts" className="mt-0.5 size-4 accent-indigo-600" />
            <span>Stop after the prompts so I can review them before rendering</span>
          </label>
        </Card>
        <Button type="submit" pending={create.isPending} className="w-full py-3">
          Create storyboard
        </Button>
      </div>
    </form>
  );
}
