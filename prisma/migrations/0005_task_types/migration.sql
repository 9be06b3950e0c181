-- A task names its registered task type ("story.analyse", "story.prompt", "story.image"), whose
-- schema checks its input and whose budget is the task's kind. Existing story tasks carried the
-- step in their input's "type" field.
-- AlterTable
ALTER TABLE "task" ADD COLUMN "type" TEXT NOT NULL DEFAULT '';

UPDATE "task"
SET "type" = 'story.' || json_extract("input", '$.type')
WHERE "runId" IN (SELECT "id" FROM "run" WHERE "kind" = 'story')
  AND json_valid("input")
  AND json_extract("input", '$.type') IS NOT NULL;
