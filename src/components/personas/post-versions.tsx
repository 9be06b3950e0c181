"use client";
// One example post's text as its card shows it: the current version, and when the post has earlier
// ones, a row to load and view them and make one current again (a new version with its data).
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { useTRPC } from "@/trpc/react";
import { FieldsView } from "./fields-view";
import { messageOf } from "./persona-errors";
import { STAGE_FIELDS, type PersonaView, type StageValue } from "./stage-fields";

type PostItem = PersonaView["posts"]["items"][number];

export function PostVersions({
  persona,
  post,
  busyReason,
  onChanged,
}: {
  persona: PersonaView;
  post: PostItem & { current: NonNullable<PostItem["current"]> };
  busyReason: string | null;
  onChanged: () => Promise<void>;
}) {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const [viewedVersion, setViewedVersion] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const input = { personaId: persona.id, position: post.position };
  const versions = useQuery(trpc.persona.postVersions.queryOptions(input, { enabled: open }));
  const restore = useMutation(
    trpc.persona.restorePost.mutationOptions({
      onSuccess: async () => {
        setViewedVersion(null);
        await versions.refetch();
        await onChanged();
      },
      onError: (failure) => setError(messageOf(failure)),
    }),
  );
  const viewed = (viewedVersion !== null ? versions.data?.find((version) => version.version === viewedVersion) : null) ?? post.current;
  const earlier = viewed.version !== post.current.version;

  return (
    <>
      <FieldsView fields={STAGE_FIELDS.post} value={viewed.data as StageValue} />
      {post.versions > 1 ? (
        <div className="flex flex-wrap items-center gap-1.5 text-xs" role="group" aria-label={`Versions of post ${post.position + 1}`}>
          {!open ? (
            <Button variant="ghost" className="px-2 py-0.5 text-xs" onClick={() => setOpen(true)}>
              Earlier versions ({post.versions - 1})
            </Button>
          ) : (
            (versions.data ?? []).map((version) => (
              <button
                key={version.version}
                type="button"
                onClick={() => setViewedVersion(version.version)}
                aria-pressed={version.version === viewed.version}
                title={`${version.origin} ${version.createdAt.toLocaleString()}`}
                className="rounded-md border border-stone-300 px-2 py-0.5 font-medium aria-pressed:border-indigo-500 aria-pressed:bg-indigo-50 aria-pressed:text-indigo-800"
              >
                v{version.version}
                {version.version === post.current.version ? " ★" : ""}
              </button>
            ))
          )}
          {earlier ? (
            <>
              {persona.canEdit ? (
                <Button
                  variant="secondary"
                  className="px-2 py-0.5 text-xs"
                  onClick={() => {
                    setError(null);
                    restore.mutate({ ...input, version: viewed.version });
                  }}
                  pending={restore.isPending}
                  disabled={busyReason !== null}
                  title={busyReason ?? undefined}
                >
                  Restore v{viewed.version}
                </Button>
              ) : null}
              <Button variant="ghost" className="px-2 py-0.5 text-xs" onClick={() => setViewedVersion(null)}>
                Back to current
              </Button>
            </>
          ) : null}
        </div>
      ) : null}
      <FormError message={error} />
    </>
  );
}
