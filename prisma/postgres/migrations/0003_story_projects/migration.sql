-- CreateTable
CREATE TABLE "story_project" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "story" TEXT NOT NULL,
    "sceneCount" INTEGER,
    "language" TEXT,
    "style" TEXT NOT NULL,
    "size" TEXT NOT NULL,
    "quality" TEXT NOT NULL,
    "maxWorkers" INTEGER NOT NULL,
    "reviewPrompts" BOOLEAN NOT NULL DEFAULT false,
    "lastRunId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "story_project_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "story_character" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "visualTraits" TEXT NOT NULL DEFAULT '[]',

    CONSTRAINT "story_character_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "story_scene" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "setting" TEXT NOT NULL,
    "mood" TEXT NOT NULL,
    "charactersPresent" TEXT NOT NULL DEFAULT '[]',
    "imagePrompt" TEXT,
    "negativePrompt" TEXT NOT NULL DEFAULT '',
    "styleTags" TEXT NOT NULL DEFAULT '[]',
    "charactersInScene" TEXT NOT NULL DEFAULT '[]',
    "currentImageId" TEXT,

    CONSTRAINT "story_scene_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "scene_image" (
    "id" TEXT NOT NULL,
    "sceneId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "taskId" TEXT NOT NULL,
    "file" TEXT NOT NULL,
    "thumbnailFile" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "provider" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "size" TEXT NOT NULL,
    "quality" TEXT,
    "style" TEXT,
    "prompt" TEXT NOT NULL,
    "negativePrompt" TEXT,
    "revisedPrompt" TEXT,
    "seed" INTEGER,
    "attempts" INTEGER NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "scene_image_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "story_project_teamId_updatedAt_idx" ON "story_project"("teamId", "updatedAt");

-- CreateIndex
CREATE INDEX "story_character_projectId_position_idx" ON "story_character"("projectId", "position");

-- CreateIndex
CREATE INDEX "story_scene_projectId_position_idx" ON "story_scene"("projectId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "scene_image_taskId_key" ON "scene_image"("taskId");

-- CreateIndex
CREATE UNIQUE INDEX "scene_image_sceneId_version_key" ON "scene_image"("sceneId", "version");

-- AddForeignKey
ALTER TABLE "story_character" ADD CONSTRAINT "story_character_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "story_project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "story_scene" ADD CONSTRAINT "story_scene_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "story_project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scene_image" ADD CONSTRAINT "scene_image_sceneId_fkey" FOREIGN KEY ("sceneId") REFERENCES "story_scene"("id") ON DELETE CASCADE ON UPDATE CASCADE;
