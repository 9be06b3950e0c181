"use client";
// The team's persona settings on the team page: whether its personas may be rated mature. Every
// member sees the setting; owners and admins change it.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Card } from "@/components/ui/card";
import { FormError } from "@/components/ui/field";
import { useTRPC } from "@/trpc/react";
import { messageOf } from "./persona-errors";

export function TeamPersonaSettings() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.persona.teamSettings.get.queryOptions());
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const save = useMutation(
    trpc.persona.teamSettings.set.mutationOptions({
      onMutate: () => (setError(null), setSaved(false)),
      onSuccess: (next) => {
        queryClient.setQueryData(trpc.persona.teamSettings.get.queryKey(), next);
        setSaved(true);
      },
      onError: (failure) => setError(messageOf(failure)),
    }),
  );
  if (!settings.data) return null;
  const { canChange } = settings.data;
  // The switch moves at once; a refusal puts it back and says why.
  const allowMature = save.isPending ? save.variables.allowMature : settings.data.allowMature;

  return (
    <Card aria-labelledby="persona-settings-title">
      <h2 id="persona-settings-title" className="text-lg font-semibold">
        Personas
      </h2>
      <p className="mb-4 text-sm text-stone-600">Whether this team&apos;s personas may be rated mature. New personas are rated for a general audience unless this is on.</p>
      <label className={`flex w-fit items-center gap-3 text-sm ${canChange ? "cursor-pointer" : "cursor-not-allowed text-stone-500"}`}>
        <input
          type="checkbox"
          role="switch"
          checked={allowMature}
          disabled={!canChange}
          onChange={(event) => save.mutate({ allowMature: event.target.checked })}
          aria-describedby={canChange ? undefined : "persona-settings-reason"}
          className="peer sr-only"
        />
        <span
          aria-hidden
          className="relative h-6 w-11 shrink-0 rounded-full bg-stone-300 transition-colors after:absolute after:left-0.5 after:top-0.5 after:size-5 after:rounded-full after:bg-white after:shadow after:transition-transform peer-checked:bg-accent peer-checked:after:translate-x-5 peer-focus-visible:ring-2 peer-focus-visible:ring-accent peer-disabled:opacity-60"
        />
        <span className="font-medium">Allow mature content</span>
      </label>
      <p role="status" className="mt-1 h-4 text-xs text-emerald-700">
        {saved ? "Saved" : ""}
      </p>
      {!canChange ? (
        <p id="persona-settings-reason" className="mt-2 text-xs text-stone-500">
          Only a team owner or admin can change this.
        </p>
      ) : null}
      <FormError message={error} />
    </Card>
  );
}
