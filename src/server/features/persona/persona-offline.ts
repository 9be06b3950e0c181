// The persona's offline answers: the offline text model (and the fake provider server) answer every
// persona stage with the NLP reading of the description, what sharp reads from a picture's pixels,
// and templates filled from the persona's own details, reading their inputs back out of the stage
// messages. A request a responder cannot read falls back to a schema sample.
import type { OfflineResponders } from "@/server/providers/offline/offline-responders";
import { writeCore } from "./offline/core-writer";
import { readDescription } from "./offline/description-reader";
import { pictureBytes, pictureFacts, readPicture } from "./offline/picture-reader";
import { writeAuthenticity, writeBook, writeNetwork, writePost, writeStrategy, writeVisual } from "./offline/stage-writers";
import { COLOUR_WORDS } from "./offline/word-lists";
import { PERSONA_REQUESTS, readDescriptionInput, readPictureInput, readStageInput } from "./stage-messages";

/** Colour words of the persona's appearance, for a visual profile that matches its picture. */
const coloursIn = (text: string) => [...new Set(text.toLowerCase().split(/[^a-z]+/).filter((word) => COLOUR_WORDS.has(word)))];

export const personaOfflineResponders: OfflineResponders = {
  [PERSONA_REQUESTS.coreFromDescription]: (messages) => {
    const input = readDescriptionInput(messages);
    return input ? writeCore(readDescription(input.description)) : undefined;
  },
  // Asynchronous: sharp decodes the picture. The offline text model awaits its responders.
  [PERSONA_REQUESTS.coreFromPicture]: async (messages) => {
    const input = readPictureInput(messages);
    const bytes = input && pictureBytes(input.picture);
    if (!bytes) return undefined;
    return writeCore(pictureFacts(await readPicture(bytes)));
  },
  [PERSONA_REQUESTS.strategy]: (messages) => {
    const read = readStageInput("strategy", messages);
    return read ? writeStrategy(read.input.persona) : undefined;
  },
  [PERSONA_REQUESTS.post]: (messages) => {
    const read = readStageInput("post", messages);
    return read?.input.strategy && read.input.post ? writePost(read.input.persona, read.input.strategy, read.input.post) : undefined;
  },
  [PERSONA_REQUESTS.network]: (messages) => {
    const read = readStageInput("network", messages);
    return read ? writeNetwork(read.input.persona) : undefined;
  },
  [PERSONA_REQUESTS.authenticity]: (messages) => {
    const read = readStageInput("authenticity", messages);
    return read ? writeAuthenticity(read.input.persona) : undefined;
  },
  [PERSONA_REQUESTS.visual]: (messages) => {
    const read = readStageInput("visual", messages);
    return read ? writeVisual(read.input.persona, coloursIn(read.input.persona.appearance)) : undefined;
  },
  [PERSONA_REQUESTS.book]: (messages) => {
    const read = readStageInput("book", messages);
    return read ? writeBook(read.input.persona, read.input.entryCount) : undefined;
  },
};
