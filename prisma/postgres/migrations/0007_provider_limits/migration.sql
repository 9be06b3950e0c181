-- What the engine's budgets learn about a provider model's limits, kept for the next engine.
-- CreateTable
CREATE TABLE "provider_limit" (
    "budget" TEXT NOT NULL,
    "identity" TEXT NOT NULL,
    "window" DOUBLE PRECISION NOT NULL,
    "limitSeen" DOUBLE PRECISION,
    "ratePerSecond" DOUBLE PRECISION,
    "roundTripMs" DOUBLE PRECISION,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "provider_limit_pkey" PRIMARY KEY ("budget", "identity")
);
