"use client";
// One stage of a persona on its page: its status, its current result as fields, an edit form that
// saves a new version, earlier versions to view and restore, and "Regenerate stage"; restoring and
// regenerating both offer to redo the stages that read this one.
import { useMutation } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { formatRelative } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import { FieldsEditor, type FieldError } from "./fields-editor";
import { FieldsView } from "./fields-view";
import type { LiveCell, Stage } from "./live-stages";
import { fieldErrorOf, messageOf } from "./persona-errors";
import { blankItem, cleanValue, STAGE_FIELDS, type ObjectStage, type PersonaView, type StageValue } from "./stage-fields";
import { StageStatusBadge } from "./stage-grid";

const EMPTY: Partial<Record<LiveCell["status"], string>> = {
  queued: "Starts as soon as the stages it needs are done.",
  running: "Being written…",
  waiting: "Being written…",
  // The run just said so; the result itself arrives with the next read of the persona.
  succeeded: "Loading the result…",
  failed: "No result.",
  skipped: "No result.",
};

const ORIGIN: Record<string, string> = { generated: "generated", edited: "edited", imported: "imported", restored: "restored" };

export function StageSection({ cell, meta, actions, children }: { cell: LiveCell; meta?: ReactNode; actions?: ReactNode; children: ReactNode }) {
  return (
    <section id={`stage-${cell.stage}`} aria-labelledby={`stage-${cell.stage}-title`} className="scroll-mt-6 rounded-2xl border border-stone-200 bg-white p-5 shadow-sm">
      <header className="mb-4 flex flex-wrap items-center gap-x-3 gap-y-2">
        <span className="grid size-7 place-items-center rounded-full bg-indigo-50 text-sm font-semibold text-indigo-800">{cell.number}</span>
        <h2 id={`stage-${cell.stage}-title`} className="text-lg font-semibold">
          {cell.label}
        </h2>
        <StageStatusBadge cell={cell} />
        {meta ? <span className="text-xs text-stone-500">{meta}</span> : null}
        {actions ? <div className="ml-auto flex flex-wrap justify-end gap-2">{actions}</div> : null}
      </header>
      {cell.reason && (cell.status === "failed" || cell.status === "skipped" || cell.status === "cancelled") ? (
        <p className={`mb-4 rounded-lg px-3 py-2 text-sm ${cell.status === "failed" ? "bg-red-50 text-red-800" : "bg-amber-50 text-amber-900"}`}>{cell.reason}</p>
      ) : null}
      {children}
    </section>
  );
}

/** "Regenerate", asking first whether the stages that read this one should be redone too. */
export function RegenerateControl({
  label,
  dependents,
  disabledReason,
  pending,
  onRegenerate,
  buttonLabel = "Regenerate stage",
}: {
  label: string;
  dependents: string[];
  disabledReason: string | null;
  pending: boolean;
  onRegenerate: (withDependents: boolean) => void;
  buttonLabel?: string;
}) {
  const [asking, setAsking] = useState(false);
  const button = (
    <Button
      variant="secondary"
      onClick={() => (dependents.length ? setAsking(true) : onRegenerate(false))}
      pending={pending}
      disabled={disabledReason !== null || asking}
      title={disabledReason ?? undefined}
    >
      {buttonLabel}
    </Button>
  );
  if (!asking) return button;
  return (
    <>
      {button}
      <div role="group" aria-label={`Regenerate ${label}`} className="basis-full rounded-xl border border-indigo-200 bg-indigo-50 p-3 text-left text-sm text-stone-800">
        <p>
          {dependents.join(", ")} {dependents.length === 1 ? "reads" : "read"} {label}. Redo {dependents.length === 1 ? "it" : "them"} too, so{" "}
          {dependents.length === 1 ? "it matches" : "they match"} the new result? Earlier results stay as versions.
        </p>
        <div className="mt-2 flex flex-wrap gap-2">
          <Button onClick={() => (setAsking(false), onRegenerate(true))}>Regenerate with {dependents.length === 1 ? "it" : `these ${dependents.length} stages`}</Button>
          <Button variant="secondary" onClick={() => (setAsking(false), onRegenerate(false))}>
            Only {label}
          </Button>
          <Button variant="ghost" onClick={() => setAsking(false)}>
            Cancel
          </Button>
        </div>
      </div>
    </>
  );
}

/** What every stage panel on the persona page is given. */
export interface StagePanelProps {
  persona: PersonaView;
  cell: LiveCell;
  /** Why the stage cannot change right now (a run is going); null when it can. */
  busyReason: string | null;
  onChanged: () => Promise<void>;
}

/** Regenerating a stage (or one of its items) from its panel, with the error to show there. */
export function useRegenerateStage(onChanged: () => Promise<void>) {
  const trpc = useTRPC();
  const [error, setError] = useState<string | null>(null);
  const regenerate = useMutation(
    trpc.persona.regenerateStage.mutationOptions({ onSuccess: () => onChanged(), onError: (failure) => setError(messageOf(failure)) }),
  );
  return { regenerate, error, setError };
}

export function ObjectStagePanel({
  persona,
  stage,
  cell,
  dependents,
  busyReason,
  onChanged,
}: StagePanelProps & {
  stage: ObjectStage;
  dependents: Array<{ stage: Stage; label: string }>;
}) {
  const trpc = useTRPC();
  const view = persona.stages[stage];
  const fields = STAGE_FIELDS[stage];
  const [draft, setDraft] = useState<StageValue | null>(null);
  const [viewedVersion, setViewedVersion] = useState<number | null>(null);
  const { regenerate, error, setError } = useRegenerateStage(onChanged);
  const [fieldError, setFieldError] = useState<FieldError | null>(null);
  const onError = (failure: unknown) => setError(messageOf(failure));
  const save = useMutation(trpc.persona.updateStage.mutationOptions());
  const restore = useMutation(
    trpc.persona.restoreVersion.mutationOptions({ onSuccess: async () => (setViewedVersion(null), await onChanged()), onError }),
  );

  const current = view.current;
  const viewed = (viewedVersion !== null ? view.versions.find((version) => version.version === viewedVersion) : null) ?? current;
  const editing = draft !== null;

  async function submit() {
    if (!draft) return;
    setError(null);
    setFieldError(null);
    try {
      await save.mutateAsync({ personaId: persona.id, stage, data: cleanValue(fields, draft) });
      setDraft(null);
      setViewedVersion(null);
      await onChanged();
    } catch (failure) {
      const field = fieldErrorOf(failure);
      setFieldError(field);
      setError(field ? "Some fields need a change before this can be saved." : messageOf(failure));
    }
  }

  // While a run is going the stage cannot change: its controls come back when the run ends.
  const actions = persona.canEdit && !editing && busyReason === null ? (
    <>
      <Button
        variant="secondary"
        onClick={() => {
          setError(null);
          setDraft(structuredClone((viewed?.data ?? blankItem(fields)) as StageValue));
        }}
        disabled={busyReason !== null}
        title={busyReason ?? undefined}
      >
        {current ? "Edit" : "Write it yourself"}
      </Button>
      <RegenerateControl
        label={cell.label}
        dependents={dependents.map((dependent) => dependent.label)}
        disabledReason={busyReason}
        pending={regenerate.isPending}
        onRegenerate={(withDependents) => {
          setError(null);
          regenerate.mutate({ personaId: persona.id, stage, withDependents });
        }}
      />
    </>
  ) : null;

  const meta = current ? `v${current.version} · ${ORIGIN[current.origin]} ${formatRelative(current.createdAt)}` : null;

  return (
    <StageSection cell={cell} meta={meta} actions={actions}>
      {editing ? (
        <form
          aria-label={`Edit ${cell.label}`}
          className="space-y-4"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          <FieldsEditor fields={fields} value={draft} onChange={setDraft} error={fieldError} />
          <FormError message={error} />
          <div className="flex flex-wrap gap-2">
            <Button type="submit" pending={save.isPending}>
              Save as a new version
            </Button>
            <Button
              type="button"
              variant="ghost"
              onClick={() => {
                setDraft(null);
                setError(null);
                setFieldError(null);
              }}
            >
              Cancel
            </Button>
          </div>
        </form>
      ) : (
        <>
          {viewed ? (
            <div data-testid={`stage-${stage}-data`}>
              <FieldsView fields={fields} value={viewed.data as StageValue} />
            </div>
          ) : (
            <p className="text-sm text-stone-500">{EMPTY[cell.status] ?? "Not written yet."}</p>
          )}
          <FormError message={error} />
          {view.versions.length > 1 ? (
            <Versions
              versions={view.versions}
              currentVersion={current?.version ?? null}
              viewedVersion={viewed?.version ?? null}
              onView={setViewedVersion}
              restore={
                persona.canEdit && viewed && current && viewed.version !== current.version
                  ? {
                      label: cell.label,
                      dependents: dependents.map((dependent) => dependent.label),
                      pending: restore.isPending,
                      disabledReason: busyReason,
                      onRestore: (withDependents) => {
                        setError(null);
                        restore.mutate({ personaId: persona.id, stage, version: viewed.version, withDependents });
                      },
                    }
                  : null
              }
            />
          ) : null}
        </>
      )}
    </StageSection>
  );
}

function Versions({
  versions,
  currentVersion,
  viewedVersion,
  onView,
  restore,
}: {
  versions: Array<{ version: number; origin: string; createdAt: Date }>;
  currentVersion: number | null;
  viewedVersion: number | null;
  onView: (version: number) => void;
  restore: { label: string; dependents: string[]; pending: boolean; disabledReason: string | null; onRestore: (withDependents: boolean) => void } | null;
}) {
  const [asking, setAsking] = useState(false);
  return (
    <div className="mt-4 flex flex-wrap items-center gap-1.5 border-t border-stone-100 pt-3 text-xs" role="group" aria-label="Versions">
      <span className="mr-1 text-stone-500">Versions</span>
      {versions.map((version) => (
        <button
          key={version.version}
          type="button"
          onClick={() => onView(version.version)}
          aria-pressed={version.version === viewedVersion}
          title={`${ORIGIN[version.origin]} ${version.createdAt.toLocaleString()}`}
          className="rounded-md border border-stone-300 px-2 py-0.5 font-medium aria-pressed:border-indigo-500 aria-pressed:bg-indigo-50 aria-pressed:text-indigo-800"
        >
          v{version.version}
          {version.version === currentVersion ? " ★" : ""}
        </button>
      ))}
      {viewedVersion !== null && viewedVersion !== currentVersion ? (
        <>
          <span className="ml-2 text-stone-600">Viewing an earlier version.</span>
          {restore ? (
            <Button
              variant="secondary"
              className="px-2 py-0.5 text-xs"
              onClick={() => (restore.dependents.length ? setAsking(true) : restore.onRestore(false))}
              pending={restore.pending}
              disabled={restore.disabledReason !== null || asking}
              title={restore.disabledReason ?? undefined}
            >
              Restore v{viewedVersion}
            </Button>
          ) : null}
          <Button
            variant="ghost"
            className="px-2 py-0.5 text-xs"
            onClick={() => {
              setAsking(false);
              onView(currentVersion ?? viewedVersion);
            }}
          >
            Back to current
          </Button>
          {restore && asking ? <RestoreQuestion restore={restore} version={viewedVersion} onDone={() => setAsking(false)} /> : null}
        </>
      ) : null}
    </div>
  );
}

/** Restoring a version others were made from: regenerate them from it too, or keep them as they are. */
function RestoreQuestion({
  restore,
  version,
  onDone,
}: {
  restore: { label: string; dependents: string[]; onRestore: (withDependents: boolean) => void };
  version: number;
  onDone: () => void;
}) {
  const { label, dependents } = restore;
  const one = dependents.length === 1;
  return (
    <div role="group" aria-label={`Restore ${label} v${version}`} className="mt-2 basis-full rounded-xl border border-indigo-200 bg-indigo-50 p-3 text-sm text-stone-800">
      <p>
        v{version} becomes the current {label} as a new version. {dependents.join(", ")} {one ? "reads" : "read"} {label} and {one ? "was" : "were"} made from
        the version current now: regenerate {one ? "it" : "them"} from v{version} too, or keep {one ? "it" : "them"} as {one ? "it is" : "they are"}? Earlier results stay as
        versions.
      </p>
      <div className="mt-2 flex flex-wrap gap-2">
        <Button onClick={() => (onDone(), restore.onRestore(true))}>Restore and regenerate {one ? "it" : `these ${dependents.length} stages`}</Button>
        <Button variant="secondary" onClick={() => (onDone(), restore.onRestore(false))}>
          Only restore
        </Button>
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </div>
  );
}
