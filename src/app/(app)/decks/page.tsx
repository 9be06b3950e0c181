import { DeckList } from "@/components/slides/deck-list";

export const metadata = { title: "Slide decks" };

export default function DecksPage() {
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-stone-500">Slide decks</p>
        <h1 className="text-3xl font-semibold tracking-tight">Your team&apos;s decks</h1>
        <p className="mt-1 max-w-2xl text-sm text-stone-600">
          One consistent image per slide: every slide is rendered with the deck&apos;s style at its aspect ratio, then exported as
          PowerPoint, PDF or a zip of images.
        </p>
      </div>
      <DeckList />
    </div>
  );
}
