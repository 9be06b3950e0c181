import { Storyboard } from "@/components/story/storyboard";

export const metadata = { title: "Storyboard" };

export default async function ProjectPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  return <Storyboard projectId={projectId} />;
}
