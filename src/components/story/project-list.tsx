"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ButtonLink } from "@/components/ui/button";
import { BookIcon } from "@/components/ui/icons";
import { EmptyList, ItemCard, ListLoading } from "@/components/ui/item-list";
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

  if (!projects.data) return <ListLoading label="Loading projects" />;
  if (projects.data.length === 0) {
    return (
      <EmptyList icon={BookIcon} actions={<ButtonLink href="/projects/new">New story project</ButtonLink>}>
        No story projects in this team yet. Paste a story and Storyforge turns it into a storyboard of scenes, one picture each.
      </EmptyList>
    );
  }
  return (
    <div className="space-y-4">
      <ButtonLink href="/projects/new">New story project</ButtonLink>
      <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" aria-label="Story projects">
        {projects.data.map((project) => (
          <ItemCard
            key={project.id}
            href={`/projects/${project.id}`}
            title={project.title}
            cover={
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
            }
            details={
              <p className="mt-1 text-xs text-stone-500">
                {project.sceneCount} scenes · {statusLabels[project.status]} · {formatRelative(project.updatedAt)}
              </p>
            }
            deleting={remove.isPending && remove.variables?.projectId === project.id}
            onDelete={() => remove.mutate({ projectId: project.id })}
          />
        ))}
      </ul>
    </div>
  );
}
