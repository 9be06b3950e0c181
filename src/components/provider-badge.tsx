"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/react";

const labels = { offline: "Offline preview provider", openai: "OpenAI", openrouter: "OpenRouter" } as const;

/** Says plainly which provider makes the pictures, above all when it is the offline preview. */
export function ProviderBadge() {
  const trpc = useTRPC();
  const info = useQuery(trpc.system.info.queryOptions(undefined, { staleTime: Infinity }));
  if (!info.data) return null;
  const offline = info.data.provider === "offline";
  return (
    <span
      title={offline ? "Images are drawn locally as previews; configure OpenAI or OpenRouter for real pictures." : undefined}
      className={`rounded-full px-2.5 py-1 text-xs font-medium ${offline ? "bg-amber-100 text-amber-900" : "bg-emerald-100 text-emerald-900"}`}
    >
      {labels[info.data.provider]}
    </span>
  );
}
