import { NewPersonaForm } from "@/components/personas/new-persona-form";

export const metadata = { title: "New persona" };

export default function NewPersonaPage() {
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-stone-500">Personas</p>
        <h1 className="text-3xl font-semibold tracking-tight">New persona</h1>
        <p className="mt-1 max-w-2xl text-sm text-stone-600">
          Storyforge writes the core persona first, then the posting strategy and example posts, and beside them the social network,
          authenticity, visual profile and character book. Every stage can be edited and regenerated afterwards.
        </p>
      </div>
      <NewPersonaForm />
    </div>
  );
}
