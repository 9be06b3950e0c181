import { BatchList, PersonaList } from "@/components/personas/persona-list";

export const metadata = { title: "Personas" };

export default function PersonasPage() {
  return (
    <div className="space-y-8">
      <div>
        <p className="text-sm text-stone-500">Personas</p>
        <h1 className="text-3xl font-semibold tracking-tight">The team&apos;s personas</h1>
        <p className="mt-1 max-w-2xl text-sm text-stone-600">
          Characters for social posting and role-play, built in stages from a picture or a description. Every member of the team sees
          them; their creator and the team&apos;s owners and admins change them.
        </p>
      </div>
      <PersonaList />
      <BatchList />
    </div>
  );
}
