// The story's offline answers: the offline text model (and the fake provider server) answer the two
// story stages with the NLP analysis and the template prompt writer, reading their inputs back out
// of the stage messages. A request a responder cannot read falls back to a schema sample.
import type { OfflineResponders } from "@/server/providers/offline/offline-responders";
import { writeScenePrompt } from "./offline/scene-prompt-writer";
import { analyseStory } from "./offline/story-analysis";
import { readAnalysisInput, readScenePromptInput, SCENE_PROMPT, STORY_ANALYSIS } from "./stage-messages";

export const storyOfflineResponders: OfflineResponders = {
  [STORY_ANALYSIS]: (messages) => {
    const input = readAnalysisInput(messages);
    return input ? analyseStory(input.story, input.sceneCount) : undefined;
  },
  [SCENE_PROMPT]: (messages) => {
    const input = readScenePromptInput(messages);
    return input ? writeScenePrompt(input) : undefined;
  },
};
