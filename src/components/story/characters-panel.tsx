"use client";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { useTRPC } from "@/trpc/react";
import type { RouterOutputs } from "@/trpc/router-types";

type Character = RouterOutputs["story"]["get"]["characters"][number];
interface Draft {
  id?: string;
  name: string;
  description: string;
  traits: string;
}

const toDraft = (character: Character): Draft => ({
  id: character.id,
  name: character.name,
  description: character.description,
  traits: character.visualTraits.join(", "),
});

export function CharactersPanel({
  projectId,
  characters,
  disabled,
  onSaved,
}: {
  projectId: string;
  characters: Character[];
  disabled: boolean;
  onSaved: () => Promise<void>;
}) {
  const trpc = useTRPC();
  const [drafts, setDrafts] = useState<Draft[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const save = useMutation(trpc.story.updateCharacters.mutationOptions());

  async function submit() {
    if (!drafts) return;
    if (drafts.some((draft) => !draft.name.trim())) return setError("Every character needs a name.");
    try {
      const result = await save.mutateAsync({
        projectId,
        characters: drafts.map((draft) => ({
          id: draft.id,
          name: draft.name.trim(),
          description: draft.description.trim(),
          visualTraits: draft.traits
            .split(",")
            .map((trait) => trait.trim())
            .filter(Boolean),
        })),
      });
      setDrafts(null);
      setError(null);
      setNotice(
        result.affectedScenes
          ? `Rewriting the prompts of ${result.affectedScenes} scene${result.affectedScenes === 1 ? "" : "s"} with these characters.`
          : "Saved. No scene needed a new prompt.",
      );
      await onSaved();
    } catch (failure) {
      setError((failure as Error).message);
    }
  }

  const update = (index: number, change: Partial<Draft>) =>
    setDrafts((current) => current && current.map((draft, position) => (position === index ? { ...draft, ...change } : draft)));
  const input = "block w-full rounded-lg border border-stone-300 bg-white px-2 py-1.5 text-sm focus:border-accent focus:outline-none focus:ring-2 focus:ring-accent/30";

  return (
    <section aria-labelledby="characters-heading" className="rounded-2xl border border-stone-200 bg-white p-5 shadow-sm">
      <div className="mb-3 flex flex-wrap items-center gap-3">
        <h2 id="characters-heading" className="text-lg font-semibold">
          Characters
        </h2>
        <p className="text-sm text-stone-600">Their visual traits go into every prompt, so each looks the same in every scene.</p>
        {!drafts ? (
          <Button variant="secondary" className="ml-auto" disabled={disabled || characters.length === 0} onClick={() => setDrafts(characters.map(toDraft))}>
            Edit characters
          </Button>
        ) : null}
      </div>
      {notice && !drafts ? <p className="mb-3 text-sm text-emerald-800">{notice}</p> : null}
      {drafts ? (
        <div className="space-y-3">
          {drafts.map((draft, index) => (
            <fieldset key={draft.id ?? `new-${index}`} className="grid gap-2 rounded-xl border border-stone-200 p-3 md:grid-cols-[12rem_1fr_1fr_auto]">
              <legend className="sr-only">Character {index + 1}</legend>
              <input aria-label="Name" value={draft.name} maxLength={80} onChange={(event) => update(index, { name: event.target.value })} className={input} />
              <input
                aria-label="Description"
                value={draft.description}
                maxLength={1000}
                onChange={(event) => update(index, { description: event.target.value })}
                className={input}
              />
              <input
                aria-label="Visual traits (comma-separated)"
                value={draft.traits}
                onChange={(event) => update(index, { traits: event.target.value })}
                className={input}
              />
              <Button variant="ghost" onClick={() => setDrafts((current) => current && current.filter((_, position) => position !== index))}>
                Remove
              </Button>
            </fieldset>
          ))}
          <FormError message={error} />
          <div className="flex flex-wrap gap-2">
            <Button variant="ghost" onClick={() => setDrafts((current) => [...(current ?? []), { name: "", description: "", traits: "" }])}>
              Add character
            </Button>
            <Button onClick={submit} pending={save.isPending} className="ml-auto">
              Save and rewrite prompts
            </Button>
            <Button variant="ghost" onClick={() => setDrafts(null)}>
              Cancel
            </Button>
          </div>
        </div>
      ) : characters.length ? (
        <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
          {characters.map((character) => (
            <li key={character.id} className="rounded-xl bg-stone-50 p-3">
              <p className="font-medium">{character.name}</p>
              <p className="line-clamp-2 text-sm text-stone-600">{character.description}</p>
              {character.visualTraits.length ? <p className="mt-1 text-xs text-stone-500">{character.visualTraits.join(" · ")}</p> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-stone-500">{disabled ? "Characters appear once the story is read." : "No named characters were found."}</p>
      )}
    </section>
  );
}
