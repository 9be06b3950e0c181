import { BatchForm } from "@/components/personas/batch-form";

export const metadata = { title: "New batch of personas" };

export default function NewBatchPage() {
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-stone-500">Personas</p>
        <h1 className="text-3xl font-semibold tracking-tight">New batch</h1>
        <p className="mt-1 max-w-2xl text-sm text-stone-600">
          Up to 50 personas at once, one per picture or description, generated in one run. The batch page shows every persona&apos;s
          stages as they fill in.
        </p>
      </div>
      <BatchForm />
    </div>
  );
}
