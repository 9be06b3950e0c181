// Story services for integration tests: a real engine with every domain's task types registered, an image
// store in a temporary directory, and tRPC callers over the story and runs routers (no HTTP).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRunsRouter } from "@/server/api/routers/runs";
import { createStoryRouter } from "@/server/api/routers/story";
import { createCallerFactory, createInnerContext, createTRPCRouter } from "@/server/api/trpc";
import type { Database } from "@/server/db";
import type { StoryServices } from "@/server/features/story/projects";
import { DOMAINS } from "@/server/domains";
import { createEngine } from "@/server/generation/engine";
import type { EngineSettings } from "@/server/generation/engine-settings";
import type { Providers } from "@/server/providers/types";
import { createImageStore, type DirectoryImageStore } from "@/server/storage/image-store";
import type { TestUser } from "./accounts";

export interface StoryTestServicesOptions {
  db: Database;
  providers: Providers;
  /** Where images are stored (under `images/`); a temporary directory, removed on close, when absent. */
  dataDirectory?: string;
  /** Overrides of the test-sized engine settings. */
  engineSettings?: Partial<EngineSettings>;
}

export interface StoryTestServices {
  /** The images are files under the test's data directory (`images.pathOf`). */
  services: StoryServices & { images: DirectoryImageStore };
  dataDirectory: string;
  /** A caller acting as `user` (signed out when null) with `teamId` selected, by default the personal team. */
  caller(user: TestUser | null, teamId?: string | null): StoryCaller;
  close(): Promise<void>;
}

/** Engine timings sized for tests: retries after milliseconds, not seconds. */
export const TEST_ENGINE_SETTINGS: Partial<EngineSettings> = {
  retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 50 },
  timeoutMs: { text: 5_000, image: 5_000 },
  writeIntervalMs: 2,
};

/** The two routers a story page uses, served from the given services. */
function storyCallerFactory(getServices: () => StoryServices) {
  return createCallerFactory(
    createTRPCRouter({
      story: createStoryRouter(getServices),
      runs: createRunsRouter(() => getServices().engine),
    }),
  );
}

export type StoryCaller = ReturnType<ReturnType<typeof storyCallerFactory>>;

export function createStoryTestServices(options: StoryTestServicesOptions): StoryTestServices {
  const ownsDirectory = options.dataDirectory === undefined;
  const dataDirectory = options.dataDirectory ?? fs.mkdtempSync(path.join(os.tmpdir(), "storyforge-story-"));
  const images = createImageStore(dataDirectory);
  const engine = createEngine({ db: options.db, settings: { ...TEST_ENGINE_SETTINGS, ...options.engineSettings } });
  for (const domain of DOMAINS) engine.registerTaskTypes(domain.taskTypes({ db: options.db, providers: options.providers, images }));
  const services: StoryServices & { images: DirectoryImageStore } = { db: options.db, engine, images };
  const createCaller = storyCallerFactory(() => services);

  return {
    services,
    dataDirectory,
    caller(user, teamId = user?.teamId ?? null) {
      return createCaller(
        createInnerContext({
          db: options.db,
          user: user ? { id: user.id, name: user.name, email: user.email } : null,
          activeTeamId: teamId,
        }),
      );
    },
    async close() {
      await engine.shutdown();
      if (ownsDirectory) fs.rmSync(dataDirectory, { recursive: true, force: true });
    },
  };
}
