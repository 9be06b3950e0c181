// Slides services for integration tests: a real engine with every domain's task types registered,
// an image store in a temporary directory, and tRPC callers over the slides, operations and runs
// routers (no HTTP). Providers are offline by default, or the openai code against a fake server.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createOperationsRouter } from "@/server/api/routers/operations";
import { createRunsRouter } from "@/server/api/routers/runs";
import { createSlidesRouter } from "@/server/api/routers/slides";
import { createCallerFactory, createInnerContext, createTRPCRouter } from "@/server/api/trpc";
import type { ApiServices } from "@/server/api/v1/services";
import type { Auth } from "@/server/auth";
import type { Database } from "@/server/db";
import { DOMAINS, OFFLINE_RESPONDERS } from "@/server/domains";
import { parseEnv } from "@/server/env";
import type { CreateDeckInput } from "@/server/features/slides/deck-input";
import type { SlidesServices } from "@/server/features/slides/decks";
import { createEngine } from "@/server/generation/engine";
import type { EngineSettings } from "@/server/generation/engine-settings";
import { createProviders } from "@/server/providers/create-providers";
import type { ImageModel, Providers } from "@/server/providers/types";
import { createImageStore, type DirectoryImageStore } from "@/server/storage/image-store";
import type { TestUser } from "./accounts";
import { TEST_ENGINE_SETTINGS } from "./story-services";

export interface SlidesTestServicesOptions {
  db: Database;
  /** Offline providers (with every domain's responders) when absent. */
  providers?: Providers;
  engineSettings?: Partial<EngineSettings>;
}

function slidesCallerFactory(getServices: () => SlidesServices) {
  return createCallerFactory(
    createTRPCRouter({
      slides: createSlidesRouter(getServices),
      operations: createOperationsRouter(getServices),
      runs: createRunsRouter(() => getServices().engine),
    }),
  );
}

export type SlidesCaller = ReturnType<ReturnType<typeof slidesCallerFactory>>;

export interface SlidesTestServices {
  /** The images are files under the test's data directory (`images.pathOf`). */
  services: SlidesServices & { images: DirectoryImageStore };
  dataDirectory: string;
  caller(user: TestUser | null, teamId?: string | null): SlidesCaller;
  close(): Promise<void>;
}

export const offlineProviders = (): Providers => createProviders(parseEnv({ GENERATION_PROVIDER: "offline" }), { offlineResponders: OFFLINE_RESPONDERS });

/** Providers that talk to the fake provider server through the real openai SDK code. */
export const fakeServerProviders = (url: string): Providers =>
  createProviders(parseEnv({ GENERATION_PROVIDER: "openai", OPENAI_API_KEY: "test-key", OPENAI_BASE_URL: url, LLM_TIMEOUT_SECONDS: "10" }));

export function createSlidesTestServices(options: SlidesTestServicesOptions): SlidesTestServices {
  const dataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "storyforge-slides-"));
  const images = createImageStore(dataDirectory);
  const providers = options.providers ?? offlineProviders();
  const engine = createEngine({ db: options.db, settings: { ...TEST_ENGINE_SETTINGS, ...options.engineSettings } });
  for (const domain of DOMAINS) engine.registerTaskTypes(domain.taskTypes({ db: options.db, providers, images }));
  const services: SlidesServices & { images: DirectoryImageStore } = { db: options.db, engine, images };
  const createCaller = slidesCallerFactory(() => services);
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
      fs.rmSync(dataDirectory, { recursive: true, force: true });
    },
  };
}

/** A deck form's input with `count` slides; every other slide has no prompt (the text model writes it). */
export function deckForm(count: number, overrides: Partial<CreateDeckInput> = {}): CreateDeckInput {
  return {
    title: "Quarterly review",
    stylePreset: "flat-corporate",
    aspectRatio: "16:9",
    quality: "standard",
    slides: Array.from({ length: count }, (_, index) => ({
      title: `Slide ${index + 1}`,
      text: `Point ${index + 1} of the review: revenue grew in the northern region.`,
      imagePrompt: index % 2 === 0 ? "" : `A harbour at dawn, picture ${index + 1}`,
    })),
    ...overrides,
  };
}

/** The batch API's services over the test services; sessions are read by the given better-auth. */
export function apiServicesOf(testServices: SlidesTestServices, options: { auth: Auth; operatorKey?: string }): ApiServices {
  return {
    ...testServices.services,
    operatorKey: options.operatorKey,
    async session(headers) {
      const session = await options.auth.api.getSession({ headers });
      return session ? { userId: session.user.id, activeTeamId: session.session.activeOrganizationId ?? null } : null;
    },
  };
}

/** Offline providers whose image calls wait while held, so a test can act while a run is certainly active. */
export function gatedOfflineProviders() {
  const offline = offlineProviders();
  let gate: { opened: Promise<void>; open: () => void } | null = null;
  const image: ImageModel = {
    provider: offline.image.provider,
    model: offline.image.model,
    async renderImage(request) {
      while (gate) await gate.opened;
      return offline.image.renderImage(request);
    },
  };
  return {
    providers: { ...offline, image } satisfies Providers,
    hold() {
      let open = () => {};
      const opened = new Promise<void>((resolve) => (open = resolve));
      gate = { opened, open };
    },
    release() {
      const current = gate;
      gate = null;
      current?.open();
    },
  };
}
