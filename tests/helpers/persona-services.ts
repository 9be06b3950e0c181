// Persona services for integration tests: a real engine with every domain's task types registered,
// an image store in a temporary directory, and tRPC callers over the persona and runs routers.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createPersonaRouter } from "@/server/api/routers/persona";
import { createRunsRouter } from "@/server/api/routers/runs";
import { createCallerFactory, createInnerContext, createTRPCRouter } from "@/server/api/trpc";
import type { Database } from "@/server/db";
import { DOMAINS, OFFLINE_RESPONDERS } from "@/server/domains";
import { parseEnv } from "@/server/env";
import type { PersonaServices } from "@/server/features/persona/persona-runs";
import { createEngine } from "@/server/generation/engine";
import type { EngineSettings } from "@/server/generation/engine-settings";
import { createProviders } from "@/server/providers/create-providers";
import type { Providers } from "@/server/providers/types";
import { createImageStore, type DirectoryImageStore } from "@/server/storage/image-store";
import type { TestUser } from "./accounts";
import { TEST_ENGINE_SETTINGS } from "./story-services";

export interface PersonaTestServicesOptions {
  db: Database;
  /** The offline providers with every domain's responders by default. */
  providers?: Providers;
  engineSettings?: Partial<EngineSettings>;
}

function personaCallerFactory(getServices: () => PersonaServices) {
  return createCallerFactory(
    createTRPCRouter({
      persona: createPersonaRouter(getServices),
      runs: createRunsRouter(() => getServices().engine),
    }),
  );
}

export type PersonaCaller = ReturnType<ReturnType<typeof personaCallerFactory>>;

export interface PersonaTestServices {
  /** The images are files under the test's data directory (`images.pathOf`). */
  services: PersonaServices & { images: DirectoryImageStore };
  dataDirectory: string;
  caller(user: TestUser | null, teamId?: string | null): PersonaCaller;
  /** Every stored image file (uploads, avatars and their thumbnails). */
  storedFiles(): string[];
  close(): Promise<void>;
}

export const offlineProviders = () => createProviders(parseEnv({ GENERATION_PROVIDER: "offline" }), { offlineResponders: OFFLINE_RESPONDERS });

export function createPersonaTestServices(options: PersonaTestServicesOptions): PersonaTestServices {
  const dataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "storyforge-persona-"));
  const images = createImageStore(dataDirectory);
  const providers = options.providers ?? offlineProviders();
  const engine = createEngine({ db: options.db, settings: { ...TEST_ENGINE_SETTINGS, ...options.engineSettings } });
  for (const domain of DOMAINS) engine.registerTaskTypes(domain.taskTypes({ db: options.db, providers, images }));
  const services: PersonaServices & { images: DirectoryImageStore } = { db: options.db, engine, images };
  const createCaller = personaCallerFactory(() => services);
  return {
    services,
    dataDirectory,
    caller(user, teamId = user?.teamId ?? null) {
      return createCaller(
        createInnerContext({ db: options.db, user: user ? { id: user.id, name: user.name, email: user.email } : null, activeTeamId: teamId }),
      );
    },
    storedFiles() {
      const directory = path.join(dataDirectory, "images");
      return fs.existsSync(directory) ? fs.readdirSync(directory) : [];
    },
    async close() {
      await engine.shutdown();
      fs.rmSync(dataDirectory, { recursive: true, force: true });
    },
  };
}
