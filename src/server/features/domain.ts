// What a domain (story, persona, slides) plugs into the platform: its task types for the engine,
// and its offline answers for the offline provider and the fake provider server.
// A new domain is a folder under src/server/features exporting one Domain, plus one line in
// src/server/domains.ts.
import type { Database } from "@/server/db";
import type { TaskType } from "@/server/generation/types";
import type { OfflineResponders } from "@/server/providers/offline/offline-responders";
import type { Providers } from "@/server/providers/types";
import type { ImageStore } from "@/server/storage/image-store";

/** The shared services a domain's task types run with. */
export interface DomainServices {
  db: Database;
  providers: Providers;
  images: ImageStore;
}

export interface Domain {
  /** Also the prefix of its task type names ("story.image"). */
  name: string;
  taskTypes(services: DomainServices): TaskType[];
  /** What the offline provider answers for the domain's structured requests, by request name. */
  offlineResponders: OfflineResponders;
}
