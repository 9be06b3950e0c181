-- Generated pictures become one shared asset: "image" (team, owner kind + id, version, unique task
-- id, files, parameters as JSON) replaces "scene_image", so persona avatars and slides can use it
-- too. Every scene image is copied with its id kept (stored URLs /api/images/<id> stay valid), its
-- team taken from its scene's project, and what produced it gathered into "parameters".
-- The story's JSON-in-text list columns become JSONB, without a column default, as in the SQLite
-- migration of the same name.

-- CreateTable
CREATE TABLE "image" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "ownerKind" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "taskId" TEXT,
    "file" TEXT NOT NULL,
    "thumbnailFile" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "parameters" JSONB NOT NULL,
    "attempts" INTEGER NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "image_pkey" PRIMARY KEY ("id")
);

-- CopyRows
INSERT INTO "image" ("id", "teamId", "ownerKind", "ownerId", "version", "taskId", "file", "thumbnailFile", "width", "height", "parameters", "attempts", "durationMs", "createdAt")
SELECT
    "scene_image"."id",
    "story_project"."teamId",
    'scene',
    "scene_image"."sceneId",
    "scene_image"."version",
    "scene_image"."taskId",
    "scene_image"."file",
    "scene_image"."thumbnailFile",
    "scene_image"."width",
    "scene_image"."height",
    jsonb_build_object(
        'provider', "scene_image"."provider",
        'model', "scene_image"."model",
        'size', "scene_image"."size",
        'quality', "scene_image"."quality",
        'style', "scene_image"."style",
        'prompt', "scene_image"."prompt",
        'negativePrompt', "scene_image"."negativePrompt",
        'revisedPrompt', "scene_image"."revisedPrompt",
        'seed', "scene_image"."seed"
    ),
    "scene_image"."attempts",
    "scene_image"."durationMs",
    "scene_image"."createdAt"
FROM "scene_image"
JOIN "story_scene" ON "story_scene"."id" = "scene_image"."sceneId"
JOIN "story_project" ON "story_project"."id" = "story_scene"."projectId";

-- DropTable (its indexes go with it)
DROP TABLE "scene_image";

-- AlterTable
ALTER TABLE "story_character"
    ALTER COLUMN "visualTraits" DROP DEFAULT,
    ALTER COLUMN "visualTraits" SET DATA TYPE JSONB USING "visualTraits"::jsonb;

-- AlterTable
ALTER TABLE "story_scene"
    ALTER COLUMN "charactersPresent" DROP DEFAULT,
    ALTER COLUMN "charactersPresent" SET DATA TYPE JSONB USING "charactersPresent"::jsonb,
    ALTER COLUMN "styleTags" DROP DEFAULT,
    ALTER COLUMN "styleTags" SET DATA TYPE JSONB USING "styleTags"::jsonb,
    ALTER COLUMN "charactersInScene" DROP DEFAULT,
    ALTER COLUMN "charactersInScene" SET DATA TYPE JSONB USING "charactersInScene"::jsonb;

-- The current image keeps its id; one that no longer exists (it never had a foreign key) is unset.
UPDATE "story_scene" SET "currentImageId" = NULL
WHERE "currentImageId" IS NOT NULL
  AND NOT EXISTS (
    SELECT 1 FROM "image"
    WHERE "image"."id" = "story_scene"."currentImageId" AND "image"."ownerKind" = 'scene' AND "image"."ownerId" = "story_scene"."id"
  );

-- CreateIndex
CREATE UNIQUE INDEX "image_taskId_key" ON "image"("taskId");

-- CreateIndex
CREATE INDEX "image_teamId_idx" ON "image"("teamId");

-- CreateIndex
CREATE UNIQUE INDEX "image_ownerKind_ownerId_version_key" ON "image"("ownerKind", "ownerId", "version");

-- AddForeignKey
ALTER TABLE "story_scene" ADD CONSTRAINT "story_scene_currentImageId_fkey" FOREIGN KEY ("currentImageId") REFERENCES "image"("id") ON DELETE SET NULL ON UPDATE CASCADE;
