// The process's services wired together: the engine with every feature's run handler
// registered, the providers with every feature's offline answers, and the image store. Route
// handlers, routers and the start-up hook take their dependencies from here; tests build their own.
import { db } from "./db";
import { env } from "./env";
import type { Engine } from "./generation/engine";
import { engine } from "./generation/engine-instance";
import { createStoryHandler, STORY_RUN_KIND } from "./features/story/story-pipeline";
import type { StoryServices } from "./features/story/projects";
import { storyOfflineResponders } from "./features/story/story-offline";
import { createProviders } from "./providers/create-providers";
import type { OfflineResponders } from "./providers/offline/offline-responders";
import type { Providers } from "./providers/types";
import { createImageStore, type ImageStore } from "./storage/image-store";

const globalForServices = globalThis as unknown as {
  storyforgeImages?: ImageStore;
  storyforgeProviders?: Providers;
  storyforgeHandlersRegistered?: boolean;
};

/** Every feature's offline answers; the fake provider server (`npm run fake-provider`) uses them too. */
export const offlineResponders: OfflineResponders = { ...storyOfflineResponders };

export function imageStore(): ImageStore {
  globalForServices.storyforgeImages ??= createImageStore(env().DATA_DIR);
  return globalForServices.storyforgeImages;
}

/** The app's providers, built once from the process environment. */
export function providers(): Providers {
  globalForServices.storyforgeProviders ??= createProviders(env(), { offlineResponders });
  return globalForServices.storyforgeProviders;
}

/** The engine, with the handlers of every run kind registered (once per process). */
export function appEngine(): Engine {
  const instance = engine();
  if (!globalForServices.storyforgeHandlersRegistered) {
    globalForServices.storyforgeHandlersRegistered = true;
    instance.registerHandler(STORY_RUN_KIND, createStoryHandler({ db: db(), providers: providers(), images: imageStore() }));
  }
  return instance;
}

export function storyServices(): StoryServices {
  return { db: db(), engine: appEngine(), images: imageStore() };
}
