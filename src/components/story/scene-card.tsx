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
import { TaskState } from "./scene-task-state";

type Scene = RouterOutputs["story"]["get"]["scenes"][number];
type SceneImage = Scene["images"][number];

const aspect: Record<string, string> = { "1792x1024": "aspect-[7/4]", "1024x1792": "aspect-[4/7]", "1024x1024": "aspect-square" };

export function SceneCard({
  projectId,
  number,
  scene,
  size,
  imageTask,
  promptTask,
  maxAttempts,
  runActive,
  onChanged,
}: {
  projectId: string;
  number: number;
  scene: Scene;
  size: string;
  imageTask: LiveTask | null;
  promptTask: LiveTask | null;
  maxAttempts: number;
  runActive: boolean;
  onChanged: () => Promise<void>;
}) {
  const trpc = useTRPC();
  const [editing, setEditing] = useState(false);
  const [enlarged, setEnlarged] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const onError = (failure: { message: string }) => setError(failure.message);
  const regenerate = useMutation(trpc.story.regenerateScene.mutationOptions({ onSuccess: () => onChanged(), onError }));
  const makeCurrent = useMutation(
    trpc.story.setCurrentImage.mutationOptions({
      onSuccess: async () => {
        setViewedId(null);
        await onChanged();
      },
      onError,
    }),
  );

  const { current, viewed, setViewedId } = useViewedImage(scene.images, scene.currentImageId);
  const busy = imageTask?.status === "running" || imageTask?.status === "retrying" || imageTask?.status === "waiting";

  return (
    <li className="flex flex-col overflow-hidden rounded-2xl border border-stone-200 bg-white shadow-sm" data-testid="scene-card" aria-label={`Scene ${number}: ${scene.title}`}>
      <ImageFrame
        image={viewed}
        alt={viewed ? `Scene ${number}: ${scene.title} (version ${viewed.version})` : ""}
        enlargeLabel={`Enlarge the picture of scene ${number}`}
        onEnlarge={() => setEnlarged(true)}
        busy={busy}
        emptyText="No picture yet"
        frameClassName={aspect[size] ?? "aspect-video"}
      >
        <span className="absolute left-3 top-3">
          <TaskState imageTask={imageTask} promptTask={promptTask} maxAttempts={maxAttempts} hasImage={Boolean(current)} />
        </span>
      </ImageFrame>

      <div className="flex flex-1 flex-col gap-3 p-4">
        <div>
          <h3 className="font-semibold">
            {number}. {scene.title}
          </h3>
          <p className="text-xs text-stone-500">
            {scene.setting} · {scene.mood}
          </p>
        </div>
        <p className="text-sm leading-relaxed text-stone-700">{scene.summary}</p>
        {scene.charactersPresent.length ? (
          <ul className="flex flex-wrap gap-1.5" aria-label="Characters in the scene">
            {scene.charactersPresent.map((name) => (
              <li key={name} className="rounded-full bg-indigo-50 px-2 py-0.5 text-xs font-medium text-indigo-800">
                {name}
              </li>
            ))}
          </ul>
        ) : null}

        {editing ? (
          <PromptEditor
            projectId={projectId}
            scene={scene}
            onDone={async (saved) => {
              setEditing(false);
              if (saved) await onChanged();
            }}
          />
        ) : (
          <div className="rounded-xl bg-stone-50 p-3 text-sm">
            <p className="mb-1 text-xs font-medium uppercase tracking-wide text-stone-500">Prompt</p>
            <p className="line-clamp-4 text-stone-800" data-testid="scene-prompt">
              {scene.imagePrompt ?? "Not written yet"}
            </p>
            {scene.negativePrompt ? <p className="mt-1 line-clamp-2 text-xs text-stone-500">Avoid: {scene.negativePrompt}</p> : null}
            {scene.styleTags.length ? <p className="mt-1 text-xs text-stone-500">Style: {scene.styleTags.join(", ")}</p> : null}
          </div>
        )}

        <FormError message={error} />

        <div className="mt-auto flex flex-wrap items-center gap-2">
          {!editing ? (
            <Button variant="secondary" onClick={() => setEditing(true)} disabled={!scene.imagePrompt}>
              Edit prompt
            </Button>
          ) : null}
          <Button
            variant="secondary"
            onClick={() => {
              setError(null);
              regenerate.mutate({ projectId, sceneId: scene.id });
            }}
            pending={regenerate.isPending}
            disabled={runActive || !scene.imagePrompt || editing}
            title={runActive ? "Wait for the current run to end" : undefined}
          >
            Regenerate
          </Button>
        </div>

        {scene.images.length > 0 ? (
          <ImageVersions
            images={scene.images}
            currentId={scene.currentImageId}
            viewedId={viewed?.id ?? null}
            onView={setViewedId}
            onMakeCurrent={(imageId) => makeCurrent.mutate({ projectId, sceneId: scene.id, imageId })}
            pending={makeCurrent.isPending}
          />
        ) : null}
        {viewed ? <ImageParameters version={viewed.version} rows={sceneParameters(viewed)} /> : null}
      </div>

      {enlarged && viewed ? <ImageLightbox image={viewed} title={`${number}. ${scene.title}`} onClose={() => setEnlarged(false)} /> : null}
    </li>
  );
}

function PromptEditor({ projectId, scene, onDone }: { projectId: string; scene: Scene; onDone: (saved: boolean) => Promise<void> }) {
  const trpc = useTRPC();
  const [error, setError] = useState<string | null>(null);
  const save = useMutation(trpc.story.updateScene.mutationOptions());

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const imagePrompt = String(form.get("imagePrompt") ?? "").trim();
    if (!imagePrompt) return setError("The prompt cannot be empty.");
    const styleTags = String(form.get("styleTags") ?? "")
      .split(",")
      .map((tag) => tag.trim())
      .filter(Boolean);
    try {
      await save.mutateAsync({ projectId, sceneId: scene.id, imagePrompt, negativePrompt: String(form.get("negativePrompt") ?? ""), styleTags });
      await onDone(true);
    } catch (failure) {
      setError((failure as Error).message);
    }
  }

  const field = "block w-full rounded-lg border border-stone-300 bg-white px-2 py-1.5 text-sm focus:border-accent focus:outline-none focus:ring-2 focus:ring-accent/30";
  return (
    <form onSubmit={submit} className="space-y-2" aria-label="Edit prompt">
      <label className="block text-xs font-medium text-stone-600">
        Prompt
        <textarea name="imagePrompt" defaultValue={scene.imagePrompt ?? ""} rows={5} maxLength={2000} className={`${field} mt-1`} />
      </label>
      <label className="block text-xs font-medium text-stone-600">
        Negative prompt
        <input name="negativePrompt" defaultValue={scene.negativePrompt} maxLength={500} className={`${field} mt-1`} />
      </label>
      <label className="block text-xs font-medium text-stone-600">
        Style tags (comma-separated)
        <input name="styleTags" defaultValue={scene.styleTags.join(", ")} className={`${field} mt-1`} />
      </label>
      <FormError message={error} />
      <div className="flex gap-2">
        <Button type="submit" pending={save.isPending}>
          Save prompt
        </Button>
        <Button type="button" variant="ghost" onClick={() => onDone(false)}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function sceneParameters(image: SceneImage): [string, string][] {
  const rows: [string, string][] = [["Provider", image.provider], ["Model", image.model], ...renderRows(image), ["Prompt sent", image.prompt]];
  if (image.negativePrompt) rows.push(["Negative", image.negativePrompt]);
  if (image.revisedPrompt) rows.push(["Revised", image.revisedPrompt]);
  return rows;
}
