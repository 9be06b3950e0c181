// The story domain as the platform sees it: story → scenes → prompts → images.
import type { Domain } from "../domain";
import { storyOfflineResponders } from "./story-offline";
import { storyTaskTypes } from "./story-pipeline";

export const storyDomain = {
  name: "story",
  taskTypes: storyTaskTypes,
  offlineResponders: storyOfflineResponders,
} satisfies Domain;
