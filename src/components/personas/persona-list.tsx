"use client";
// The team's personas, visible to every member: avatar, name, who they are, status and when they
// last changed. Refreshes itself while any of them is still generating.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { ButtonLink } from "@/components/ui/button";
import { PersonaIcon } from "@/components/ui/icons";
import { EmptyList, ListLoading } from "@/components/ui/item-list";
import { formatRelative } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import type { RouterOutputs } from "@/trpc/router-types";

type PersonaSummary = RouterOutputs["persona"]["list"][number];

const STATUS: Record<PersonaSummary["status"], { label: string; tone: string }> = {
  draft: { label: "Draft", tone: "bg-stone-100 text-stone-700" },
  queued: { label: "Waiting", tone: "bg-stone-100 text-stone-700" },
  running: { label: "Generating", tone: "bg-indigo-100 text-indigo-800" },
  succeeded: { label: "Ready", tone: "bg-emerald-100 text-emerald-900" },
  failed: { label: "Has failures", tone: "bg-red-100 text-red-800" },
  cancelled: { label: "Cancelled", tone: "bg-stone-200 text-stone-700" },
};

const generating = (personas: PersonaSummary[] | undefined) => personas?.some((persona) => persona.status === "queued" || persona.status === "running") ?? false;

/** `limit` shows the most recent few (the dashboard), with a link to all. */
export function PersonaList({ limit }: { limit?: number }) {
  const trpc = useTRPC();
  const personas = useQuery(
    trpc.persona.list.queryOptions(undefined, { refetchInterval: (query) => (generating(query.state.data) ? 3000 : false) }),
  );

  if (personas.error) return <p className="text-sm text-red-700">{personas.error.message}</p>;
  if (!personas.data) return <ListLoading label="Loading personas" />;
  if (personas.data.length === 0) {
    return (
      <EmptyList
        icon={PersonaIcon}
        actions={
          <div className="flex flex-wrap gap-2">
            <ButtonLink href="/personas/new">New persona</ButtonLink>
            <ButtonLink href="/personas/batches/new" variant="secondary">
              New batch
            </ButtonLink>
          </div>
        }
      >
        No personas in this team yet. Make one from a picture or a description; every member of the team sees it here.
      </EmptyList>
    );
  }
  const shown = limit ? personas.data.slice(0, limit) : personas.data;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap gap-2">
        <ButtonLink href="/personas/new">New persona</ButtonLink>
        <ButtonLink href="/personas/batches/new" variant="secondary">
          New batch
        </ButtonLink>
        {limit && personas.data.length > limit ? (
          <ButtonLink href="/personas" variant="ghost">
            All {personas.data.length} personas
          </ButtonLink>
        ) : null}
      </div>
      <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3" aria-label="Personas">
        {shown.map((persona) => (
          <li key={persona.id}>
            <Link
              href={`/personas/${persona.id}`}
              className="group flex items-center gap-4 rounded-2xl border border-stone-200 bg-white p-3 shadow-sm hover:border-indigo-200"
            >
              <div className="grid size-16 shrink-0 place-items-center overflow-hidden rounded-xl bg-indigo-50">
                {persona.avatarImageId ? (
                  // eslint-disable-next-line @next/next/no-img-element -- private, membership-checked images
                  <img src={`/api/images/${persona.avatarImageId}?variant=thumbnail`} alt="" className="size-full object-cover" />
                ) : (
                  <PersonaIcon className="size-8 text-indigo-300" />
                )}
              </div>
              <div className="min-w-0 flex-1">
                <h3 className="truncate font-semibold group-hover:text-accent">{persona.name}</h3>
                {persona.identity ? <p className="truncate text-xs text-stone-600">{persona.identity}</p> : null}
                <p className="mt-1 flex flex-wrap items-center gap-1.5 text-xs text-stone-500">
                  <span className={`rounded-full px-2 py-0.5 font-medium ${STATUS[persona.status].tone}`}>{STATUS[persona.status].label}</span>
                  {persona.contentRating === "mature" ? <span className="rounded-full bg-rose-100 px-2 py-0.5 font-medium text-rose-900">Mature</span> : null}
                  <span>updated {formatRelative(persona.updatedAt)}</span>
                </p>
              </div>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The team's batches, newest first, each linking to its page. */
export function BatchList() {
  const trpc = useTRPC();
  const batches = useQuery(trpc.persona.batches.list.queryOptions());
  if (!batches.data?.length) return null;
  return (
    <section aria-labelledby="batches-title" className="space-y-3">
      <h2 id="batches-title" className="text-lg font-semibold">
        Batches
      </h2>
      <ul className="divide-y divide-stone-100 rounded-2xl border border-stone-200 bg-white text-sm shadow-sm" aria-label="Batches">
        {batches.data.map((batch) => (
          <li key={batch.id}>
            <Link href={`/personas/batches/${batch.id}`} className="flex flex-wrap items-center gap-3 px-4 py-3 hover:bg-stone-50">
              <span className="font-medium">
                {batch.size} personas from {batch.source === "mixed" ? "pictures and descriptions" : `${batch.source}s`}
              </span>
              {batch.status ? <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${STATUS[batch.status].tone}`}>{STATUS[batch.status].label}</span> : null}
              <span className="ml-auto text-xs text-stone-500">{batch.createdAt.toLocaleString()}</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
