import { redirect } from "next/navigation";
import { Logo } from "@/components/logo";
import { ButtonLink } from "@/components/ui/button";
import { getSession } from "@/server/session";

const workloads = [
  {
    title: "Story projects",
    text: "Paste a story. Storyforge finds its scenes and characters, writes an image prompt for every scene and paints the storyboard, with live progress. Edit a prompt and repaint one scene.",
  },
  {
    title: "Personas",
    text: "Turn a character image or description into a full persona: core identity, posting strategy, example posts, social circle and a character book — shared with your team.",
  },
  {
    title: "Slide decks",
    text: "Give slide texts and a style; get one consistent picture per slide, generated in parallel batches.",
  },
];

export default async function LandingPage() {
  if (await getSession()) redirect("/dashboard");
  return (
    <div className="min-h-screen">
      <header className="mx-auto flex max-w-6xl items-center justify-between px-4 py-5 sm:px-6">
        <Logo />
        <nav className="flex gap-2" aria-label="Account">
          <ButtonLink href="/sign-in" variant="ghost">
            Sign in
          </ButtonLink>
          <ButtonLink href="/sign-up">Create account</ButtonLink>
        </nav>
      </header>
      <main className="mx-auto max-w-6xl px-4 pb-20 sm:px-6">
        <section className="py-16 sm:py-24">
          <p className="mb-4 text-sm font-medium uppercase tracking-widest text-accent">An open studio</p>
          <h1 className="max-w-3xl font-serif text-4xl font-semibold leading-tight tracking-tight sm:text-6xl">
            Turn writing into pictures.
          </h1>
          <p className="mt-6 max-w-2xl text-lg text-stone-600">
            Storyforge reads what you write and draws it: storyboards from stories, personas from characters, and a picture for every
            slide. Work alone or with your team.
          </p>
          <div className="mt-8 flex flex-wrap gap-3">
            <ButtonLink href="/sign-up" className="px-6 py-3 text-base">
              Start for free
            </ButtonLink>
            <ButtonLink href="/sign-in" variant="secondary" className="px-6 py-3 text-base">
              I have an account
            </ButtonLink>
          </div>
        </section>
        <section aria-label="What Storyforge does" className="grid gap-6 md:grid-cols-3">
          {workloads.map((workload) => (
            <article key={workload.title} className="rounded-2xl border border-stone-200 bg-white p-6 shadow-sm">
              <h2 className="mb-2 text-lg font-semibold">{workload.title}</h2>
              <p className="text-sm leading-relaxed text-stone-600">{workload.text}</p>
            </article>
          ))}
        </section>
      </main>
    </div>
  );
}
