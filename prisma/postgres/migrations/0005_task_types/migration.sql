-- A task names its registered task type ("story.analyse", "story.prompt", "story.image"), whose
-- schema checks its input and whose budget is the task's kind. Existing story tasks carried the
-- step in their input's "type" field. (PostgreSQL 15 has no json_valid: the engine writes every
-- input with JSON.stringify, so an input that starts with "{" is a JSON object.)
-- AlterTable
ALTER TABLE "task" ADD COLUMN "type" TEXT NOT NULL DEFAULT '';

UPDATE "task"
SET "type" = 'story.' || ("input"::jsonb ->> 'type')
WHERE "runId" IN (SELECT "id" FROM "run" WHERE "kind" = 'story')
  AND "input" LIKE '{%'
  AND ("input"::jsonb ->> 'type') IS NOT NULL;
