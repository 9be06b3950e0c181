// Answers the story stages like a real model would, by running the offline writers on the
// request's messages, so demos and end-to-end tests through the fake server show believable
// scenes and prompts instead of schema-shaped filler. Other requests get the normal answers.
import { analyseStory } from "@/server/features/story/offline/story-analysis";
import { writeScenePrompt } from "@/server/features/story/offline/scene-prompt-writer";
import { readAnalysisInput, readScenePromptInput, SCENE_PROMPT, STORY_ANALYSIS } from "@/server/features/story/stage-messages";
import type { ChatMessage } from "@/server/providers/types";
import type { FakeResponder } from "./server";

function messagesOf(body: Record<string, unknown>): ChatMessage[] {
  const messages = (body.messages ?? []) as Array<{ role: string; content: unknown }>;
  return messages.map((message) => ({
    role: message.role === "system" ? "system" : "user",
    content:
      typeof message.content === "string"
        ? message.content
        : Array.isArray(message.content)
          ? message.content.map((part: { text?: string }) => part.text ?? "").join("\n")
          : "",
  }));
}

export const storyAnswers: FakeResponder = (request) => {
  if (!request.path.endsWith("/chat/completions")) return undefined;
  const format = request.body.response_format as { json_schema?: { name?: string } } | undefined;
  const name = format?.json_schema?.name;
  const messages = messagesOf(request.body);
  if (name === STORY_ANALYSIS) {
    const input = readAnalysisInput(messages);
    return input ? { content: JSON.stringify(analyseStory(input.story, input.sceneCount)) } : undefined;
  }
  if (name === SCENE_PROMPT) {
    const input = readScenePromptInput(messages);
    return input ? { content: JSON.stringify(writeScenePrompt(input)) } : undefined;
  }
  return undefined;
};
