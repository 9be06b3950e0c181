-- Slide decks: a deck (team, owner, title, style prompt, aspect ratio, quality, workers, last run),
-- its slides (position, title, text, image prompt, current image of ownerKind 'slide' in "image"),
-- and team API keys for the batch API (name, prefix and a SHA-256 hash of the secret; revocable).

-- CreateTable
CREATE TABLE "slide_deck" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "stylePreset" TEXT NOT NULL,
    "stylePrompt" TEXT NOT NULL,
    "aspectRatio" TEXT NOT NULL,
    "quality" TEXT NOT NULL,
    "maxWorkers" INTEGER NOT NULL,
    "lastRunId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "slide_deck_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "slide" (
    "id" TEXT NOT NULL,
    "deckId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "text" TEXT NOT NULL DEFAULT '',
    "imagePrompt" TEXT NOT NULL DEFAULT '',
    "promptWritten" BOOLEAN NOT NULL DEFAULT false,
    "currentImageId" TEXT,

    CONSTRAINT "slide_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "team_api_key" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "team_api_key_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "slide_deck_teamId_updatedAt_idx" ON "slide_deck"("teamId", "updatedAt");

-- CreateIndex
CREATE INDEX "slide_deckId_position_idx" ON "slide"("deckId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "team_api_key_hash_key" ON "team_api_key"("hash");

-- CreateIndex
CREATE INDEX "team_api_key_teamId_idx" ON "team_api_key"("teamId");

-- AddForeignKey
ALTER TABLE "slide" ADD CONSTRAINT "slide_deckId_fkey" FOREIGN KEY ("deckId") REFERENCES "slide_deck"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "slide" ADD CONSTRAINT "slide_currentImageId_fkey" FOREIGN KEY ("currentImageId") REFERENCES "image"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "team_api_key" ADD CONSTRAINT "team_api_key_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
