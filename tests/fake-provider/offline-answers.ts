// Answers chat completions the way the offline text model would, with the domains' own offline
// responders (keyed by the json_schema name the providers send as GenerateObjectRequest.name), so
// demos and end-to-end tests through the fake server show believable answers (a story's scenes
// and prompts) instead of schema-shaped filler. A new domain's responders work here unchanged;
// requests without one, or that a responder cannot read, get the normal answers.
import { respondOffline, type OfflineResponders } from "@/server/providers/offline/offline-responders";
import type { ChatMessage } from "@/server/providers/types";
import type { FakeResponder } from "./server";

export function offlineAnswers(responders: OfflineResponders): FakeResponder {
  return async (request) => {
    if (!request.path.endsWith("/chat/completions")) return undefined;
    const format = request.body.response_format as { json_schema?: { name?: unknown } } | undefined;
    const name = format?.json_schema?.name;
    if (typeof name !== "string") return undefined;
    const answer = await respondOffline(responders, name, messagesOf(request.body));
    return answer === undefined ? undefined : { content: JSON.stringify(answer) };
  };
}

type ContentPart = { type?: string; text?: string; image_url?: { url?: string } };

/** The request's messages as the providers built them: vision parts become text and images again. */
function messagesOf(body: Record<string, unknown>): ChatMessage[] {
  const messages = Array.isArray(body.messages) ? (body.messages as Array<{ role?: unknown; content?: unknown }>) : [];
  return messages.map((message) => {
    const parts = Array.isArray(message.content) ? (message.content as ContentPart[]) : [];
    const images = parts.flatMap((part) => (part.type === "image_url" && typeof part.image_url?.url === "string" ? [part.image_url.url] : []));
    return {
      role: message.role === "system" ? "system" : "user",
      content: typeof message.content === "string" ? message.content : parts.flatMap((part) => (part.type === "image_url" ? [] : [part.text ?? ""])).join("\n"),
      ...(images.length ? { images } : {}),
    };
  });
}
