-- Generated pictures become one shared asset: "image" (team, owner kind + id, version, unique task
-- id, files, parameters as JSON) replaces "scene_image", so persona avatars and slides can use it
-- too. Every scene image is copied with its id kept (stored URLs /api/images/<id> stay valid), its
-- team taken from its scene's project, and what produced it gathered into "parameters".
-- The story's JSON-in-text list columns become JSONB (Prisma's Json on SQLite), without a column
-- default: Prisma writes `DEFAULT []` for Json defaults, which SQLite reads as '' (prisma/orm#26571).

-- CreateTable
CREATE TABLE "image" (
    "id" TEXT NOT NULL PRIMARY KEY,
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
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
    json_object(
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

-- DropTable
DROP INDEX "scene_image_taskId_key";
DROP INDEX "scene_image_sceneId_version_key";
DROP TABLE "scene_image";

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_story_character" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "visualTraits" JSONB NOT NULL,
    CONSTRAINT "story_character_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "story_project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_story_character" ("id", "projectId", "position", "name", "description", "visualTraits")
SELECT "id", "projectId", "position", "name", "description", "visualTraits" FROM "story_character";
DROP TABLE "story_character";
ALTER TABLE "new_story_character" RENAME TO "story_character";
CREATE INDEX "story_character_projectId_position_idx" ON "story_character"("projectId", "position");
CREATE TABLE "new_story_scene" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "setting" TEXT NOT NULL,
    "mood" TEXT NOT NULL,
    "charactersPresent" JSONB NOT NULL,
    "imagePrompt" TEXT,
    "negativePrompt" TEXT NOT NULL DEFAULT '',
    "styleTags" JSONB NOT NULL,
    "charactersInScene" JSONB NOT NULL,
    "currentImageId" TEXT,
    CONSTRAINT "story_scene_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "story_project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "story_scene_currentImageId_fkey" FOREIGN KEY ("currentImageId") REFERENCES "image" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
-- The current image keeps its id; one that no longer exists (it never had a foreign key) is unset.
INSERT INTO "new_story_scene" ("id", "projectId", "position", "title", "summary", "setting", "mood", "charactersPresent", "imagePrompt", "negativePrompt", "styleTags", "charactersInScene", "currentImageId")
SELECT "id", "projectId", "position", "title", "summary", "setting", "mood", "charactersPresent", "imagePrompt", "negativePrompt", "styleTags", "charactersInScene",
    (SELECT "image"."id" FROM "image" WHERE "image"."id" = "story_scene"."currentImageId" AND "image"."ownerKind" = 'scene' AND "image"."ownerId" = "story_scene"."id")
FROM "story_scene";
DROP TABLE "story_scene";
ALTER TABLE "new_story_scene" RENAME TO "story_scene";
CREATE INDEX "story_scene_projectId_position_idx" ON "story_scene"("projectId", "position");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "image_taskId_key" ON "image"("taskId");

-- CreateIndex
CREATE INDEX "image_teamId_idx" ON "image"("teamId");

-- CreateIndex
CREATE UNIQUE INDEX "image_ownerKind_ownerId_version_key" ON "image"("ownerKind", "ownerId", "version");
