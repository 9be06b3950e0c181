"use client";
import { useMutation } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import type { LiveTask } from "@/components/runs/use-run-progress";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { formatDuration } from "@/lib/format";
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
  const [viewedId, setViewedId] = useState<string | null>(null);
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

  const current = scene.images.find((image) => image.id === scene.currentImageId) ?? null;
  const viewed = scene.images.find((image) => image.id === viewedId) ?? current;
  // A new current image (a render just finished) is what the card should show.
  useEffect(() => setViewedId(null), [scene.currentImageId]);

  return (
    <li className="flex flex-col overflow-hidden rounded-2xl border border-stone-200 bg-white shadow-sm" data-testid="scene-card" aria-label={`Scene ${number}: ${scene.title}`}>
      <div className={`relative ${aspect[size] ?? "aspect-video"} bg-stone-100`}>
        {viewed ? (
          <button type="button" onClick={() => setEnlarged(true)} className="block size-full" aria-label={`Enlarge the picture of scene ${number}`}>
            {/* eslint-disable-next-line @next/next/no-img-element -- private, membership-checked images */}
            <img src={`/api/images/${viewed.id}?variant=thumbnail`} alt={`Scene ${number}: ${scene.title} (version ${viewed.version})`} className="size-full object-cover" />
          </button>
        ) : (
          <div className="grid size-full place-items-center text-sm text-stone-500">
            {imageTask?.status === "running" || imageTask?.status === "retrying" || imageTask?.status === "waiting" ? (
              <span className="size-8 animate-spin rounded-full border-2 border-indigo-300 border-t-transparent" aria-hidden />
            ) : (
              "No picture yet"
            )}
          </div>
        )}
        <span className="absolute left-3 top-3">
          <TaskState imageTask={imageTask} promptTask={promptTask} maxAttempts={maxAttempts} hasImage={Boolean(current)} />
        </span>
      </div>

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
          <Versions
            images={scene.images}
            currentId={scene.currentImageId}
            viewedId={viewed?.id ?? null}
            onView={setViewedId}
            onMakeCurrent={(imageId) => makeCurrent.mutate({ projectId, sceneId: scene.id, imageId })}
            pending={makeCurrent.isPending}
          />
        ) : null}
        {viewed ? <Parameters image={viewed} /> : null}
      </div>

      {enlarged && viewed ? <Lightbox image={viewed} title={`${number}. ${scene.title}`} onClose={() => setEnlarged(false)} /> : null}
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

function Versions({
  images,
  currentId,
  viewedId,
  onView,
  onMakeCurrent,
  pending,
}: {
  images: SceneImage[];
  currentId: string | null;
  viewedId: string | null;
  onView: (id: string) => void;
  onMakeCurrent: (id: string) => void;
  pending: boolean;
}) {
  return (
    <div className="flex flex-wrap items-center gap-1.5 text-xs">
      <span className="text-stone-500">Versions</span>
      {images.map((image) => (
        <button
          key={image.id}
          type="button"
          onClick={() => onView(image.id)}
          aria-pressed={image.id === viewedId}
          className="rounded-md border border-stone-300 px-2 py-0.5 font-medium aria-pressed:border-indigo-500 aria-pressed:bg-indigo-50 aria-pressed:text-indigo-800"
        >
          v{image.version}
          {image.id === currentId ? " ★" : ""}
        </button>
      ))}
      {viewedId && viewedId !== currentId ? (
        <Button variant="ghost" className="px-2 py-0.5 text-xs" onClick={() => onMakeCurrent(viewedId)} pending={pending}>
          Make current
        </Button>
      ) : null}
    </div>
  );
}

function Parameters({ image }: { image: SceneImage }) {
  return (
    <details className="text-xs text-stone-600">
      <summary className="cursor-pointer select-none font-medium text-stone-700">Parameters of v{image.version}</summary>
      <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
        <dt>Provider</dt>
        <dd>{image.provider}</dd>
        <dt>Model</dt>
        <dd>{image.model}</dd>
        <dt>Size</dt>
        <dd>
          {image.size} ({image.width}×{image.height})
        </dd>
        <dt>Quality</dt>
        <dd>{image.quality ?? "—"}</dd>
        <dt>Seed</dt>
        <dd>{image.seed ?? "—"}</dd>
        <dt>Attempts</dt>
        <dd>{image.attempts}</dd>
        <dt>Duration</dt>
        <dd>{formatDuration(image.durationMs)}</dd>
        <dt>Prompt sent</dt>
        <dd className="whitespace-pre-wrap break-words">{image.prompt}</dd>
        {image.negativePrompt ? (
          <>
            <dt>Negative</dt>
            <dd>{image.negativePrompt}</dd>
          </>
        ) : null}
        {image.revisedPrompt ? (
          <>
            <dt>Revised</dt>
            <dd>{image.revisedPrompt}</dd>
          </>
        ) : null}
      </dl>
    </details>
  );
}

function Lightbox({ image, title, onClose }: { image: SceneImage; title: string; onClose: () => void }) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => event.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);
  return (
    <div role="dialog" aria-modal="true" aria-label={title} className="fixed inset-0 z-50 grid place-items-center bg-stone-950/80 p-4" onClick={onClose}>
      <figure className="max-h-full max-w-6xl" onClick={(event) => event.stopPropagation()}>
        {/* eslint-disable-next-line @next/next/no-img-element -- private, membership-checked images */}
        <img src={`/api/images/${image.id}`} alt={title} className="max-h-[85vh] rounded-lg object-contain" />
        <figcaption className="mt-2 flex items-center justify-between text-sm text-white">
          <span>
            {title} · v{image.version}
          </span>
          <Button variant="secondary" onClick={onClose} autoFocus>
            Close
          </Button>
        </figcaption>
      </figure>
    </div>
  );
}
