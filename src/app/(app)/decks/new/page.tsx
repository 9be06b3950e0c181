import { NewDeckForm } from "@/components/slides/new-deck-form";

export const metadata = { title: "New deck" };

export default function NewDeckPage() {
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-stone-500">Slide decks</p>
        <h1 className="text-3xl font-semibold tracking-tight">New deck</h1>
        <p className="mt-1 max-w-2xl text-sm text-stone-600">
          Write the slides or paste an outline, choose one style for all of them, and Storyforge renders an image per slide. A slide
          without an image prompt gets one written from its title and text.
        </p>
      </div>
      <NewDeckForm />
    </div>
  );
}
