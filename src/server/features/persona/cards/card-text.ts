// The card's text fields written from the persona's stages, as plain text (cards are read by chat
// front-ends that treat them as text; nothing here is HTML).
import type { Core, Post, Strategy } from "../schemas";

const line = (label: string, value: string) => (value.trim() ? `${label}: ${value.trim()}` : "");
const joined = (items: string[]) => items.filter((item) => item.trim()).join(", ");

export function renderDescription(core: Core): string {
  const facts = [
    core.age !== null ? `${core.age} years old` : "",
    core.pronouns,
    core.occupation,
    core.location ? `lives in ${core.location}` : "",
  ].filter(Boolean);
  return [
    core.identity.trim() || `${core.name}.`,
    line("Facts", facts.join("; ")),
    line("Appearance", core.appearance),
    line("Backstory", core.backstory),
    line("Interests", joined(core.interests)),
    line("Values", joined(core.values)),
  ]
    .filter(Boolean)
    .join("\n\n");
}

export function renderPersonality(core: Core): string {
  return [joined(core.personalityTraits), line("Speech", core.speechStyle)].filter(Boolean).join("\n");
}

export function renderScenario(name: string, strategy: Strategy): string {
  const platforms = joined(strategy.platforms.map((platform) => (platform.handle ? `${platform.name} (${platform.handle})` : platform.name)));
  return [`${name} is active online${platforms ? ` on ${platforms}` : ""}.`, strategy.summary.trim(), line("Tone", strategy.tone)].filter(Boolean).join(" ");
}

/** Each post as an example message of the character, in the <START> blocks chat front-ends read. */
export function renderMesExample(posts: Post[]): string {
  return posts
    .map((post) => {
      const tags = post.hashtags.length ? `\n${post.hashtags.join(" ")}` : "";
      return `<START>\n{{char}}: ${post.text.trim()}${tags}`;
    })
    .join("\n");
}
