"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { taskKeyOf } from "@/components/runs/live-tasks";
import { remainingMs, RunMetrics, RunTimes, useRunClock } from "@/components/runs/run-clock";
import { useRunProgress, type LiveTask } from "@/components/runs/use-run-progress";
import { Button, buttonClass } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { useTRPC } from "@/trpc/react";
import { CharactersPanel } from "./characters-panel";
import { SceneCard } from "./scene-card";

/** The key of the story's first task, which reads the story and finds its scenes. */
const ANALYSE_TASK = "analyse";

export function Storyboard({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const projectKey = trpc.story.get.queryKey({ projectId });
  const project = useQuery(trpc.story.get.queryOptions({ projectId }));
  const options = useQuery(trpc.story.options.queryOptions());
  const [actionError, setActionError] = useState<string | null>(null);

  // Images and prompts land in the database as tasks end; refetch the storyboard, at most a few times a second.
  const refetchTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refreshProject = useCallback(() => {
    if (refetchTimer.current) return;
    refetchTimer.current = setTimeout(() => {
      refetchTimer.current = null;
      void queryClient.invalidateQueries({ queryKey: projectKey });
    }, 250);
  }, [queryClient, projectKey]);
  useEffect(() => () => void (refetchTimer.current && clearTimeout(refetchTimer.current)), []);

  const progress = useRunProgress(project.data?.run?.id ?? null, {
    // The analysis adds one prompt task per scene: count them as soon as it ends.
    refreshOn: (event) => event.type === "task-end" && taskKeyOf(event) === ANALYSE_TASK,
    onEvent(event) {
      if (event.type === "task-end" || event.type === "run-end") refreshProject();
    },
  });

  const onError = (error: { message: string }) => setActionError(error.message);
  const afterRun = async () => {
    setActionError(null);
    await queryClient.invalidateQueries({ queryKey: projectKey });
  };
  const retry = useMutation(
    trpc.story.retryFailed.mutationOptions({
      onSuccess: async () => {
        await afterRun();
        await progress.restart();
      },
      onError,
    }),
  );
  const cancel = useMutation(trpc.story.cancel.mutationOptions({ onSuccess: afterRun, onError }));
  const renderAll = useMutation(trpc.story.renderAll.mutationOptions({ onSuccess: afterRun, onError }));
  const remove = useMutation(
    trpc.story.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.story.list.queryKey() });
        router.push("/dashboard");
      },
      onError,
    }),
  );

  if (project.error) {
    return (
      <div className="py-16 text-center">
        <h1 className="text-2xl font-semibold">Project not found</h1>
        <p className="mt-2 text-stone-600">It may have been deleted, or it belongs to a team you are not in.</p>
      </div>
    );
  }
  if (!project.data) return <div className="h-96 animate-pulse rounded-2xl bg-stone-100" aria-label="Loading project" />;

  const data = project.data;
  const runStatus = progress.run?.status ?? data.run?.status ?? null;
  const active = runStatus === "queued" || runStatus === "running";
  const failedTasks = [...progress.tasks.values()].filter((task) => task.status === "failed" || task.status === "skipped");
  const scenesWithoutImage = data.scenes.filter((scene) => scene.imagePrompt && !scene.currentImageId).length;
  const hasImages = data.scenes.some((scene) => scene.currentImageId);

  return (
    <div className="space-y-8">
      <header className="flex flex-wrap items-start gap-4">
        <div className="min-w-0 flex-1">
          <p className="text-sm text-stone-500">Story project</p>
          <h1 className="text-3xl font-semibold tracking-tight">{data.title}</h1>
          <p className="mt-1 text-sm text-stone-600">
            {data.scenes.length} scenes · {data.size.replace("x", "×")} · {data.quality === "hd" ? "HD" : "standard quality"} ·{" "}
            {data.maxWorkers === 1 ? "serial" : `${data.maxWorkers} workers`} · <span className="italic">{data.style}</span>
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          {active ? (
            <Button variant="secondary" onClick={() => cancel.mutate({ projectId })} pending={cancel.isPending}>
              Cancel run
            </Button>
          ) : null}
          {!active && failedTasks.length > 0 ? (
            <Button variant="secondary" onClick={() => retry.mutate({ projectId })} pending={retry.isPending}>
              Retry failed scenes
            </Button>
          ) : null}
          {!active && scenesWithoutImage > 0 ? (
            <Button onClick={() => renderAll.mutate({ projectId })} pending={renderAll.isPending}>
              Render {scenesWithoutImage === data.scenes.length ? "all scenes" : `${scenesWithoutImage} scenes`}
            </Button>
          ) : null}
          {hasImages ? (
            <a href={`/api/projects/${projectId}/export`} className={buttonClass("secondary")} download>
              Export zip
            </a>
          ) : null}
          <Button
            variant="danger"
            pending={remove.isPending}
            onClick={() => {
              if (window.confirm(`Delete “${data.title}” and all its images? This cannot be undone.`)) remove.mutate({ projectId });
            }}
          >
            Delete
          </Button>
        </div>
      </header>

      <FormError message={actionError} />
      <RunProgress progress={progress} sceneCount={data.scenes.length} />

      <CharactersPanel projectId={projectId} characters={data.characters} disabled={active} onSaved={afterRun} />

      {data.scenes.length === 0 ? (
        <div className="rounded-2xl border border-dashed border-stone-300 bg-white/60 p-10 text-center text-stone-600">
          {active ? "Reading the story and finding its scenes…" : "No scenes yet."}
        </div>
      ) : (
        <ol className="grid gap-6 md:grid-cols-2 xl:grid-cols-3" aria-label="Scenes">
          {data.scenes.map((scene, index) => (
            <SceneCard
              key={scene.id}
              projectId={projectId}
              number={index + 1}
              scene={scene}
              size={data.size}
              imageTask={progress.tasks.get(`image:${scene.id}`) ?? null}
              promptTask={progress.tasks.get(`prompt:${scene.id}`) ?? null}
              maxAttempts={options.data?.maxAttempts ?? 4}
              runActive={active}
              onChanged={afterRun}
            />
          ))}
        </ol>
      )}
    </div>
  );
}

function RunProgress({ progress, sceneCount }: { progress: ReturnType<typeof useRunProgress>; sceneCount: number }) {
  const run = progress.run;
  const { active, startedAt, elapsed } = useRunClock(run);
  if (!run) return null;

  const all = [...progress.tasks.values()];
  const images = all.filter((task) => task.kind === "image");
  const tracked: LiveTask[] = images.length ? images : all;
  const done = tracked.filter((task) => task.status === "succeeded").length;
  const finished = tracked.filter((task) => ["succeeded", "failed", "cancelled", "skipped"].includes(task.status)).length;
  const total = tracked.length;
  const percent = total ? Math.round((finished / total) * 100) : 0;
  const remaining = active ? remainingMs(elapsed, finished, total) : null;
  const phase = !images.length
    ? progress.tasks.get(ANALYSE_TASK)?.status === "succeeded" || sceneCount > 0
      ? "Writing prompts"
      : "Reading the story"
    : "Rendering images";
  const label = { queued: "Waiting", running: phase, succeeded: "Done", failed: "Ended with failures", cancelled: "Cancelled" }[run.status];

  return (
    <section aria-label="Run progress" className="rounded-2xl border border-stone-200 bg-white p-5 shadow-sm">
      <div className="mb-3 flex flex-wrap items-baseline gap-x-6 gap-y-1 text-sm">
        <span className="font-semibold" data-testid="run-status">
          {label}
        </span>
        {progress.queuePosition ? <span className="text-stone-600">Position {progress.queuePosition} in line</span> : null}
        <span className="text-stone-600" data-testid="run-done">
          {done}/{total} {images.length ? "images" : "steps"} done
        </span>
        <RunTimes startedAt={startedAt} elapsed={elapsed} remaining={remaining} />
      </div>
      <div
        className="h-2.5 overflow-hidden rounded-full bg-stone-100"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-label="Images finished"
      >
        <div
          className={`h-full rounded-full transition-all ${run.status === "failed" ? "bg-amber-500" : "bg-accent"}`}
          style={{ width: `${percent}%` }}
        />
      </div>
      {run.metrics && !active ? <RunMetrics metrics={run.metrics} testId="run-metrics" /> : null}
    </section>
  );
}
