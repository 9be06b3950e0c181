"use client";
// Read-only share links of a persona: create one (optionally expiring), copy it while it is shown —
// the server keeps only the token's hash, so a link can be copied only right after it is made —,
// list the links and revoke them.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { FormError, SelectField } from "@/components/ui/field";
import { useTRPC } from "@/trpc/react";
import { messageOf } from "./persona-errors";

const EXPIRY = [
  { value: "", label: "Never (until revoked)" },
  { value: "1", label: "1 day" },
  { value: "7", label: "7 days" },
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
];

const when = (date: Date) => date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

const statusTone = { active: "bg-emerald-100 text-emerald-900", expired: "bg-stone-200 text-stone-700", revoked: "bg-red-100 text-red-800" };

export function ShareLinks({ personaId, personaName, canEdit }: { personaId: string; personaName: string; canEdit: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const links = useQuery(trpc.persona.shareLinks.list.queryOptions({ personaId }));
  const [expiry, setExpiry] = useState("");
  const [created, setCreated] = useState<{ id: string; url: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.persona.shareLinks.list.queryKey({ personaId }) });
  const create = useMutation(
    trpc.persona.shareLinks.create.mutationOptions({
      onSuccess: async (link) => {
        await refresh();
        setError(null);
        setCopied(false);
        setCreated({ id: link.id, url: `${window.location.origin}/share/personas/${link.token}` });
      },
      onError: (failure) => setError(messageOf(failure)),
    }),
  );
  const revoke = useMutation(
    trpc.persona.shareLinks.revoke.mutationOptions({
      onSuccess: async (link) => {
        if (created?.id === link.id) setCreated(null);
        await refresh();
      },
      onError: (failure) => setError(messageOf(failure)),
    }),
  );

  async function copy(url: string) {
    await navigator.clipboard?.writeText(url).catch(() => undefined);
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  }

  return (
    <Card className="space-y-4" aria-labelledby="share-links-title">
      <div>
        <h2 id="share-links-title" className="text-lg font-semibold">
          Share links
        </h2>
        <p className="text-sm text-stone-600">
          Anyone with a link sees this persona read-only, without signing in, and nothing else of the team. Revoke a link to close it.
        </p>
      </div>
      {canEdit ? (
        <form
          aria-label="Create a share link"
          className="grid gap-3"
          onSubmit={(event) => {
            event.preventDefault();
            create.mutate({ personaId, ...(expiry ? { expiresInDays: Number(expiry) } : {}) });
          }}
        >
          <SelectField label="Expires" value={expiry} onChange={(event) => setExpiry(event.target.value)}>
            {EXPIRY.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </SelectField>
          <Button type="submit" pending={create.isPending}>
            Create share link
          </Button>
        </form>
      ) : (
        <p className="text-sm text-stone-500">Only the persona&apos;s creator or a team owner or admin can create or revoke links.</p>
      )}
      <FormError message={error} />
      {created ? (
        <div className="rounded-xl border border-indigo-200 bg-indigo-50 p-3">
          <p className="mb-2 text-sm text-indigo-950">Copy the link now: it is shown only once.</p>
          <div className="grid gap-2">
            <input
              readOnly
              value={created.url}
              aria-label={`Share link for ${personaName}`}
              data-testid="share-link"
              onFocus={(event) => event.currentTarget.select()}
              className="w-full min-w-0 rounded-lg border border-stone-300 bg-white px-2 py-1.5 font-mono text-xs"
            />
            <Button variant="secondary" className="justify-self-start" onClick={() => copy(created.url)}>
              {copied ? "Copied" : "Copy link"}
            </Button>
          </div>
        </div>
      ) : null}
      {links.data?.length ? (
        <ul className="divide-y divide-stone-100 text-sm" aria-label="Share links">
          {links.data.map((link) => (
            <li key={link.id} className="space-y-1 py-2">
              <div className="flex min-h-7 items-center gap-2">
                <span className={`rounded-full px-2 py-0.5 text-xs font-medium capitalize ${statusTone[link.status]}`}>{link.status}</span>
                {canEdit && link.status === "active" ? (
                  <Button
                    variant="danger"
                    className="ml-auto px-3 py-1 text-xs"
                    pending={revoke.isPending && revoke.variables?.linkId === link.id}
                    onClick={() => {
                      if (window.confirm("Revoke this link? Anyone who has it will get “not found”.")) revoke.mutate({ personaId, linkId: link.id });
                    }}
                  >
                    Revoke
                  </Button>
                ) : null}
              </div>
              <p className="text-xs text-stone-500">
                Created {when(link.createdAt)} ·{" "}
                {link.revokedAt
                  ? `revoked ${when(link.revokedAt)}`
                  : link.expiresAt
                    ? `${link.status === "expired" ? "expired" : "expires"} ${when(link.expiresAt)}`
                    : "no expiry"}
              </p>
            </li>
          ))}
        </ul>
      ) : links.data ? (
        <p className="text-sm text-stone-500">No share links yet.</p>
      ) : null}
    </Card>
  );
}
