-- Personas: a character built in stages (core, strategy, posts, network, authenticity, visual,
-- book, avatar) from a description, an uploaded picture or an imported character card, owned by a
-- team. Stage results and posts keep every version (the highest is current); share links store
-- only the hash of their token; uploads are stored re-encoded. Json columns are JSONB without a
-- column default, as in the SQLite migration of the same name, so the app always writes them.

-- CreateTable
CREATE TABLE "persona" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "description" TEXT,
    "sourceUploadId" TEXT,
    "language" TEXT,
    "contentRating" TEXT NOT NULL DEFAULT 'general',
    "postCount" INTEGER NOT NULL DEFAULT 10,
    "lorebookEntryCount" INTEGER NOT NULL DEFAULT 6,
    "avatarEnabled" BOOLEAN NOT NULL DEFAULT true,
    "batchId" TEXT,
    "lastRunId" TEXT,
    "stageRuns" JSONB NOT NULL,
    "importedCard" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "persona_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "persona_stage" (
    "id" TEXT NOT NULL,
    "personaId" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "data" JSONB NOT NULL,
    "origin" TEXT NOT NULL,
    "taskId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "persona_stage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "persona_post" (
    "id" TEXT NOT NULL,
    "personaId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "data" JSONB NOT NULL,
    "origin" TEXT NOT NULL,
    "taskId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "persona_post_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "persona_share_link" (
    "id" TEXT NOT NULL,
    "personaId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "persona_share_link_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "persona_batch" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "lastRunId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "persona_batch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "persona_upload" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "uploaderId" TEXT NOT NULL,
    "file" TEXT NOT NULL,
    "thumbnailFile" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "originalFormat" TEXT NOT NULL,
    "originalBytes" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "persona_upload_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "persona_team_settings" (
    "teamId" TEXT NOT NULL,
    "allowMature" BOOLEAN NOT NULL DEFAULT false,
    "updatedById" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "persona_team_settings_pkey" PRIMARY KEY ("teamId")
);

-- CreateIndex
CREATE UNIQUE INDEX "persona_sourceUploadId_key" ON "persona"("sourceUploadId");

-- CreateIndex
CREATE INDEX "persona_teamId_updatedAt_idx" ON "persona"("teamId", "updatedAt");

-- CreateIndex
CREATE INDEX "persona_batchId_idx" ON "persona"("batchId");

-- CreateIndex
CREATE UNIQUE INDEX "persona_stage_taskId_key" ON "persona_stage"("taskId");

-- CreateIndex
CREATE UNIQUE INDEX "persona_stage_personaId_stage_version_key" ON "persona_stage"("personaId", "stage", "version");

-- CreateIndex
CREATE UNIQUE INDEX "persona_post_taskId_key" ON "persona_post"("taskId");

-- CreateIndex
CREATE UNIQUE INDEX "persona_post_personaId_position_version_key" ON "persona_post"("personaId", "position", "version");

-- CreateIndex
CREATE UNIQUE INDEX "persona_share_link_tokenHash_key" ON "persona_share_link"("tokenHash");

-- CreateIndex
CREATE INDEX "persona_share_link_personaId_idx" ON "persona_share_link"("personaId");

-- CreateIndex
CREATE INDEX "persona_batch_teamId_createdAt_idx" ON "persona_batch"("teamId", "createdAt");

-- CreateIndex
CREATE INDEX "persona_upload_teamId_createdAt_idx" ON "persona_upload"("teamId", "createdAt");

-- AddForeignKey
ALTER TABLE "persona" ADD CONSTRAINT "persona_sourceUploadId_fkey" FOREIGN KEY ("sourceUploadId") REFERENCES "persona_upload"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "persona" ADD CONSTRAINT "persona_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "persona_batch"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "persona_stage" ADD CONSTRAINT "persona_stage_personaId_fkey" FOREIGN KEY ("personaId") REFERENCES "persona"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "persona_post" ADD CONSTRAINT "persona_post_personaId_fkey" FOREIGN KEY ("personaId") REFERENCES "persona"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "persona_share_link" ADD CONSTRAINT "persona_share_link_personaId_fkey" FOREIGN KEY ("personaId") REFERENCES "persona"("id") ON DELETE CASCADE ON UPDATE CASCADE;
