// Operators' view of the generation load, for the Operations page: active count, what a proposed
// batch will meet, and the useful number of workers. Owners and admins of their active team only
// (see docs/slides.md: every answer is aggregate, naming no team's decks).
import { z } from "zod";
import { AppError } from "@/server/errors";
import { MAX_SLIDES, requestedWorkers } from "@/server/features/slides/deck-input";
import { activeCount, optimalWorkers, validateConfiguration, type OperationsServices } from "@/server/features/slides/operations";
import { createTRPCRouter, teamProcedure } from "../trpc";

const measurement = z.object({
  name: z.string(),
  identity: z.string(),
  cap: z.number(),
  window: z.number(),
  inFlight: z.number(),
  ratePerSecond: z.number().nullable(),
  latencySeconds: z.number().nullable(),
  limitSeen: z.number().nullable(),
});
const limits = z.object({ maxSlides: z.number(), defaultWorkers: z.number(), maxWorkers: z.number(), maxConcurrentRuns: z.number() });
const slideCount = z.number().int("Slides must be a whole number").min(1, "At least 1 slide").max(10_000, "At most 10,000 slides");

const operatorProcedure = teamProcedure.use(({ ctx, next }) => {
  if (ctx.team.role !== "owner" && ctx.team.role !== "admin") {
    throw new AppError("FORBIDDEN", "Operations are for owners and admins of the active team");
  }
  return next();
});

export function createOperationsRouter(getServices: () => OperationsServices) {
  return createTRPCRouter({
    active: operatorProcedure
      .output(
        z.object({
          decks: z.object({ generating: z.number(), waiting: z.number() }),
          runs: z.object({ active: z.number(), waiting: z.number() }),
          workersInUse: z.number(),
          budgets: z.array(measurement),
          limits,
        }),
      )
      .query(() => activeCount(getServices())),

    validate: operatorProcedure
      .input(z.object({ slides: slideCount, maxWorkers: requestedWorkers.optional() }))
      .output(
        z.object({
          slides: z.number(),
          requestedWorkers: z.number().nullable(),
          workers: z.number(),
          clamped: z.boolean(),
          overSlideLimit: z.boolean(),
          queue: z.object({ startsNow: z.boolean(), position: z.number().nullable(), runsActive: z.number(), runsWaiting: z.number() }),
          rateLimit: z.object({
            likely: z.boolean().nullable(),
            usefulWorkers: z.number().nullable(),
            recommendedWorkers: z.number(),
            basis: z.enum(["measured", "default"]),
          }),
          estimatedSeconds: z.number().nullable(),
          warnings: z.array(z.string()),
          measurement,
          limits,
        }),
      )
      .query(({ input }) => validateConfiguration(getServices(), input)),

    optimalWorkers: operatorProcedure
      .input(z.object({ slides: slideCount.max(MAX_SLIDES, `A deck has at most ${MAX_SLIDES} slides`) }))
      .output(
        z.object({
          slides: z.number(),
          workers: z.number(),
          basis: z.enum(["measured", "default"]),
          usefulWorkers: z.number().nullable(),
          reason: z.string(),
          measurement,
          limits,
        }),
      )
      .query(({ input }) => optimalWorkers(getServices(), input.slides)),
  });
}
