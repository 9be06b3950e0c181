import { BatchPage } from "@/components/personas/batch-page";

export const metadata = { title: "Batch of personas" };

export default async function BatchRoute({ params }: { params: Promise<{ batchId: string }> }) {
  const { batchId } = await params;
  return <BatchPage batchId={batchId} />;
}
