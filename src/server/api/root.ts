import { appEngine, personaServices, slidesServices, storyServices } from "@/server/app-services";
import { createOperationsRouter } from "./routers/operations";
import { createPersonaRouter } from "./routers/persona";
import { createRunsRouter } from "./routers/runs";
import { createSlidesRouter } from "./routers/slides";
import { createStoryRouter } from "./routers/story";
import { systemRouter } from "./routers/system";
import { teamsRouter } from "./routers/teams";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  system: systemRouter,
  teams: teamsRouter,
  runs: createRunsRouter(appEngine),
  story: createStoryRouter(storyServices),
  persona: createPersonaRouter(personaServices),
  slides: createSlidesRouter(slidesServices),
  operations: createOperationsRouter(slidesServices),
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
