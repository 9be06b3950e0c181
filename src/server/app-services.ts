// The process's services wired together: the engine with every domain's task types registered,
// the providers with every domain's offline answers, and the image store. Route handlers, routers
// and the start-up hook take their dependencies from here; tests build their own.
import type { ApiServices } from "./api/v1/services";
import { auth } from "./auth";
import { db } from "./db";
import { env } from "./env";
import { createEngine, type Engine } from "./generation/engine";
import { engineSettingsFromEnv } from "./generation/engine-settings";
import type { RunEventBus } from "./generation/events/event-bus";
import { createRedisEventBus, type RedisEventBus } from "./generation/events/redis-event-bus";
import { createSharedBudgets, type SharedBudgets } from "./generation/limits/shared/shared-budgets";
import { createBullmqRunDispatcher, type BullmqRunDispatcher } from "./generation/queue/bullmq-run-queue";
import { createPrismaProviderLimitStore } from "./generation/storage/prisma-provider-limit-store";
import { createBatchWriter } from "./generation/storage/batch-writer";
import { DOMAINS, OFFLINE_RESPONDERS } from "./domains";
import type { PersonaServices } from "./features/persona/persona-runs";
import type { SlidesServices } from "./features/slides/decks";
import type { StoryServices } from "./features/story/projects";
import { createProviders } from "./providers/create-providers";
import type { Providers } from "./providers/types";
import { createImageStore, type ImageStore } from "./storage/image-store";
import { createS3ImageStore } from "./storage/s3-image-store";
import { offlineCaps } from "./offline-caps";
import { cpuWorkerCount, respondInWorkers } from "./workers/cpu-pool";
import { configureSharp } from "./workers/sharp-settings";

// Kept on globalThis so that Next.js dev reloads reuse them instead of starting a second
// scheduler on the same database.
const globalForServices = globalThis as unknown as {
  storyforgeImages?: ImageStore;
  storyforgeProviders?: Providers;
  storyforgeEngine?: Engine;
  storyforgeRunEvents?: RedisEventBus;
  storyforgeDispatcher?: BullmqRunDispatcher;
  storyforgeSharedBudgets?: SharedBudgets;
};

export function imageStore(): ImageStore {
  if (!globalForServices.storyforgeImages) {
    // The CPU workers set the same; set here too for the pictures this thread still reads.
    configureSharp();
    const settings = env();
    globalForServices.storyforgeImages = settings.IMAGE_STORE === "s3" ? createS3ImageStore(settings) : createImageStore(settings.DATA_DIR);
  }
  return globalForServices.storyforgeImages;
}

/** The app's providers, built once from the process environment. */
export function providers(): Providers {
  // Offline answers are worked out in the CPU workers (reading a story takes hundreds of milliseconds).
  globalForServices.storyforgeProviders ??= createProviders(env(), { offlineResponders: respondInWorkers(Object.keys(OFFLINE_RESPONDERS)) });
  return globalForServices.storyforgeProviders;
}

/**
 * The app process's engine. Embedded (no REDIS_URL) it executes the runs it stores; with REDIS_URL
 * it stores them and hands them to the worker processes (`npm run worker`), and hears their events
 * over Redis.
 */
export function appEngine(): Engine {
  globalForServices.storyforgeEngine ??= processEngine(env().REDIS_URL ? "dispatch" : "execute");
  return globalForServices.storyforgeEngine;
}

/** Run events over Redis when scaled out, shared by the process's engine and its worker. */
export function redisRunEvents(): RedisEventBus | null {
  const url = env().REDIS_URL;
  if (!url) return null;
  globalForServices.storyforgeRunEvents ??= createRedisEventBus(url);
  return globalForServices.storyforgeRunEvents;
}

/**
 * An engine built from the environment with every domain's task types registered: one that
 * executes runs (embedded, and in worker processes) or one that dispatches them to the workers.
 * App instances and workers share this wiring, so they run the same domains on the same providers.
 */
export function processEngine(role: "execute" | "dispatch"): Engine {
  const settings = engineSettingsFromEnv(env());
  const redisUrl = env().REDIS_URL;
  const bus: RunEventBus | undefined = redisRunEvents() ?? undefined;
  if (role === "dispatch" && !redisUrl) throw new Error("Dispatching runs to workers needs REDIS_URL");
  if (role === "dispatch") globalForServices.storyforgeDispatcher ??= createBullmqRunDispatcher(redisUrl!);
  // Workers draw provider calls from budgets shared by all of them (limits/shared/).
  if (role === "execute" && redisUrl && env().WORKER_BUDGETS === "shared") globalForServices.storyforgeSharedBudgets ??= createSharedBudgets(redisUrl);
  const instance = createEngine({
    db: db(),
    settings: { ...settings, maxConcurrent: offlineCaps(settings.maxConcurrent, budgetProviders(providers()), cpuWorkerCount()), budgetIdentity: budgetIdentity(providers()) },
    writer: createBatchWriter(env().DATABASE_URL),
    limits: createPrismaProviderLimitStore(db()),
    bus,
    dispatcher: role === "dispatch" ? globalForServices.storyforgeDispatcher : undefined,
    sharedBudgets: role === "execute" ? globalForServices.storyforgeSharedBudgets : undefined,
  });
  const services = { db: db(), providers: providers(), images: imageStore() };
  for (const domain of DOMAINS) instance.registerTaskTypes(domain.taskTypes(services));
  return instance;
}

/** Closes the Redis connections of a scaled-out process (after its engine shut down). */
export async function closeRedisServices(): Promise<void> {
  await globalForServices.storyforgeDispatcher?.close();
  await globalForServices.storyforgeRunEvents?.close();
  await globalForServices.storyforgeSharedBudgets?.close();
  globalForServices.storyforgeSharedBudgets = undefined;
  globalForServices.storyforgeDispatcher = undefined;
  globalForServices.storyforgeRunEvents = undefined;
}

/** The provider each budget's calls go to. */
function budgetProviders({ text, image, vision }: Providers): Record<string, string> {
  return { text: text.provider, image: image.provider, vision: vision.provider };
}

/** Each budget learns the limits of the provider model its calls go to. */
function budgetIdentity({ text, image, vision }: Providers): Record<string, string> {
  return {
    text: `${text.provider}:${text.model}`,
    image: `${image.provider}:${image.model}`,
    vision: `${vision.provider}:${vision.model}`,
  };
}

export function storyServices(): StoryServices {
  return { db: db(), engine: appEngine(), images: imageStore() };
}

export function personaServices(): PersonaServices {
  return { db: db(), engine: appEngine(), images: imageStore() };
}

export function slidesServices(): SlidesServices {
  return { db: db(), engine: appEngine(), images: imageStore() };
}

/** The batch API's services: the slides services, the operator key, and the app's sessions. */
export function apiServices(): ApiServices {
  return {
    ...slidesServices(),
    operatorKey: env().OPERATOR_API_KEY,
    async session(headers) {
      const session = await auth().api.getSession({ headers });
      return session ? { userId: session.user.id, activeTeamId: session.session.activeOrganizationId ?? null } : null;
    },
  };
}
