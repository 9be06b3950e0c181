// The process's services wired together: the engine with every domain's task types registered,
// the providers with every domain's offline answers, and the image store. Route handlers, routers
// and the start-up hook take their dependencies from here; tests build their own.
import type { ApiServices } from "./api/v1/services";
import { auth } from "./auth";
import { db } from "./db";
import { env } from "./env";
import type { Engine } from "./generation/engine";
import { engine } from "./generation/engine-instance";
import { DOMAINS, OFFLINE_RESPONDERS } from "./domains";
import type { SlidesServices } from "./features/slides/decks";
import type { StoryServices } from "./features/story/projects";
import { createProviders } from "./providers/create-providers";
import type { Providers } from "./providers/types";
import { createImageStore, type ImageStore } from "./storage/image-store";

const globalForServices = globalThis as unknown as {
  storyforgeImages?: ImageStore;
  storyforgeProviders?: Providers;
  storyforgeTaskTypesRegistered?: boolean;
};

export function imageStore(): ImageStore {
  globalForServices.storyforgeImages ??= createImageStore(env().DATA_DIR);
  return globalForServices.storyforgeImages;
}

/** The app's providers, built once from the process environment. */
export function providers(): Providers {
  globalForServices.storyforgeProviders ??= createProviders(env(), { offlineResponders: OFFLINE_RESPONDERS });
  return globalForServices.storyforgeProviders;
}

/** The engine, with the task types of every domain registered (once per process). */
export function appEngine(): Engine {
  const instance = engine();
  if (!globalForServices.storyforgeTaskTypesRegistered) {
    globalForServices.storyforgeTaskTypesRegistered = true;
    const services = { db: db(), providers: providers(), images: imageStore() };
    for (const domain of DOMAINS) instance.registerTaskTypes(domain.taskTypes(services));
  }
  return instance;
}

export function storyServices(): StoryServices {
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
