"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Button, ButtonLink } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { SlidesIcon } from "@/components/ui/icons";
import { formatRelative } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import { deckStatusLabels, deckStatusTones } from "./deck-format";

/** The active team's decks, newest first; refreshed while any of them is generating or waiting. */
export function DeckList() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const decks = useQuery(
    trpc.slides.list.queryOptions(undefined, {
      refetchInterval: (query) => (query.state.data?.some((deck) => deck.status === "queued" || deck.status === "running") ? 3000 : false),
    }),
  );
  const [error, setError] = useState<string | null>(null);
  const remove = useMutation(
    trpc.slides.delete.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.slides.list.queryKey() }),
      onError: (failure) => setError(failure.message),
    }),
  );

  if (decks.error) return <FormError message={decks.error.message} />;
  if (!decks.data) return <div className="h-40 animate-pulse rounded-2xl bg-stone-100" aria-label="Loading decks" />;
  if (decks.data.length === 0) {
    return (
      <div className="flex flex-wrap items-center gap-4 rounded-2xl border border-dashed border-stone-300 bg-white/60 px-6 py-8 text-sm text-stone-600">
        <SlidesIcon className="size-9 shrink-0 text-indigo-400" />
        <p className="max-w-xl flex-1">
          No slide decks in this team yet. Write or paste your slides and pick one style: Storyforge renders one matching image per slide.
        </p>
        <ButtonLink href="/decks/new">New deck</ButtonLink>
      </div>
    );
  }
  return (
    <div className="space-y-4">
      <ButtonLink href="/decks/new">New deck</ButtonLink>
      <FormError message={error} />
      <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" aria-label="Slide decks">
        {decks.data.map((deck) => (
          <li key={deck.id} className="group overflow-hidden rounded-2xl border border-stone-200 bg-white shadow-sm" data-testid="deck-item">
            <Link href={`/decks/${deck.id}`} className="block">
              <div className="grid aspect-video place-items-center bg-stone-100">
                {deck.coverImageId ? (
                  // A cover of any aspect ratio shows whole on the same card shape.
                  // eslint-disable-next-line @next/next/no-img-element -- private, membership-checked images
                  <img src={`/api/images/${deck.coverImageId}?variant=thumbnail`} alt="" className="size-full object-contain" />
                ) : (
                  <SlidesIcon className="size-10 text-stone-400" />
                )}
              </div>
              <div className="p-4">
                <h3 className="truncate font-semibold group-hover:text-accent">{deck.title}</h3>
                <p className="mt-1 flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-stone-500">
                  <span className={`rounded-full px-2 py-0.5 font-medium ${deckStatusTones[deck.status]}`} data-testid="deck-status">
                    {deckStatusLabels[deck.status]}
                  </span>
                  <span>
                    {deck.slideCount} {deck.slideCount === 1 ? "slide" : "slides"} · {deck.aspectRatio} · {formatRelative(deck.updatedAt)}
                  </span>
                </p>
              </div>
            </Link>
            <div className="flex justify-end border-t border-stone-100 px-4 py-2">
              <Button
                variant="ghost"
                className="px-2 py-1 text-xs text-red-700"
                pending={remove.isPending && remove.variables?.deckId === deck.id}
                onClick={() => {
                  setError(null);
                  if (window.confirm(`Delete “${deck.title}” and all its images? This cannot be undone.`)) remove.mutate({ deckId: deck.id });
                }}
                aria-label={`Delete ${deck.title}`}
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
