// The slide-deck domain as the platform sees it: slides + one style prompt → one image per slide.
import type { Domain } from "../domain";
import { slidesOfflineResponders } from "./slides-offline";
import { slidesTaskTypes } from "./slides-pipeline";

export const slidesDomain = {
  name: "slides",
  taskTypes: slidesTaskTypes,
  offlineResponders: slidesOfflineResponders,
} satisfies Domain;
