// What the batch API's handlers run with: the slides services, the operator key, and a way to read
// a request's session (for operators signed in to the app). Tests pass their own.
import type { SlidesServices } from "@/server/features/slides/decks";

export interface ApiSession {
  userId: string;
  activeTeamId: string | null;
}

export interface ApiServices extends SlidesServices {
  /** OPERATOR_API_KEY, when set. */
  operatorKey: string | undefined;
  session(headers: Headers): Promise<ApiSession | null>;
}
