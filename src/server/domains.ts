// Every domain of the app, registered here once: their task types go to the engine, their offline
// answers to the offline provider and the fake provider server.
import type { Domain } from "./features/domain";
import { personaDomain } from "./features/persona/persona-domain";
import { slidesDomain } from "./features/slides/slides-domain";
import { storyDomain } from "./features/story/story-domain";
import type { OfflineResponders } from "./providers/offline/offline-responders";

export const DOMAINS: readonly Domain[] = [storyDomain, personaDomain, slidesDomain];

/** The offline answers of every domain, by request name. */
export const OFFLINE_RESPONDERS: OfflineResponders = Object.assign({}, ...DOMAINS.map((domain) => domain.offlineResponders));
