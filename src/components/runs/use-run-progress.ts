"use client";
// Follows a generation run live, whatever domain submitted it: a snapshot of its tasks (runs.get)
// merged with the events that arrive over Server-Sent Events. The subscription replays stored
// events after the last id it saw, so a reload or a dropped connection picks up where it was.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTRPC } from "@/trpc/react";
import { applyRunEvent, mergeTasks, taskKeyOf, type LiveTaskUpdate, type RunEventMessage } from "./live-tasks";

export type { LiveTask, LiveTaskStatus, RunEventMessage } from "./live-tasks";

export interface RunProgressOptions {
  /** Called after each event has been applied (queue positions aside): a domain refreshes its own data here. */
  onEvent?: (event: RunEventMessage) => void;
  /**
   * Events after which the snapshot is read again, for a domain that knows which of its tasks add
   * others. The snapshot is read again anyway at run-end and when an event names a task it lacks.
   */
  refreshOn?: (event: RunEventMessage) => boolean;
}

export function useRunProgress(runId: string | null, options: RunProgressOptions = {}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const run = useQuery(trpc.runs.get.queryOptions({ runId: runId ?? "" }, { enabled: Boolean(runId), staleTime: 0 }));
  const [live, setLive] = useState<ReadonlyMap<string, LiveTaskUpdate>>(new Map());
  const [queuePosition, setQueuePosition] = useState<number | null>(null);
  const optionsRef = useRef(options);
  optionsRef.current = options;
  // The keys of the loaded snapshot (null before it loads), read by the subscription's callback.
  const listedKeys = useMemo(() => (run.data ? new Set(run.data.tasks.map((task) => task.key)) : null), [run.data]);
  const snapshotKeys = useRef(listedKeys);
  snapshotKeys.current = listedKeys;
  const refreshing = useRef(false);

  useEffect(() => {
    setLive(new Map());
    setQueuePosition(null);
  }, [runId]);

  const ended = run.data ? ["succeeded", "failed", "cancelled"].includes(run.data.status) : false;

  const refresh = useCallback(async () => {
    refreshing.current = true;
    try {
      await queryClient.invalidateQueries({ queryKey: trpc.runs.get.queryKey({ runId: runId ?? "" }) });
    } finally {
      refreshing.current = false;
    }
  }, [queryClient, trpc, runId]);

  const subscription = useSubscription(
    trpc.runs.events.subscriptionOptions(
      { runId: runId ?? "" },
      {
        enabled: Boolean(runId),
        onData(envelope) {
          // Typed without a cast: an engine event the browser does not know is a compile error here.
          const event: RunEventMessage = envelope.data;
          if (event.type === "queue-position") return setQueuePosition(event.payload.position);
          if (event.type === "run-start") setQueuePosition(null);
          const key = taskKeyOf(event);
          // A task the snapshot lacks was added by another task (one per scene, slide…): read the
          // snapshot again, once at a time, so every added task is counted while still queued.
          const unlisted = key !== undefined && snapshotKeys.current !== null && !snapshotKeys.current.has(key);
          if (event.type === "run-end" || optionsRef.current.refreshOn?.(event)) void refresh();
          else if (unlisted && !refreshing.current) void refresh();
          setLive((previous) => applyRunEvent(previous, event, Date.now()));
          optionsRef.current.onEvent?.(event);
        },
      },
    ),
  );

  const tasks = useMemo(() => mergeTasks(run.data?.tasks, live), [run.data, live]);

  /** Follows the same run again after it was re-opened (retry of failed tasks): its stream had ended. */
  const restart = useCallback(async () => {
    await refresh();
    subscription.reset();
  }, [refresh, subscription]);

  return { run: run.data ?? null, tasks, queuePosition, ended, connection: subscription.status, restart };
}
