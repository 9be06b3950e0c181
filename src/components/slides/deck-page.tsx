"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { useRunProgress } from "@/components/runs/use-run-progress";
import { Button, buttonClass } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { useTRPC } from "@/trpc/react";
import { aspectRatioLabels, presetLabel } from "./deck-format";
import { DeckProgress } from "./deck-progress";
import { AddSlide } from "./slide-arrange";
import { SlideCard } from "./slide-card";
import { currentTask } from "./slide-task";

/** Portrait and square slides are narrower, so more of them fit on a row. */
const gridColumns: Record<string, string> = {
  "16:9": "md:grid-cols-2 xl:grid-cols-3",
  "4:3": "md:grid-cols-2 xl:grid-cols-3",
  "1:1": "sm:grid-cols-2 lg:grid-cols-3",
  "9:16": "grid-cols-2 md:grid-cols-3 xl:grid-cols-4",
};

const downloads = [
  { format: "pptx", label: "PowerPoint (.pptx)" },
  { format: "pdf", label: "PDF" },
  { format: "zip", label: "Images (.zip)" },
] as const;

export function DeckPage({ deckId }: { deckId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const deckKey = trpc.slides.get.queryKey({ deckId });
  const deck = useQuery(trpc.slides.get.queryOptions({ deckId }));
  const options = useQuery(trpc.slides.options.queryOptions());
  const [actionError, setActionError] = useState<string | null>(null);

  // Prompts and images land in the database as tasks end; read the deck again, at most a few times a second.
  const refetchTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refreshDeck = useCallback(() => {
    if (refetchTimer.current) return;
    refetchTimer.current = setTimeout(() => {
      refetchTimer.current = null;
      void queryClient.invalidateQueries({ queryKey: deckKey });
    }, 250);
  }, [queryClient, deckKey]);
  useEffect(() => () => void (refetchTimer.current && clearTimeout(refetchTimer.current)), []);

  const runId = deck.data?.run?.id ?? null;
  const progress = useRunProgress(runId, {
    // A deck waiting in line starts by itself: read the run's status again when it does.
    refreshOn: (event) => event.type === "run-start",
    onEvent(event) {
      if (event.type === "task-end" || event.type === "run-start" || event.type === "run-end") refreshDeck();
    },
  });

  const onError = (error: { message: string }) => setActionError(error.message);
  const afterChange = async () => {
    setActionError(null);
    await queryClient.invalidateQueries({ queryKey: deckKey });
    await queryClient.invalidateQueries({ queryKey: trpc.slides.list.queryKey() });
  };
  const retry = useMutation(
    trpc.slides.retryFailed.mutationOptions({
      onSuccess: async (result) => {
        await afterChange();
        // The same run re-opened: its event stream had ended, follow it again.
        if (result.runId !== null && result.runId === runId) await progress.restart();
      },
      onError,
    }),
  );
  const cancel = useMutation(trpc.slides.cancel.mutationOptions({ onSuccess: afterChange, onError }));
  const remove = useMutation(
    trpc.slides.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.slides.list.queryKey() });
        router.push("/decks");
      },
      onError,
    }),
  );

  if (deck.error) {
    return (
      <div className="py-16 text-center">
        <h1 className="text-2xl font-semibold">Deck not found</h1>
        <p className="mt-2 text-stone-600">It may have been deleted, or it belongs to a team you are not in.</p>
      </div>
    );
  }
  if (!deck.data) return <div className="h-96 animate-pulse rounded-2xl bg-stone-100" aria-label="Loading deck" />;

  const data = deck.data;
  const runStatus = progress.run?.status ?? data.run?.status ?? null;
  const active = runStatus === "queued" || runStatus === "running";
  const queuePosition = runStatus === "queued" ? (progress.queuePosition ?? data.run?.queuePosition ?? null) : null;
  // Slides the last run did not finish: failed (or skipped after a failed prompt), or cancelled.
  const unfinished = { failed: 0, cancelled: 0 };
  for (const slide of data.slides) {
    const status = currentTask(progress.tasks.get(`prompt:${slide.id}`) ?? null, progress.tasks.get(`image:${slide.id}`) ?? null)?.task.status;
    if (status === "failed" || status === "skipped") unfinished.failed += 1;
    else if (status === "cancelled") unfinished.cancelled += 1;
  }
  const failedInRun = unfinished.failed + unfinished.cancelled;
  const withoutImage = data.slides.filter((slide) => !slide.currentImageId).length;
  const canRetry = !active && (failedInRun > 0 || withoutImage > 0);
  const hasImages = data.slides.some((slide) => slide.currentImageId);
  // The server's limits; until they load, the same numbers it would apply.
  const limits = options.data?.limits ?? { slides: 100, slideTitle: 200, slideText: 4000, imagePrompt: 2000 };

  return (
    <div className="space-y-8">
      <header className="flex flex-wrap items-start gap-4">
        <div className="min-w-0 flex-1">
          <p className="text-sm text-stone-500">Slide deck</p>
          <h1 className="break-words text-3xl font-semibold tracking-tight">{data.title}</h1>
          <p className="mt-1 text-sm text-stone-600">
            {data.slides.length} {data.slides.length === 1 ? "slide" : "slides"} · {aspectRatioLabels[data.aspectRatio] ?? data.aspectRatio} ·{" "}
            {data.quality === "hd" ? "HD" : "standard quality"} · {data.maxWorkers === 1 ? "one slide at a time" : `${data.maxWorkers} workers`} ·{" "}
            {data.stylePreset === "custom" ? "custom style" : presetLabel(data.stylePreset)}
          </p>
          <p className="mt-1 line-clamp-2 max-w-3xl text-xs italic text-stone-500" title={data.stylePrompt}>
            Style: {data.stylePrompt}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          {active ? (
            <Button variant="secondary" onClick={() => cancel.mutate({ deckId })} pending={cancel.isPending}>
              Cancel
            </Button>
          ) : null}
          {canRetry ? (
            <Button variant="secondary" onClick={() => retry.mutate({ deckId })} pending={retry.isPending}>
              {unfinished.failed > 0
                ? `Retry failed slides (${failedInRun})`
                : unfinished.cancelled > 0
                  ? `Resume cancelled slides (${unfinished.cancelled})`
                  : `Render ${withoutImage} missing ${withoutImage === 1 ? "slide" : "slides"}`}
            </Button>
          ) : null}
          <Button
            variant="danger"
            pending={remove.isPending}
            onClick={() => {
              if (window.confirm(`Delete “${data.title}” and all its images? This cannot be undone.`)) remove.mutate({ deckId });
            }}
          >
            Delete
          </Button>
        </div>
      </header>

      {hasImages ? (
        <nav aria-label="Downloads" className="flex flex-wrap items-center gap-2 text-sm">
          <span className="mr-1 font-medium text-stone-700">Download</span>
          {downloads.map((download) => (
            <a key={download.format} href={`/api/decks/${deckId}/export?format=${download.format}`} className={buttonClass("secondary", "px-3 py-1.5")} download>
              {download.label}
            </a>
          ))}
          {active ? <span className="text-xs text-stone-500">A slide still rendering is exported without its image.</span> : null}
        </nav>
      ) : null}

      <FormError message={actionError} />
      <DeckProgress progress={progress} queuePosition={queuePosition} maxConcurrent={options.data?.maxConcurrentDecks ?? null} deckSlides={data.slides.length} />

      <ol className={`grid gap-6 ${gridColumns[data.aspectRatio] ?? gridColumns["16:9"]}`} aria-label="Slides">
        {data.slides.map((slide) => (
          <SlideCard
            key={slide.id}
            deckId={deckId}
            slide={slide}
            aspectRatio={data.aspectRatio}
            promptTask={progress.tasks.get(`prompt:${slide.id}`) ?? null}
            imageTask={progress.tasks.get(`image:${slide.id}`) ?? null}
            maxAttempts={options.data?.maxAttempts ?? 4}
            limits={limits}
            slideCount={data.slides.length}
            runActive={active}
            onChanged={afterChange}
          />
        ))}
      </ol>
      <AddSlide deckId={deckId} limits={limits} full={data.slides.length >= limits.slides} onAdded={afterChange} />
    </div>
  );
}
