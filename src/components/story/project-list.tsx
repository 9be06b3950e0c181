"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { Button, ButtonLink } from "@/components/ui/button";
import { BookIcon } from "@/components/ui/icons";
import { formatRelative } from "@/lib/format";
import { useTRPC } from "@/trpc/react";

const statusLabels = {
  draft: "Draft",
  queued: "Waiting",
  running: "Generating",
  succeeded: "Ready",
  failed: "Has failures",
  cancelled: "Cancelled",
} as const;

export function ProjectList() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const projects = useQuery(trpc.story.list.queryOptions());
  const remove = useMutation(
    trpc.story.delete.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.story.list.queryKey() }) }),
  );

  if (!projects.data) return <div className="h-40 animate-pulse rounded-2xl bg-stone-100" aria-label="Loading projects" />;
  if (projects.data.length === 0) {
    return (
      <div className="flex flex-wrap items-center gap-4 rounded-2xl border border-dashed border-stone-300 bg-white/60 px-6 py-8 text-sm text-stone-600">
        <BookIcon className="size-9 shrink-0 text-indigo-400" />
        <p className="max-w-xl flex-1">No story projects in this team yet. Paste a story and Storyforge turns it into a storyboard of scenes, one picture each.</p>
        <ButtonLink href="/projects/new">New story project</ButtonLink>
      </div>
    );
  }
  return (
    <div className="space-y-4">
      <ButtonLink href="/projects/new">New story project</ButtonLink>
      <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" aria-label="Story projects">
        {projects.data.map((project) => (
          <li key={project.id} className="group overflow-hidden rounded-2xl border border-stone-200 bg-white shadow-sm">
            <Link href={`/projects/${project.id}`} className="block">
              <div className="aspect-[7/4] bg-stone-100">
                {project.coverImageId ? (
                  // eslint-disable-next-line @next/next/no-img-element -- private, membership-checked images
                  <img src={`/api/images/${project.coverImageId}?variant=thumbnail`} alt="" className="size-full object-cover" />
                ) : (
                  <div className="grid size-full place-items-center text-stone-400">
                    <BookIcon className="size-10" />
                  </div>
                )}
              </div>
              <div className="p-4">
                <h3 className="font-semibold group-hover:text-accent">{project.title}</h3>
                <p className="mt-1 text-xs text-stone-500">
                  {project.sceneCount} scenes · {statusLabels[project.status]} · {formatRelative(project.updatedAt)}
                </p>
              </div>
            </Link>
            <div className="flex justify-end border-t border-stone-100 px-4 py-2">
              <Button
                variant="ghost"
                className="px-2 py-1 text-xs text-red-700"
                pending={remove.isPending && remove.variables?.projectId === project.id}
                onClick={() => {
                  if (window.confirm(`Delete “${project.title}” and all its images? This cannot be undone.`)) remove.mutate({ projectId: project.id });
                }}
                aria-label={`Delete ${project.title}`}
              >
                Delete
              </Button>
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
