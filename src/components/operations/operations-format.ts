// Words for the operators' measurements, shared by the Operations page's panels.
import type { RouterOutputs } from "@/trpc/router-types";

type Measurement = RouterOutputs["operations"]["active"]["budgets"][number];

/** How often the Operations page reads the load and its answers again. */
export const REFRESH_MS = 3000;

export function rateText(budget: Measurement): string {
  return budget.ratePerSecond === null ? "none: steering by window" : `${budget.ratePerSecond.toFixed(2)} calls/s`;
}

export function latencyText(budget: Measurement): string {
  return budget.latencySeconds === null ? "no answer yet" : `${budget.latencySeconds.toFixed(2)} s round trip`;
}

export function limitSeenText(budget: Measurement): string {
  return budget.limitSeen === null ? "never refused" : `refused at ${budget.limitSeen} in flight`;
}
