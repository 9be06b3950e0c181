import { OperationsPage } from "@/components/operations/operations-page";

export const metadata = { title: "Operations" };

export default function OperationsRoute() {
  return <OperationsPage />;
}
