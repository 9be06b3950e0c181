"use client";
// Stage 8 on the persona page: the avatar rendered from the visual profile's prompt, its earlier
// renders (one can become the avatar again, as a new version), and rendering it again.
import { useMutation } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { PersonaIcon } from "@/components/ui/icons";
import { useTRPC } from "@/trpc/react";
import { messageOf } from "./persona-errors";
import { StageSection, useRegenerateStage, type StagePanelProps } from "./stage-panel";

export function AvatarPanel({
  persona,
  cell,
  busyReason,
  onChanged,
}: StagePanelProps) {
  const [viewedId, setViewedId] = useState<string | null>(null);
  const trpc = useTRPC();
  const { regenerate, error, setError } = useRegenerateStage(onChanged);
  const restore = useMutation(
    trpc.persona.restoreAvatar.mutationOptions({ onSuccess: async () => (setViewedId(null), await onChanged()), onError: (failure) => setError(messageOf(failure)) }),
  );
  const { avatar } = persona;
  useEffect(() => setViewedId(null), [avatar.imageId]);
  const shownId = viewedId ?? avatar.imageId;
  const shown = avatar.versions.find((version) => version.imageId === shownId) ?? null;
  const noPrompt = persona.stages.visual.current === null;
  const reason = busyReason ?? (noPrompt ? "The avatar is drawn from the visual profile (stage 6), which has no result yet" : null);

  return (
    <StageSection
      cell={cell}
      meta={shown ? `v${shown.version}` : null}
      actions={
        persona.canEdit && busyReason === null ? (
          <Button
            variant="secondary"
            onClick={() => {
              setError(null);
              regenerate.mutate({ personaId: persona.id, stage: "avatar" });
            }}
            pending={regenerate.isPending}
            disabled={reason !== null}
            title={reason ?? undefined}
          >
            {avatar.imageId ? "Regenerate avatar" : "Render an avatar"}
          </Button>
        ) : null
      }
    >
      <FormError message={error} />
      <div className="flex flex-wrap items-start gap-5">
        <div className="grid size-48 shrink-0 place-items-center overflow-hidden rounded-2xl bg-stone-100">
          {shown ? (
            // eslint-disable-next-line @next/next/no-img-element -- private, membership-checked images
            <img src={`/api/images/${shown.imageId}`} alt={`Avatar of ${persona.name} (version ${shown.version})`} className="size-full object-cover" />
          ) : cell.status === "running" || cell.status === "waiting" ? (
            <span className="size-8 animate-spin rounded-full border-2 border-indigo-300 border-t-transparent" aria-label="Rendering" />
          ) : (
            <PersonaIcon className="size-16 text-stone-300" />
          )}
        </div>
        <div className="min-w-0 flex-1 space-y-3 text-sm text-stone-600">
          {persona.stages.visual.current ? (
            <p>
              <span className="text-xs font-medium uppercase tracking-wide text-stone-500">Prompt · </span>
              {persona.stages.visual.current.data.avatarPrompt}
            </p>
          ) : null}
          {!persona.options.avatar && !avatar.imageId ? <p>Avatars are off for this persona.</p> : null}
          {avatar.versions.length > 1 ? (
            <div role="group" aria-label="Avatar versions" className="flex flex-wrap gap-2">
              {avatar.versions.map((version) => (
                <button
                  key={version.imageId}
                  type="button"
                  onClick={() => setViewedId(version.imageId)}
                  aria-pressed={version.imageId === shownId}
                  aria-label={`Avatar version ${version.version}${version.imageId === avatar.imageId ? " (current)" : ""}`}
                  className="size-14 overflow-hidden rounded-lg border-2 border-transparent aria-pressed:border-indigo-500"
                >
                  {/* eslint-disable-next-line @next/next/no-img-element -- private, membership-checked images */}
                  <img src={`/api/images/${version.imageId}?variant=thumbnail`} alt="" className="size-full object-cover" />
                </button>
              ))}
            </div>
          ) : null}
          {shown && shown.imageId !== avatar.imageId ? (
            <div className="flex flex-wrap items-center gap-2">
              <span className="text-stone-600">Viewing an earlier avatar (v{shown.version}).</span>
              {persona.canEdit ? (
                <Button
                  variant="secondary"
                  className="px-2 py-0.5 text-xs"
                  onClick={() => {
                    setError(null);
                    restore.mutate({ personaId: persona.id, imageId: shown.imageId });
                  }}
                  pending={restore.isPending}
                  disabled={busyReason !== null}
                  title={busyReason ?? "It becomes the avatar again as a new version; the card exports use it"}
                >
                  Make this the avatar
                </Button>
              ) : null}
              <Button variant="ghost" className="px-2 py-0.5 text-xs" onClick={() => setViewedId(null)}>
                Back to current
              </Button>
            </div>
          ) : null}
        </div>
      </div>
    </StageSection>
  );
}
