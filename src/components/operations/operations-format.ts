// Words for the operators' measurements, shared by the Operations page's panels.
import type { RouterOutputs } from "@/trpc/router-types";

type Measurement = RouterOutputs["operations"]["active"]["budgets"][number];

/** How often the Operations page reads the load and its answers again. */
export const REFRESH_MS = 3000;

export function rateText(budget: Measurement): string {
  return budget.ratePerSecond === null ? "not learned yet" : `${budget.ratePerSecond.toFixed(2)} calls/s`;
}

export function latencyText(budget: Measurement): string {
  if (budget.latencySeconds === null) return "no measurement yet";
  const source = budget.latencySource === "recent-slide-images" ? " (median of recent slide images)" : budget.latencySource === "engine" ? " (engine)" : "";
  return `${budget.latencySeconds.toFixed(1)} s${source}`;
}
