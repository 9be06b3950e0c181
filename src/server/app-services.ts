// The process's services wired together: the engine with every feature's run handler
// registered, the image store and the providers. Route handlers, routers and the start-up hook
// take their dependencies from here; tests build their own.
import { db } from "./db";
import { env } from "./env";
import type { Engine } from "./generation/engine";
import { engine } from "./generation/engine-instance";
import { createStoryHandler, STORY_RUN_KIND } from "./features/story/story-pipeline";
import type { StoryServices } from "./features/story/projects";
import { providers } from "./providers/create-providers";
import { createImageStore, type ImageStore } from "./storage/image-store";

const globalForServices = globalThis as unknown as { storyforgeImages?: ImageStore; storyforgeHandlersRegistered?: boolean };

export function imageStore(): ImageStore {
  globalForServices.storyforgeImages ??= createImageStore(env().DATA_DIR);
  return globalForServices.storyforgeImages;
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
