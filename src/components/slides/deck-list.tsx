"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ButtonLink } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { SlidesIcon } from "@/components/ui/icons";
import { EmptyList, ItemCard, ListLoading } from "@/components/ui/item-list";
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
  if (!decks.data) return <ListLoading label="Loading decks" />;
  if (decks.data.length === 0) {
    return (
      <EmptyList icon={SlidesIcon} actions={<ButtonLink href="/decks/new">New deck</ButtonLink>}>
        No slide decks in this team yet. Write or paste your slides and pick one style: Storyforge renders one matching image per slide.
      </EmptyList>
    );
  }
  return (
    <div className="space-y-4">
      <ButtonLink href="/decks/new">New deck</ButtonLink>
      <FormError message={error} />
      <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" aria-label="Slide decks">
        {decks.data.map((deck) => (
          <ItemCard
            key={deck.id}
            href={`/decks/${deck.id}`}
            title={deck.title}
            truncateTitle
            testId="deck-item"
            cover={
              <div className="grid aspect-video place-items-center bg-stone-100">
                {deck.coverImageId ? (
                  // A cover of any aspect ratio shows whole on the same card shape.
                  // eslint-disable-next-line @next/next/no-img-element -- private, membership-checked images
                  <img src={`/api/images/${deck.coverImageId}?variant=thumbnail`} alt="" className="size-full object-contain" />
                ) : (
                  <SlidesIcon className="size-10 text-stone-400" />
                )}
              </div>
            }
            details={
              <p className="mt-1 flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-stone-500">
                <span className={`rounded-full px-2 py-0.5 font-medium ${deckStatusTones[deck.status]}`} data-testid="deck-status">
                  {deckStatusLabels[deck.status]}
                </span>
                <span>
                  {deck.slideCount} {deck.slideCount === 1 ? "slide" : "slides"} · {deck.aspectRatio} · {formatRelative(deck.updatedAt)}
                </span>
              </p>
            }
            deleting={remove.isPending && remove.variables?.deckId === deck.id}
            onDelete={() => {
              setError(null);
              remove.mutate({ deckId: deck.id });
            }}
          />
        ))}
      </ul>
    </div>
  );
}
