// The process's services wired together: the engine with every domain's task types
// registered, the image store and the providers. Route handlers, routers and the start-up hook
// take their dependencies from here; tests build their own.
import { db } from "./db";
import { env } from "./env";
import type { Engine } from "./generation/engine";
import { engine } from "./generation/engine-instance";
import { DOMAINS } from "./domains";
import type { StoryServices } from "./features/story/projects";
import { providers } from "./providers/create-providers";
import { createImageStore, type ImageStore } from "./storage/image-store";

const globalForServices = globalThis as unknown as { storyforgeImages?: ImageStore; storyforgeTaskTypesRegistered?: boolean };

export function imageStore(): ImageStore {
  globalForServices.storyforgeImages ??= createImageStore(env().DATA_DIR);
  return globalForServices.storyforgeImages;
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
