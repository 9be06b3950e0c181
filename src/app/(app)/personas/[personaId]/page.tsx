import { PersonaPage } from "@/components/personas/persona-page";

export const metadata = { title: "Persona" };

export default async function PersonaRoute({ params }: { params: Promise<{ personaId: string }> }) {
  const { personaId } = await params;
  return <PersonaPage personaId={personaId} />;
}
