-- Nothing reads tasks by (runId, status): runs are read whole, by runId. The index only cost
-- the engine an index update on every task insert and every status change.
-- DropIndex
DROP INDEX "task_runId_status_idx";
