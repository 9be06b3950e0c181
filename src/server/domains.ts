// Every domain of the app, registered here once: their task types with the engine.
import type { Domain } from "./features/domain";
import { storyDomain } from "./features/story/story-domain";

export const DOMAINS: readonly Domain[] = [storyDomain];
