// An app instance in the test process: a dispatching engine over the test's database and Redis
// (runs go to the worker processes), the slides and runs routers over it, and its own Redis event
// bus, as src/server/app-services.ts wires them with REDIS_URL.
import { createRunsRouter } from "@/server/api/routers/runs";
import { createSlidesRouter } from "@/server/api/routers/slides";
import { createCallerFactory, createInnerContext, createTRPCRouter } from "@/server/api/trpc";
import type { Database } from "@/server/db";
import { DOMAINS } from "@/server/domains";
import type { SlidesServices } from "@/server/features/slides/decks";
import { createEngine, type Engine } from "@/server/generation/engine";
import { createRedisEventBus } from "@/server/generation/events/redis-event-bus";
import { createBullmqRunDispatcher } from "@/server/generation/queue/bullmq-run-queue";
import { createBatchWriter } from "@/server/generation/storage/batch-writer";
import { createImageStore } from "@/server/storage/image-store";
import type { TestUser } from "../../helpers/accounts";
import { fakeServerProviders } from "../../helpers/slides-services";
import type { ClusterEnvironment } from "./processes";

export interface AppSide {
  engine: Engine;
  caller(user: TestUser): ReturnType<ReturnType<typeof callerFactory>>;
  close(): Promise<void>;
}

function callerFactory(services: SlidesServices) {
  return createCallerFactory(createTRPCRouter({ slides: createSlidesRouter(() => services), runs: createRunsRouter(() => services.engine) }));
}

export function createAppSide(db: Database, cluster: ClusterEnvironment): AppSide {
  const bus = createRedisEventBus(cluster.REDIS_URL);
  const dispatcher = createBullmqRunDispatcher(cluster.REDIS_URL);
  const engine = createEngine({ db, bus, dispatcher, writer: createBatchWriter(cluster.DATABASE_URL), settings: { writeIntervalMs: 2 } });
  const images = createImageStore(cluster.DATA_DIR);
  const providers = fakeServerProviders(cluster.providerUrl);
  for (const domain of DOMAINS) engine.registerTaskTypes(domain.taskTypes({ db, providers, images }));
  const createCaller = callerFactory({ db, engine, images });
  return {
    engine,
    caller: (user) => createCaller(createInnerContext({ db, user: { id: user.id, name: user.name, email: user.email }, activeTeamId: user.teamId })),
    async close() {
      await engine.shutdown();
      await dispatcher.close();
      await bus.close();
    },
  };
}
