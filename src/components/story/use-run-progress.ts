"use client";
// Follows a generation run live: a snapshot of its tasks (runs.get) merged with the events that
// arrive over Server-Sent Events. The subscription replays stored events after the last id it
// saw, so a reload or a dropped connection picks up where it was.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTRPC } from "@/trpc/react";

export type LiveTaskStatus = "queued" | "running" | "retrying" | "succeeded" | "failed" | "cancelled" | "skipped";

export interface LiveTask {
  key: string;
  kind: string;
  status: LiveTaskStatus;
  attempts: number;
  durationMs: number | null;
  /** Why it failed, was skipped, or is being retried. */
  reason: string | null;
}

type RunEvent =
  | { type: "run-start"; payload: { total: number } }
  | { type: "queue-position"; payload: { position: number } }
  | { type: "task-start"; payload: { key: string; kind: string } }
  | { type: "task-retry"; payload: { key: string; attempt: number; delayMs: number; reason: string } }
  | { type: "task-error"; payload: { key: string; error: string } }
  | { type: "task-end"; payload: { key: string; status: LiveTaskStatus; attempts: number; durationMs: number | null; reason?: string } }
  | { type: "run-end"; payload: { status: string } };

export function useRunProgress(runId: string | null, onChange: (event: { type: string; key?: string }) => void) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const run = useQuery(trpc.runs.get.queryOptions({ runId: runId ?? "" }, { enabled: Boolean(runId), staleTime: 0 }));
  const [live, setLive] = useState<Map<string, Partial<LiveTask> & { key: string }>>(new Map());
  const [queuePosition, setQueuePosition] = useState<number | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  useEffect(() => {
    setLive(new Map());
    setQueuePosition(null);
  }, [runId]);

  const ended = run.data ? ["succeeded", "failed", "cancelled"].includes(run.data.status) : false;

  const subscription = useSubscription(
    trpc.runs.events.subscriptionOptions(
      { runId: runId ?? "" },
      {
        enabled: Boolean(runId),
        onData(envelope) {
          const event = envelope.data as unknown as RunEvent;
          if (event.type === "queue-position") return setQueuePosition(event.payload.position);
          if (event.type === "run-start") setQueuePosition(null);
          if (event.type === "run-end" || (event.type === "task-end" && event.payload.key === "analyse")) {
            // New tasks (one per scene) or final metrics: refresh the snapshot.
            void queryClient.invalidateQueries({ queryKey: trpc.runs.get.queryKey({ runId: runId ?? "" }) });
          }
          if ("payload" in event && "key" in event.payload) {
            const { key } = event.payload;
            setLive((previous) => {
              const next = new Map(previous);
              const current = next.get(key) ?? { key };
              switch (event.type) {
                case "task-start":
                  next.set(key, { ...current, kind: event.payload.kind, status: "running", reason: null });
                  break;
                case "task-retry":
                  next.set(key, { ...current, status: "retrying", attempts: event.payload.attempt, reason: event.payload.reason });
                  break;
                case "task-error":
                  next.set(key, { ...current, reason: event.payload.error });
                  break;
                case "task-end":
                  next.set(key, {
                    ...current,
                    status: event.payload.status,
                    attempts: event.payload.attempts,
                    durationMs: event.payload.durationMs,
                    reason: event.payload.reason ?? (event.payload.status === "failed" ? current.reason : null),
                  });
                  break;
              }
              return next;
            });
          }
          onChangeRef.current({ type: event.type, key: "key" in event.payload ? (event.payload as { key: string }).key : undefined });
        },
      },
    ),
  );

  const tasks = useMemo(() => {
    const merged = new Map<string, LiveTask>();
    for (const task of run.data?.tasks ?? []) {
      merged.set(task.key, {
        key: task.key,
        kind: task.kind,
        status: task.status,
        attempts: task.attempts,
        durationMs: task.durationMs,
        reason: task.lastError,
      });
    }
    for (const [key, update] of live) {
      const base = merged.get(key) ?? { key, kind: "image" as const, status: "queued" as const, attempts: 0, durationMs: null, reason: null };
      merged.set(key, { ...base, ...Object.fromEntries(Object.entries(update).filter(([, value]) => value !== undefined)) } as LiveTask);
    }
    return merged;
  }, [run.data, live]);

  /** Follows the same run again after it was re-opened (retry of failed tasks): its stream had ended. */
  const restart = useCallback(async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.runs.get.queryKey({ runId: runId ?? "" }) });
    subscription.reset();
  }, [queryClient, trpc, runId, subscription]);

  return { run: run.data ?? null, tasks, queuePosition, ended, connection: subscription.status, restart };
}
