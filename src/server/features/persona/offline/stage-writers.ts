// Writes stages 2 and 4–7 and each example post offline, from the persona's core (and, for posts,
// its strategy): templates filled with the persona's own name, place, work, traits and interests,
// seeded by the persona so every run of the same persona writes the same text.
import { hashString, seededRandom } from "@/server/providers/seeded-random";
import type { Authenticity, Book, BookEntry, Core, Network, Post, Strategy, Visual } from "../schemas";
import type { PostAssignment } from "../stage-messages";
import { capitalise, hashtag, limit, listing, pick, pickSome } from "./text";
import {
  FIRST_NAMES,
  LAST_NAMES,
  PLATFORMS,
  PROFESSIONAL_WORDS,
  RELATIONS,
  TRAIT_SHADOWS,
  VERBAL_TICS,
  VIDEO_INTERESTS,
  VISUAL_INTERESTS,
  type PlatformKind,
} from "./word-lists";

const randomFor = (core: Core, stage: string) => seededRandom(hashString(`${core.name}\n${core.occupation}\n${stage}`));
const firstName = (core: Core) => core.name.split(/\s+/)[0]!;
const slug = (text: string) => text.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "").slice(0, 20) || "persona";

export function writeStrategy(core: Core): Strategy {
  const random = randomFor(core, "strategy");
  const interests = core.interests.length ? core.interests : ["everyday life"];
  const kinds: PlatformKind[] = [];
  if (interests.some((interest) => VISUAL_INTERESTS.test(interest))) kinds.push("visual");
  if (interests.some((interest) => VIDEO_INTERESTS.test(interest))) kinds.push("video");
  if (PROFESSIONAL_WORDS.test(core.occupation)) kinds.push("professional");
  kinds.push(random() < 0.5 ? "short" : "community");
  const handle = `@${slug(firstName(core))}${random() < 0.5 ? "." : "_"}${slug(core.name.split(/\s+/).at(-1) ?? "")}`.slice(0, 40);
  return {
    summary: limit(`${firstName(core)} posts in their own voice: a ${core.occupation} in ${core.location} sharing ${listing(interests.slice(0, 3))}, with the ${listing(core.personalityTraits.slice(0, 2))} voice friends know.`, 800),
    platforms: [...new Set(kinds)].slice(0, 3).map((kind) => ({ name: PLATFORMS[kind].name, handle, why: PLATFORMS[kind].why })),
    topics: [...interests.slice(0, 4), `life as a ${core.occupation}`, `${core.location} days`].slice(0, 6).map((topic) => ({
      name: limit(topic, 80),
      angle: limit(`What ${firstName(core)} notices about ${topic} that others walk past, told with ${core.personalityTraits[0] ?? "honest"} humour.`, 300),
    })),
    tone: limit(`${capitalise(listing(core.personalityTraits.slice(0, 3)))}; first person, never salesy.`, 300),
    cadence: pick(random, ["three or four posts a week, mostly in the evening", "a post most mornings before work", "weekend bursts of two or three posts, quiet midweek"]),
    hashtags: [...new Set(interests.slice(0, 5).map(hashtag).concat(hashtag(core.location), hashtag(core.occupation)))].slice(0, 8),
    avoid: ["party politics", "other people's private details", "anything they would not say to a friend's face"],
  };
}

const POST_OPENINGS = [
  (topic: string) => `Small confession: ${topic} has taken over my week again.`,
  (topic: string) => `Nobody warned me that ${topic} would teach me patience.`,
  (topic: string) => `Today's ${topic} report, as promised.`,
  (topic: string) => `Hot take about ${topic}, and I will defend it.`,
  (topic: string) => `Three things I learned from ${topic} this month.`,
  (topic: string) => `If you had told me five years ago I'd care this much about ${topic}…`,
];

export function writePost(core: Core, strategy: Strategy, assignment: PostAssignment): Post {
  const random = seededRandom(hashString(`${core.name}\npost ${assignment.position}\n${assignment.topic}`));
  const topic = assignment.topic.toLowerCase();
  const tic = pick(random, VERBAL_TICS);
  const detail = pick(random, [
    `It happened on the way home through ${core.location}, of course.`,
    `My ${core.occupation} brain would not stop taking notes.`,
    `Half of it went wrong and the other half was worth it.`,
    `The best part was who I ran into halfway through.`,
  ]);
  const close = pick(random, ["Tell me yours.", "More soon.", "Anyway. Back to it.", "Who else?", "Worth it."]);
  const text = `${POST_OPENINGS[assignment.position % POST_OPENINGS.length]!(topic)} ${capitalise(tic)}, ${detail[0]!.toLowerCase()}${detail.slice(1)} ${close}`;
  const tags = strategy.hashtags.filter((tag) => tag.toLowerCase().includes(slug(topic).slice(0, 6))).concat(pickSome(random, strategy.hashtags, 2));
  return {
    platform: limit(assignment.platform, 40),
    topic: limit(assignment.topic, 80),
    text: limit(text, 2000),
    hashtags: [...new Set(tags)].slice(0, 3),
    imageIdea: limit(random() < 0.7 ? `${firstName(core)}'s phone photo of ${topic}, natural light` : "", 300),
  };
}

export function writeNetwork(core: Core): Network {
  const random = randomFor(core, "network");
  const relations = pickSome(random, RELATIONS, 4);
  const names = [...FIRST_NAMES.she, ...FIRST_NAMES.he, ...FIRST_NAMES.they].filter((name) => name !== firstName(core));
  const interests = core.interests.length ? core.interests : ["local events"];
  return {
    summary: limit(`${firstName(core)}'s circle is small and loyal: people from ${core.location}, from work, and from the ${interests[0]} crowd, who fill the comments more than strangers do.`, 800),
    relationships: relations.map((relation) => ({
      name: limit(`${pick(random, names)} ${pick(random, LAST_NAMES)}`, 80),
      relation: relation.relation,
      description: limit(`${capitalise(relation.relation)} who ${relation.about}.`, 400),
    })),
    communities: [...interests.slice(0, 3).map((interest) => `${core.location} ${interest} group`), `${core.occupation}s online`].map((community) => limit(community, 120)),
  };
}

export function writeAuthenticity(core: Core): Authenticity {
  const random = randomFor(core, "authenticity");
  const interest = core.interests[0] ?? "their hobby";
  const flaws = core.personalityTraits.map((trait) => TRAIT_SHADOWS[trait.toLowerCase()]).filter((flaw): flaw is string => Boolean(flaw));
  return {
    quirks: [
      `keeps a running list of ${interest} notes in the phone's calculator app, for no good reason`,
      `names every plant and appliance at home`,
      `always orders the second item on a menu`,
    ].slice(0, 2 + Math.floor(random() * 2)),
    flaws: [...flaws, "replies to messages in bursts, days apart", "takes feedback personally for exactly one evening"].slice(0, 3),
    contradictions: [`says ${interest} is just a hobby, and plans holidays around it`, `claims to hate small talk, and chats with every ${core.occupation} they meet`],
    verbalTics: pickSome(random, VERBAL_TICS, 3),
  };
}

export function writeVisual(core: Core, palette: string[] = []): Visual {
  const random = randomFor(core, "visual");
  // The core's appearance opens with its features: "Curly black hair; hazel eyes; a tall build."
  const features = (core.appearance.split(/(?<=[.!?])\s/)[0] ?? "")
    .replace(/[.!?]$/, "")
    .split(/;\s*/)
    .map((part) => part.trim())
    .filter((part) => part.length > 3 && part.length <= 120)
    .slice(0, 8);
  const colours = palette.length ? palette.slice(0, 4) : pickSome(random, ["navy", "rust", "cream", "olive", "charcoal", "teal"], 3);
  const style = pick(random, ["natural-light portrait photography, 50 mm lens", "candid street-photo style, soft contrast", "warm film-photo look, slight grain"]);
  const avatarPrompt = limit(
    `Head-and-shoulders portrait of ${core.name}, ${core.age ? `a ${core.age}-year-old` : "a"} ${core.occupation || "person"}${core.location ? ` from ${core.location}` : ""}. ` +
      `${features.length ? `${capitalise(features.join("; "))}. ` : ""}Wearing ${listing(colours)}. ${capitalise(core.personalityTraits[0] ?? "friendly")} expression. ${capitalise(style)}. No text, no logos.`,
    1500,
  );
  return {
    appearance: limit(core.appearance || `${core.name} as their friends would describe them.`, 1000),
    features: features.map((feature) => limit(feature, 120)),
    palette: colours,
    style,
    avatarPrompt,
    negativePrompt: "text, watermark, logo, extra fingers, distorted face, blurry",
  };
}

export function writeBook(core: Core, entryCount: number): Book {
  const random = randomFor(core, "book");
  const first = firstName(core);
  const candidates: BookEntry[] = [
    { name: core.location, keys: [core.location.toLowerCase(), "home", "hometown"], content: `${first} lives in ${core.location} and knows its cafés, shortcuts and weather moods by heart.` },
    { name: `Work as a ${core.occupation}`, keys: [core.occupation.toLowerCase(), "work", "job"], content: `${first} works as a ${core.occupation}. ${capitalise(core.personalityTraits[0] ?? "dedicated")} at work, they talk about it with pride and a little exhaustion.` },
    ...core.interests.map((interest) => ({
      name: capitalise(interest),
      keys: [interest.toLowerCase().slice(0, 60)],
      content: `${first} cares about ${interest} more than they admit; ask about it and expect details, opinions and a recommendation.`,
    })),
    { name: "Family", keys: ["family", "parents", "sibling"], content: `${first} calls home every Sunday; the family group chat is loud, and ${first} is the one who sends photos.` },
    { name: "Values", keys: ["values", "believe", "principles"], content: `What ${first} holds on to: ${listing(core.values.length ? core.values : ["honesty"])}.` },
    { name: "Voice", keys: ["talk", "voice", "style"], content: limit(core.speechStyle || `${first} talks plainly and warmly.`, 1500) },
    { name: "Backstory", keys: ["past", "childhood", "history"], content: limit(core.backstory || `${first} rarely talks about the past.`, 1500) },
    { name: "Favourite place", keys: ["favourite place", "cafe", "spot"], content: `${first}'s favourite spot in ${core.location} is a corner table by the window, chosen for the light.` },
    { name: "Pet peeve", keys: ["annoying", "pet peeve", "hate"], content: `${first} cannot stand people who talk through films or leave one sip of milk in the carton.` },
    { name: "Morning routine", keys: ["morning", "routine", "coffee"], content: `${first} starts the day with ${pick(random, ["black coffee", "green tea", "a long walk", "ten minutes of stretching"])} and no phone for the first half hour.` },
    { name: "Dream", keys: ["dream", "someday", "goal"], content: `Someday ${first} wants to ${pick(random, ["open a tiny shop", "walk a long-distance trail", "write a book about their work", "live by the sea"])}.` },
  ];
  for (let index = 1; candidates.length < 20; index += 1) {
    candidates.push({ name: `Memory ${index}`, keys: [`memory ${index}`], content: `A small memory ${first} brings up now and then: ${pick(random, ["a missed train that turned into a great day", "a storm spent in a stranger's kitchen", "the first payslip, spent on a bicycle", "a concert heard from outside the fence"])}.` });
  }
  return {
    entries: candidates.slice(0, Math.max(1, Math.min(20, entryCount))).map((entry) => ({
      name: limit(entry.name, 80),
      keys: entry.keys.map((key) => limit(key, 60)),
      content: limit(entry.content, 1500),
    })),
  };
}
