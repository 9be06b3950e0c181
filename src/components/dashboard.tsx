"use client";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { PersonaList } from "@/components/personas/persona-list";
import { ProjectList } from "@/components/story/project-list";
import { DeckList } from "@/components/slides/deck-list";
import { useTRPC } from "@/trpc/react";

export function Dashboard() {
  const trpc = useTRPC();
  const team = useQuery(trpc.teams.current.queryOptions());

  return (
    <div className="space-y-10">
      <div>
        <p className="text-sm text-stone-500">Dashboard</p>
        <h1 className="text-3xl font-semibold tracking-tight" data-testid="team-name">
          {team.data?.name ?? "\u00a0"}
        </h1>
      </div>
      <Section
        title="Story projects"
        description="Paste a story; Storyforge splits it into scenes and characters, writes a prompt per scene and paints a storyboard."
      >
        <ProjectList />
      </Section>
      <Section
        title="Personas"
        description="Build a character persona from an image or a description: voice, posting strategy, example posts and a character book."
      >
        <PersonaList limit={6} />
      </Section>
      <Section title="Slide decks" description="One consistent image per slide, generated in batches from your slide texts and a style.">
        <DeckList />
      </Section>
    </div>
  );
}

function Section({ title, description, children }: { title: string; description: string; children: ReactNode }) {
  return (
    <section aria-labelledby={title}>
      <h2 id={title} className="text-lg font-semibold">
        {title}
      </h2>
      <p className="mb-4 max-w-2xl text-sm text-stone-600">{description}</p>
      {children}
    </section>
  );
}
