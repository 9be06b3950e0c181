"use client";
// Team settings → API keys, for owners and admins: keys for the batch API (slide decks from
// scripts). A new key's secret is shown once; the server keeps only its hash.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { FormError, TextField } from "@/components/ui/field";
import { formatRelative } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import type { RouterOutputs } from "@/trpc/router-types";

type ApiKey = RouterOutputs["slides"]["apiKeys"]["list"][number];
type CreatedKey = RouterOutputs["slides"]["apiKeys"]["create"];

export function ApiKeys() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.slides.apiKeys.list.queryOptions());
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const [nameError, setNameError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.slides.apiKeys.list.queryKey() });
  const create = useMutation(trpc.slides.apiKeys.create.mutationOptions());
  const revoke = useMutation(trpc.slides.apiKeys.revoke.mutationOptions({ onSuccess: refresh, onError: (failure) => setError(failure.message) }));

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const name = String(new FormData(formElement).get("name") ?? "").trim();
    if (!name) return setNameError("Name the key, e.g. after the script that uses it.");
    setNameError(null);
    setError(null);
    try {
      setCreated(await create.mutateAsync({ name }));
      formElement.reset();
      await refresh();
    } catch (failure) {
      setNameError((failure as Error).message);
    }
  }

  return (
    <Card>
      <h2 className="text-lg font-semibold">API keys</h2>
      <p className="mb-4 text-sm text-stone-600">
        Scripts use a key to create and download this team&apos;s slide decks through the batch API. Anyone holding a key acts for the
        team: give each script its own key and revoke a key you no longer trust.
      </p>
      <form onSubmit={submit} noValidate className="flex flex-wrap items-start gap-3" aria-label="Create an API key">
        <TextField label="Key name" name="name" maxLength={100} className="min-w-56 flex-1" error={nameError} placeholder="Nightly report script" />
        <Button type="submit" pending={create.isPending} className="mt-6">
          Create key
        </Button>
      </form>
      {created ? <NewSecret created={created} onDone={() => setCreated(null)} /> : null}
      <FormError message={error} />

      {keys.data && keys.data.length > 0 ? (
        <ul className="mt-6 divide-y divide-stone-100" aria-label="API keys">
          {keys.data.map((key) => (
            <KeyRow
              key={key.id}
              apiKey={key}
              pending={revoke.isPending && revoke.variables?.keyId === key.id}
              onRevoke={() => {
                if (window.confirm(`Revoke “${key.name}”? Scripts using it stop working at once. This cannot be undone.`)) revoke.mutate({ keyId: key.id });
              }}
            />
          ))}
        </ul>
      ) : keys.data ? (
        <p className="mt-4 text-sm text-stone-500">No keys yet.</p>
      ) : null}
      <BatchApiHint />
    </Card>
  );
}

function NewSecret({ created, onDone }: { created: CreatedKey; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    await navigator.clipboard?.writeText(created.key).catch(() => undefined);
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  }
  return (
    <div role="status" className="mt-4 rounded-xl border border-amber-300 bg-amber-50 p-4" data-testid="new-api-key">
      <p className="text-sm font-semibold text-amber-950">Copy the key “{created.name}” now: it is shown only this once.</p>
      <p className="mt-1 text-xs text-amber-900">Storyforge keeps only a hash of it and cannot show it again. Lost it? Revoke it and create another.</p>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <input
          readOnly
          value={created.key}
          aria-label="New API key"
          onFocus={(event) => event.currentTarget.select()}
          className="min-w-0 flex-1 rounded-lg border border-amber-300 bg-white px-2 py-1.5 font-mono text-xs"
        />
        <Button variant="secondary" onClick={copy}>
          {copied ? "Copied" : "Copy key"}
        </Button>
        <Button variant="ghost" onClick={onDone}>
          I have copied it
        </Button>
      </div>
    </div>
  );
}

function KeyRow({ apiKey, pending, onRevoke }: { apiKey: ApiKey; pending: boolean; onRevoke: () => void }) {
  const revoked = apiKey.revokedAt !== null;
  return (
    <li className={`flex flex-wrap items-center gap-3 py-3 ${revoked ? "opacity-60" : ""}`}>
      <div className="min-w-0 flex-1">
        <p className="flex flex-wrap items-center gap-2 text-sm font-medium">
          <span className="truncate">{apiKey.name}</span>
          <code className="rounded bg-stone-100 px-1.5 py-0.5 font-mono text-xs text-stone-700">{apiKey.prefix}…</code>
        </p>
        <p className="text-xs text-stone-500">
          Created {apiKey.createdAt.toLocaleDateString()}
          {apiKey.createdBy ? ` by ${apiKey.createdBy.name}` : ""} · {apiKey.lastUsedAt ? `last used ${formatRelative(apiKey.lastUsedAt)}` : "never used"}
        </p>
      </div>
      {revoked ? (
        <span className="rounded-full bg-stone-100 px-2.5 py-1 text-xs font-medium text-stone-600">Revoked {apiKey.revokedAt!.toLocaleDateString()}</span>
      ) : (
        <Button variant="danger" onClick={onRevoke} pending={pending} aria-label={`Revoke ${apiKey.name}`}>
          Revoke
        </Button>
      )}
    </li>
  );
}

function BatchApiHint() {
  // The origin is only known in the browser; the server render shows a stand-in.
  const [base, setBase] = useState("https://storyforge.example");
  useEffect(() => setBase(window.location.origin), []);
  const example = [
    "KEY=sfk_…   # a key from above",
    `curl -sS -X POST ${base}/api/v1/decks \\`,
    '  -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" \\',
    `  -d '{"title": "Quarterly review", "style_prompt": "clean flat vector illustration",`,
    `       "aspect_ratio": "16:9", "max_workers": 5,`,
    `       "slides": [{"title": "Growth", "text": "Revenue grew 12%"}, "A harbour at dawn"]}'`,
    "# → 202 {\"id\": \"…\", \"status_url\": …, \"events_url\": …}",
    `curl -sS -N ${base}/api/v1/decks/$ID/events -H "Authorization: Bearer $KEY"   # live progress`,
    `curl -sS -o deck.pptx "${base}/api/v1/decks/$ID/export?format=pptx" -H "Authorization: Bearer $KEY"`,
  ].join("\n");
  return (
    // Sized by the card, not by the example's longest line (which scrolls instead of widening the page).
    <details className="mt-6 rounded-xl border border-stone-200 bg-stone-50 p-4 text-sm [contain:inline-size]">
      <summary className="cursor-pointer select-none font-medium text-stone-800">Use the batch API</summary>
      <p className="mt-2 text-stone-600">
        Create a deck with one request, follow it live, then download it as PPTX, PDF or zip. Every route and field is in the{" "}
        <a href="/api/v1/openapi.json" className="font-medium text-accent underline" target="_blank" rel="noreferrer">
          OpenAPI document
        </a>
        .
      </p>
      <pre className="mt-3 overflow-x-auto rounded-lg bg-stone-900 p-3 font-mono text-xs leading-relaxed text-stone-100" data-testid="batch-api-example">
        {example}
      </pre>
    </details>
  );
}
