// What a share link shows: the persona alone, read-only — its stages as text, its posts, its avatar
// and its card files — and nothing of the team behind it. No hooks and no data fetching: the share
// page renders it on the server.
import type { RouterOutputs } from "@/trpc/router-types";
import { PersonaIcon } from "@/components/ui/icons";
import { CardDownloads } from "./card-downloads";
import { FieldsView } from "./fields-view";
import { STAGE_FIELDS, type ObjectStage, type StageValue } from "./stage-fields";

type Shared = RouterOutputs["persona"]["shared"]["get"];

const SECTIONS: Array<{ stage: ObjectStage; title: string }> = [
  { stage: "core", title: "Who they are" },
  { stage: "strategy", title: "Posting strategy" },
  { stage: "network", title: "Social network" },
  { stage: "authenticity", title: "Authenticity" },
  { stage: "visual", title: "Visual profile" },
  { stage: "book", title: "Character book" },
];

export function SharedPersona({ persona, token }: { persona: Shared; token: string }) {
  const core = persona.stages.core;
  const facts = [core?.age ? `${core.age}` : null, core?.pronouns, core?.occupation, core?.location].filter(Boolean);
  const base = `/api/personas/shared/${encodeURIComponent(token)}`;
  return (
    <article className="space-y-8" aria-label={persona.name}>
      <header className="flex flex-wrap items-center gap-6">
        <div className="grid size-32 shrink-0 place-items-center overflow-hidden rounded-3xl bg-indigo-50">
          {persona.hasAvatar ? (
            // eslint-disable-next-line @next/next/no-img-element -- served behind the share token
            <img src={`${base}/avatar`} alt={`Avatar of ${persona.name}`} className="size-full object-cover" />
          ) : (
            <PersonaIcon className="size-14 text-indigo-300" />
          )}
        </div>
        <div className="min-w-0 flex-1">
          <p className="text-sm text-stone-500">Shared persona · read-only</p>
          <h1 className="break-words font-serif text-4xl font-semibold tracking-tight" data-testid="persona-name">
            {persona.name}
          </h1>
          {facts.length ? <p className="mt-1 text-stone-700">{facts.join(" · ")}</p> : null}
          {core?.identity ? <p className="mt-2 max-w-2xl text-sm leading-relaxed text-stone-600">{core.identity}</p> : null}
        </div>
      </header>

      <section aria-label="Character card" className="flex flex-wrap items-center gap-3 rounded-2xl border border-stone-200 bg-white p-4 shadow-sm">
        <p className="text-sm text-stone-600">Use this persona in a chat tool:</p>
        <CardDownloads base={`${base}/card`} />
      </section>

      {SECTIONS.map(({ stage, title }) => {
        const data = persona.stages[stage];
        if (!data) return null;
        return (
          <section key={stage} aria-labelledby={`shared-${stage}`} className="rounded-2xl border border-stone-200 bg-white p-6 shadow-sm">
            <h2 id={`shared-${stage}`} className="mb-4 text-lg font-semibold">
              {title}
            </h2>
            <FieldsView fields={STAGE_FIELDS[stage]} value={data as StageValue} />
          </section>
        );
      })}

      {persona.posts.length ? (
        <section aria-labelledby="shared-posts" className="rounded-2xl border border-stone-200 bg-white p-6 shadow-sm">
          <h2 id="shared-posts" className="mb-4 text-lg font-semibold">
            Example posts
          </h2>
          <ol className="grid gap-4 lg:grid-cols-2">
            {persona.posts.map((post) => (
              <li key={post.position} className="rounded-xl border border-stone-200 bg-stone-50/60 p-4">
                <FieldsView fields={STAGE_FIELDS.post} value={post.data as StageValue} />
              </li>
            ))}
          </ol>
        </section>
      ) : null}
      <p className="text-xs text-stone-500">Last updated {persona.updatedAt.toLocaleDateString("en")}.</p>
    </article>
  );
}
