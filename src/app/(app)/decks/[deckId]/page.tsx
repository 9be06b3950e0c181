import { DeckPage } from "@/components/slides/deck-page";

export const metadata = { title: "Slide deck" };

export default async function DeckRoute({ params }: { params: Promise<{ deckId: string }> }) {
  const { deckId } = await params;
  return <DeckPage deckId={deckId} />;
}
