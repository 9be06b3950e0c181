// Writes stage 1 offline: keeps every fact the source gave and invents the rest from a seed, so
// the same description or picture always gives the same believable persona.
import { seededRandom } from "@/server/providers/seeded-random";
import type { Core } from "../schemas";
import type { PersonaFacts, Pronouns } from "./description-reader";
import { capitalise, limit, listing, pick, pickSome } from "./text";
import {
  BUILDS,
  EYES,
  FIRST_NAMES,
  HAIR,
  INTERESTS_BY_MOOD,
  LAST_NAMES,
  OCCUPATIONS,
  STYLES,
  TOWNS,
  TRAITS_BY_LEANING,
  VERBAL_TICS,
} from "./word-lists";

const WORKING_OCCUPATIONS = OCCUPATIONS.filter((occupation) => !["student", "vet", "cook", "diver"].includes(occupation));

export function writeCore(facts: PersonaFacts): Core {
  const random = seededRandom(facts.seed);
  const pronouns: Pronouns = facts.pronouns ?? pick(random, ["she/her", "he/him", "they/them"] as const);
  const key = pronouns === "she/her" ? "she" : pronouns === "he/him" ? "he" : "they";
  const name = facts.name ?? `${pick(random, FIRST_NAMES[key])} ${pick(random, LAST_NAMES)}`;
  const first = name.split(/\s+/)[0]!;
  const age = facts.age ?? 22 + Math.floor(random() * 34);
  const occupation = facts.occupation ?? pick(random, WORKING_OCCUPATIONS);
  const location = facts.location ?? pick(random, TOWNS);
  const traits = [...new Set([...facts.traits, ...pickSome(random, TRAITS_BY_LEANING[facts.leaning], 4)])].slice(0, 6);
  const interests = [...new Set([...facts.interests, ...pickSome(random, INTERESTS_BY_MOOD[facts.leaning], 4)])].slice(0, Math.max(3, Math.min(6, facts.interests.length + 1)));
  const subject = { "she/her": "She", "he/him": "He", "they/them": "They" }[pronouns];
  const possessive = { "she/her": "her", "he/him": "his", "they/them": "their" }[pronouns];
  const verb = (singular: string, plural: string) => (pronouns === "they/them" ? plural : singular);

  // What the source says about their looks, filled up with invented details: a picture shows
  // colours and light, not a hair colour the offline reader could trust.
  const invented = [pick(random, HAIR), pick(random, EYES), pick(random, BUILDS), pick(random, STYLES)];
  const looks = [...facts.appearance, ...invented].slice(0, Math.max(4, facts.appearance.length + 1));
  const appearance = limit(
    `${capitalise(looks.join("; "))}. ` +
      (facts.palette.length ? `${subject} ${verb("is", "are")} usually seen in ${listing(facts.palette.slice(0, 3))}.` : `${subject} ${verb("dresses", "dress")} for comfort first.`),
    1000,
  );
  const values = pickSome(random, ["honesty", "craft", "community", "curiosity", "independence", "kindness", "humour", "loyalty", "patience"], 3);
  const tic = pick(random, VERBAL_TICS);
  const speechStyle = limit(
    `${capitalise(traits[0] ?? "easygoing")} and ${traits[1] ?? "direct"} on the page: short paragraphs, plain words, ` +
      `a habit of starting with "${tic}", and ${traits.includes("grumpy") || traits.includes("intense") ? "hardly any emoji" : "the odd emoji where a face would smile"}.`,
    600,
  );
  const backstory = limit(
    [
      `${first} grew up ${random() < 0.5 ? `outside ${location}` : `in a small town far from ${location}`} and moved to ${location} in ${possessive} twenties.`,
      `Work as a ${occupation} shaped how ${subject.toLowerCase()} ${verb("sees", "see")} people: ${traits.slice(0, 2).join(" and ")} by nature, ${subject.toLowerCase()} ${verb("notices", "notice")} details others miss.`,
      `Outside work ${subject.toLowerCase()} ${verb("spends", "spend")} most free hours on ${listing(interests.slice(0, 3))}.`,
      `What started this persona: ${facts.sourceNote.replace(/[\s.!?]+$/u, "")}.`,
    ].join(" "),
    3000,
  );
  return {
    name: limit(name, 80),
    age,
    pronouns,
    occupation: limit(occupation, 120),
    location: limit(location, 120),
    identity: limit(`${name}, ${age}, a ${occupation} in ${location}. ${subject} ${verb("is", "are")} ${listing(traits.slice(0, 3))}, and ${verb("posts", "post")} about ${listing(interests.slice(0, 2))}.`, 800),
    appearance,
    personalityTraits: traits.map((trait) => limit(trait, 60)),
    backstory,
    interests: interests.map((interest) => limit(interest, 80)),
    values,
    speechStyle,
    greetings: [
      limit(`${capitalise(tic)}, hi! I'm ${first}. I was just thinking about ${interests[0]} — what brings you here?`, 1000),
      limit(`Oh, hey. ${first} here, ${occupation} by day and ${interests[1] ?? interests[0]} person by night. Ask me anything.`, 1000),
    ],
  };
}
