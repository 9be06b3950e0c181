import { appEngine, personaServices, storyServices } from "@/server/app-services";
import { createPersonaRouter } from "./routers/persona";
import { createRunsRouter } from "./routers/runs";
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
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
