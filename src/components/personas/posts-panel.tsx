"use client";
// Stage 3 on the persona page: the example posts one by one, each editable (saved as a new version),
// with its earlier versions to view and restore, and regenerated alone, or all of them again.
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { useTRPC } from "@/trpc/react";
import { FieldsEditor, type FieldError } from "./fields-editor";
import { fieldErrorOf, messageOf } from "./persona-errors";
import { PostVersions } from "./post-versions";
import { cleanValue, STAGE_FIELDS, type PersonaView, type PostData, type StageValue } from "./stage-fields";
import { RegenerateControl, StageSection, useRegenerateStage, type StagePanelProps } from "./stage-panel";

type PostItem = PersonaView["posts"]["items"][number];

export function PostsPanel({
  persona,
  cell,
  busyReason,
  onChanged,
}: StagePanelProps) {
  const { regenerate, error, setError } = useRegenerateStage(onChanged);
  const posts = persona.posts.items.filter((post) => post.position < persona.options.postCount);
  const written = posts.filter((post) => post.current).length;

  return (
    <StageSection
      cell={cell}
      meta={`${written} of ${persona.options.postCount} written`}
      actions={
        persona.canEdit && busyReason === null ? (
          <RegenerateControl
            label={cell.label}
            dependents={[]}
            buttonLabel="Regenerate all posts"
            disabledReason={busyReason}
            pending={regenerate.isPending && regenerate.variables?.position === undefined}
            onRegenerate={() => {
              setError(null);
              regenerate.mutate({ personaId: persona.id, stage: "posts" });
            }}
          />
        ) : null
      }
    >
      <FormError message={error} />
      <ol className="grid gap-4 lg:grid-cols-2" aria-label="Example posts">
        {posts.map((post) => (
          <PostCard
            key={post.position}
            persona={persona}
            post={post}
            busyReason={busyReason}
            onChanged={onChanged}
            regenerating={regenerate.isPending && regenerate.variables?.position === post.position}
            onRegenerate={() => {
              setError(null);
              regenerate.mutate({ personaId: persona.id, stage: "posts", position: post.position });
            }}
          />
        ))}
      </ol>
    </StageSection>
  );
}

const postStatus: Partial<Record<PostItem["status"], string>> = {
  queued: "Queued",
  running: "Being written…",
  failed: "Failed",
  skipped: "Skipped",
  cancelled: "Cancelled",
  "not-started": "Not written yet",
};

function PostCard({
  persona,
  post,
  busyReason,
  onChanged,
  regenerating,
  onRegenerate,
}: {
  persona: PersonaView;
  post: PostItem;
  busyReason: string | null;
  onChanged: () => Promise<void>;
  regenerating: boolean;
  onRegenerate: () => void;
}) {
  const trpc = useTRPC();
  const [draft, setDraft] = useState<StageValue | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<FieldError | null>(null);
  const save = useMutation(trpc.persona.updatePost.mutationOptions());
  const fields = STAGE_FIELDS.post;
  const title = `Post ${post.position + 1}`;

  async function submit() {
    if (!draft) return;
    setError(null);
    setFieldError(null);
    try {
      await save.mutateAsync({ personaId: persona.id, position: post.position, data: cleanValue(fields, draft) as PostData });
      setDraft(null);
      await onChanged();
    } catch (failure) {
      const field = fieldErrorOf(failure);
      setFieldError(field);
      setError(field ? "Some fields need a change before this can be saved." : messageOf(failure));
    }
  }

  return (
    <li className="flex flex-col gap-3 rounded-xl border border-stone-200 bg-stone-50/60 p-4" aria-label={title}>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <h3 className="font-semibold">{title}</h3>
        {post.current ? (
          <span className="text-xs text-stone-500">
            v{post.current.version}
            {post.current.origin !== "generated" ? ` · ${post.current.origin}` : ""}
          </span>
        ) : null}
        {postStatus[post.status] ? (
          <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${post.status === "failed" ? "bg-red-100 text-red-800" : "bg-stone-200 text-stone-700"}`}>
            {postStatus[post.status]}
          </span>
        ) : null}
      </div>
      {post.reason && (post.status === "failed" || post.status === "skipped") ? <p className="text-xs text-stone-600">{post.reason}</p> : null}
      {draft ? (
        <form
          aria-label={`Edit ${title}`}
          noValidate
          className="space-y-3"
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          <FieldsEditor fields={fields} value={draft} onChange={setDraft} error={fieldError} />
          <FormError message={error} />
          <div className="flex gap-2">
            <Button type="submit" pending={save.isPending}>
              Save as a new version
            </Button>
            <Button type="button" variant="ghost" onClick={() => (setDraft(null), setError(null), setFieldError(null))}>
              Cancel
            </Button>
          </div>
        </form>
      ) : (
        <>
          {post.current ? <PostVersions persona={persona} post={{ ...post, current: post.current }} busyReason={busyReason} onChanged={onChanged} /> : null}
          {persona.canEdit && busyReason === null ? (
            <div className="mt-auto flex flex-wrap gap-2">
              {post.current ? (
                <Button
                  variant="secondary"
                  className="px-3 py-1 text-xs"
                  onClick={() => setDraft(structuredClone(post.current!.data as StageValue))}
                  disabled={busyReason !== null}
                  title={busyReason ?? undefined}
                >
                  Edit {title.toLowerCase()}
                </Button>
              ) : null}
              <Button
                variant="secondary"
                className="px-3 py-1 text-xs"
                onClick={onRegenerate}
                pending={regenerating}
                disabled={busyReason !== null}
                title={busyReason ?? undefined}
              >
                Regenerate {title.toLowerCase()}
              </Button>
            </div>
          ) : null}
        </>
      )}
    </li>
  );
}
