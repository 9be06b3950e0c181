// Every domain's offline answers as the CPU workers know them: the offline text model's requests
// (reading a story with an NLP library, a persona's description and picture) are answered in the
// workers, off the request thread. This lists the same responders as src/server/domains.ts without
// importing the domains' task types (and so the database and the engine); a test checks that the
// two lists name the same requests.
import { personaOfflineResponders } from "@/server/features/persona/persona-offline";
import { slidesOfflineResponders } from "@/server/features/slides/slides-offline";
import { storyOfflineResponders } from "@/server/features/story/story-offline";
import type { OfflineResponders } from "@/server/providers/offline/offline-responders";

export const WORKER_RESPONDERS: OfflineResponders = { ...storyOfflineResponders, ...personaOfflineResponders, ...slidesOfflineResponders };
