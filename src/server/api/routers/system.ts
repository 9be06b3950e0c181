import { z } from "zod";
import { env } from "@/server/env";
import { createTRPCRouter, publicProcedure } from "../trpc";

export const systemRouter = createTRPCRouter({
  /** Which generation provider answers, so the UI can say plainly when it is the offline preview. */
  info: publicProcedure
    .output(z.object({ provider: z.enum(["offline", "openai", "openrouter"]) }))
    .query(() => ({ provider: env().GENERATION_PROVIDER })),
});
