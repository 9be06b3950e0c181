-- What the engine's budgets learn about a provider model's limits, kept for the next engine.
-- CreateTable
CREATE TABLE "provider_limit" (
    "budget" TEXT NOT NULL,
    "identity" TEXT NOT NULL,
    "window" REAL NOT NULL,
    "limitSeen" REAL,
    "ratePerSecond" REAL,
    "roundTripMs" REAL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("budget", "identity")
);
