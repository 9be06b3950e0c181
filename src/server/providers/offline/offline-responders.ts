// How a domain teaches the offline text model its own requests. The provider layer knows no
// domain: each feature exports responders keyed by its request names (GenerateObjectRequest.name),
// the composition root passes them to createProviders, and the fake provider server reuses them.
import type { ChatMessage } from "../types";

/**
 * Reads its input back out of the request's messages; undefined when they are not in its form.
 * May answer with a promise (reading a picture's pixels is asynchronous); callers await it.
 */
export type OfflineResponder = (messages: ChatMessage[]) => unknown | undefined;
export type OfflineResponders = Readonly<Record<string, OfflineResponder>>;

/** The responder's answer for a request, or undefined when there is no responder or it declines. */
export async function respondOffline(responders: OfflineResponders, name: string, messages: ChatMessage[]): Promise<unknown | undefined> {
  // Own keys only: a request named "constructor" or "toString" must not find Object.prototype's.
  if (!Object.hasOwn(responders, name)) return undefined;
  return await responders[name]!(messages);
}
