import { NewProjectForm } from "@/components/story/new-project-form";

export const metadata = { title: "New story project" };

export default function NewProjectPage() {
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-stone-500">Story projects</p>
        <h1 className="text-3xl font-semibold tracking-tight">New story project</h1>
        <p className="mt-1 max-w-2xl text-sm text-stone-600">
          Storyforge finds the scenes and characters, writes one image prompt per scene, then renders the storyboard. You can edit any
          prompt and repaint a scene afterwards.
        </p>
      </div>
      <NewProjectForm />
    </div>
  );
}
