// The persona domain as the platform sees it: seven stages from a description or a picture, and an
// avatar rendered from stage 6's prompt.
import type { Domain } from "../domain";
import { personaOfflineResponders } from "./persona-offline";
import { personaTaskTypes } from "./persona-pipeline";

export const personaDomain = {
  name: "persona",
  taskTypes: personaTaskTypes,
  offlineResponders: personaOfflineResponders,
} satisfies Domain;
