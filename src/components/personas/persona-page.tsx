"use client";
// A persona's page: the stage grid filling in live over Server-Sent Events, every stage as fields
// to read, edit, version and regenerate, and the persona's source, card downloads and share links.
// Teammates whose role cannot change the persona see it read-only.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import Link from "next/link";
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useRunProgress } from "@/components/runs/use-run-progress";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { FormError } from "@/components/ui/field";
import { PersonaIcon } from "@/components/ui/icons";
import { useTRPC } from "@/trpc/react";
import { AvatarPanel } from "./avatar-panel";
import { CardDownloads } from "./card-downloads";
import { dependentStages, isActiveRun, liveGrid, type Stage } from "./live-stages";
import { messageOf } from "./persona-errors";
import { RunLine } from "./run-line";
import { PostsPanel } from "./posts-panel";
import { ShareLinks } from "./share-links";
import { StageGrid } from "./stage-grid";
import { ObjectStagePanel } from "./stage-panel";
import type { ObjectStage, PersonaView } from "./stage-fields";

const BUSY = "Wait for the current run to end, or cancel it";

export function PersonaPage({ personaId }: { personaId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const personaKey = trpc.persona.get.queryKey({ personaId });
  const persona = useQuery(trpc.persona.get.queryOptions({ personaId }));
  const options = useQuery(trpc.persona.options.queryOptions(undefined, { staleTime: Infinity }));
  const [actionError, setActionError] = useState<string | null>(null);

  // Stage results land in the database as tasks end: read the persona again, a few times a second at most.
  const refetchTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refreshPersona = useCallback(() => {
    if (refetchTimer.current) return;
    refetchTimer.current = setTimeout(() => {
      refetchTimer.current = null;
      void queryClient.invalidateQueries({ queryKey: personaKey });
    }, 250);
  }, [queryClient, personaKey]);
  useEffect(() => () => void (refetchTimer.current && clearTimeout(refetchTimer.current)), []);

  const progress = useRunProgress(persona.data?.run?.id ?? null, {
    onEvent(event) {
      if (event.type === "task-end" || event.type === "run-end") refreshPersona();
    },
  });

  const changed = useCallback(async () => {
    setActionError(null);
    await queryClient.invalidateQueries({ queryKey: personaKey });
  }, [queryClient, personaKey]);
  const onError = (failure: unknown) => setActionError(messageOf(failure));
  const retry = useMutation(trpc.persona.retryFailed.mutationOptions({ onSuccess: changed, onError }));
  const cancel = useMutation(trpc.persona.cancel.mutationOptions({ onSuccess: changed, onError }));
  const remove = useMutation(
    trpc.persona.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.persona.list.queryKey() });
        router.push("/personas");
      },
      onError,
    }),
  );

  const cells = useMemo(
    () => (persona.data ? liveGrid(personaId, persona.data.grid, progress.tasks) : []),
    [persona.data, personaId, progress.tasks],
  );

  if (persona.error) {
    return (
      <div className="py-16 text-center">
        <h1 className="text-2xl font-semibold">Persona not found</h1>
        <p className="mt-2 text-stone-600">It may have been deleted, or it belongs to a team you are not in.</p>
      </div>
    );
  }
  if (!persona.data) return <div className="h-96 animate-pulse rounded-2xl bg-stone-100" aria-label="Loading persona" />;

  const data = persona.data;
  const runStatus = progress.run?.status ?? data.run?.status ?? null;
  const active = isActiveRun(runStatus);
  const busyReason = active ? BUSY : null;
  const cellOf = (stage: Stage) => cells.find((cell) => cell.stage === stage)!;
  const failedStages = cells.filter((cell) => cell.status === "failed");
  const dependentsOf = (stage: Stage) =>
    dependentStages(stage, options.data?.stages ?? [])
      .filter((dependent) => dependent !== "avatar" || data.options.avatar)
      .map((dependent) => ({ stage: dependent, label: cellOf(dependent).label }));
  const stagePanel = (stage: ObjectStage) => (
    <ObjectStagePanel key={stage} persona={data} stage={stage} cell={cellOf(stage)} dependents={dependentsOf(stage)} busyReason={busyReason} onChanged={changed} />
  );

  return (
    <div className="space-y-8">
      <PersonaHeader persona={data}>
        {data.canEdit && active ? (
          <Button variant="secondary" onClick={() => cancel.mutate({ personaId })} pending={cancel.isPending}>
            Cancel run
          </Button>
        ) : null}
        {data.canEdit ? (
          <Button
            variant="danger"
            pending={remove.isPending}
            disabled={active}
            title={active ? BUSY : undefined}
            onClick={() => {
              if (window.confirm(`Delete “${data.name}”, its stages, avatar and share links? This cannot be undone.`)) remove.mutate({ personaId });
            }}
          >
            Delete
          </Button>
        ) : null}
      </PersonaHeader>

      {!data.canEdit ? (
        <p className="rounded-xl border border-stone-200 bg-white px-4 py-3 text-sm text-stone-700" data-testid="read-only-notice">
          You can read this persona. Only its creator or a team owner or admin can change it.
        </p>
      ) : null}
      <FormError message={actionError} />

      <section aria-label="Progress" className="space-y-3">
        <div className="flex flex-wrap items-center gap-3">
          <RunLine progress={progress} idle={data.source === "card" ? "Imported from a character card: its stages hold the card's own text until you edit or regenerate them." : "No run yet."} />
          {data.canEdit && !active && failedStages.length > 1 ? (
            <Button variant="secondary" className="ml-auto" onClick={() => retry.mutate({ personaId })} pending={retry.isPending && !retry.variables?.stages}>
              Retry {failedStages.length} failed stages
            </Button>
          ) : null}
        </div>
        <StageGrid
          cells={cells}
          retry={
            data.canEdit
              ? {
                  onRetry: (stage) => retry.mutate({ personaId, stages: [stage] }),
                  pendingStage: retry.isPending ? (retry.variables?.stages?.[0] ?? null) : null,
                  disabledReason: busyReason,
                }
              : undefined
          }
        />
        <p className="text-xs text-stone-500">Stages 4–7 need only the core persona, so they run beside 2 → 3; the avatar follows the visual profile.</p>
      </section>

      <div className="grid gap-8 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <div className="min-w-0 space-y-6">
          {stagePanel("core")}
          {stagePanel("strategy")}
          <PostsPanel persona={data} cell={cellOf("posts")} busyReason={busyReason} onChanged={changed} />
          {stagePanel("network")}
          {stagePanel("authenticity")}
          {stagePanel("visual")}
          {stagePanel("book")}
          <AvatarPanel persona={data} cell={cellOf("avatar")} busyReason={busyReason} onChanged={changed} />
        </div>
        <aside className="space-y-6">
          <ShareLinks personaId={personaId} personaName={data.name} canEdit={data.canEdit} />
          <Card className="space-y-3">
            <h2 className="text-lg font-semibold">Character card</h2>
            <p className="text-sm text-stone-600">For SillyTavern and other chat tools: the PNG carries the card inside the avatar.</p>
            <CardDownloads base={`/api/personas/${personaId}/card`} />
          </Card>
          <SourceCard persona={data} />
        </aside>
      </div>
    </div>
  );
}

const SOURCE = { description: "From a description", picture: "From a picture", card: "Imported card" } as const;

function PersonaHeader({ persona, children }: { persona: PersonaView; children: ReactNode }) {
  const core = persona.stages.core.current?.data;
  const facts = [core?.age ? `${core.age}` : null, core?.pronouns, core?.occupation, core?.location].filter(Boolean);
  return (
    <header className="flex flex-wrap items-start gap-5">
      <div className="grid size-20 shrink-0 place-items-center overflow-hidden rounded-2xl bg-indigo-50">
        {persona.avatar.imageId ? (
          // eslint-disable-next-line @next/next/no-img-element -- private, membership-checked images
          <img src={`/api/images/${persona.avatar.imageId}?variant=thumbnail`} alt="" className="size-full object-cover" />
        ) : (
          <PersonaIcon className="size-10 text-indigo-300" />
        )}
      </div>
      <div className="min-w-0 flex-1">
        <p className="text-sm text-stone-500">Persona</p>
        <h1 className="break-words text-3xl font-semibold tracking-tight" data-testid="persona-name">
          {persona.name}
        </h1>
        {facts.length ? <p className="mt-1 text-sm text-stone-700">{facts.join(" · ")}</p> : null}
        <ul className="mt-2 flex flex-wrap gap-1.5 text-xs" aria-label="About this persona">
          <li className="rounded-full bg-stone-100 px-2.5 py-0.5 text-stone-700">{SOURCE[persona.source]}</li>
          <li className={`rounded-full px-2.5 py-0.5 ${persona.options.contentRating === "mature" ? "bg-rose-100 text-rose-900" : "bg-stone-100 text-stone-700"}`}>
            {persona.options.contentRating === "mature" ? "Mature" : "General audience"}
          </li>
          {persona.options.language ? <li className="rounded-full bg-stone-100 px-2.5 py-0.5 text-stone-700">{persona.options.language}</li> : null}
          <li className="rounded-full bg-stone-100 px-2.5 py-0.5 text-stone-700">
            {persona.options.postCount} posts · {persona.options.lorebookEntryCount} lorebook entries
          </li>
        </ul>
      </div>
      <div className="flex flex-wrap gap-2">{children}</div>
    </header>
  );
}

function SourceCard({ persona }: { persona: PersonaView }) {
  return (
    <Card className="space-y-3">
      <h2 className="text-lg font-semibold">Source</h2>
      {persona.source === "picture" && persona.sourceUploadId ? (
        // eslint-disable-next-line @next/next/no-img-element -- private, membership-checked uploads
        <img src={`/api/personas/uploads/${persona.sourceUploadId}?variant=thumbnail`} alt="The picture this persona was made from" className="max-h-64 rounded-xl object-contain" />
      ) : null}
      {persona.description ? <p className="whitespace-pre-wrap break-words text-sm text-stone-700">{persona.description}</p> : null}
      {persona.source === "card" ? <p className="text-sm text-stone-700">Imported from a character card; its own fields and extensions are kept for export.</p> : null}
      {persona.batchId ? (
        <Link href={`/personas/batches/${persona.batchId}`} className="block text-sm font-medium text-accent hover:underline">
          Part of a batch
        </Link>
      ) : null}
    </Card>
  );
}
