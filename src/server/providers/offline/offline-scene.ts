// The offline provider's pictures: a simple scene drawn as SVG from the prompt, and its PNG. The
// palette comes from the mood and setting words in the prompt, the composition (hills, buildings,
// water, sun or moon, one figure per character) from a hash of the prompt and seed, so the same
// request always gives identical bytes and different scenes give different pictures. A caption
// shows the scene title, and a corner label says plainly that this is the offline preview.
// Drawing and encoding are CPU work: the app runs them in its CPU workers (src/server/workers).
import sharp from "sharp";
import { hashString, seededRandom } from "../seeded-random";

interface Palette {
  skyTop: string;
  skyBottom: string;
  far: string;
  near: string;
  accent: string;
  light: string;
}

const PALETTES: Record<string, Palette> = {
  tense: { skyTop: "#10151f", skyBottom: "#3b4a5e", far: "#26303d", near: "#161c24", accent: "#c9d6e3", light: "#f2f4f7" },
  mysterious: { skyTop: "#1d1636", skyBottom: "#4d3f73", far: "#2f2a4f", near: "#1c1830", accent: "#9fd8cb", light: "#f3ecc8" },
  joyful: { skyTop: "#4aa3df", skyBottom: "#ffe7a3", far: "#7cbf6b", near: "#4f8f3f", accent: "#ff9f43", light: "#fff6cc" },
  melancholy: { skyTop: "#6b7785", skyBottom: "#c3c9cf", far: "#8a939c", near: "#5d666f", accent: "#b58f6b", light: "#eef0f2" },
  peaceful: { skyTop: "#8cc8e8", skyBottom: "#e9f5ea", far: "#9fcf9a", near: "#6fa86a", accent: "#f4d58d", light: "#fffbe6" },
  hopeful: { skyTop: "#f28fa1", skyBottom: "#ffd9a0", far: "#a88ba8", near: "#6b5b7b", accent: "#ffd166", light: "#fff3d6" },
  adventurous: { skyTop: "#2f8fa3", skyBottom: "#f6c28b", far: "#4e7f6e", near: "#2e5246", accent: "#e76f51", light: "#fff1d0" },
  quiet: { skyTop: "#7fa7c9", skyBottom: "#dfe9f0", far: "#93a8a0", near: "#62786f", accent: "#d9a441", light: "#fbf7ea" },
};
const MOOD_WORDS: Array<[string, RegExp]> = [
  ["tense", /\b(tense|storm\w*|danger\w*|fear\w*|dread|menac\w*|dramatic)\b/],
  ["mysterious", /\b(myster\w*|secret\w*|strange\w*|eerie|moonlit|haunt\w*)\b/],
  ["joyful", /\b(joy\w*|happy|cheer\w*|celebrat\w*|festive|bright)\b/],
  ["melancholy", /\b(melanchol\w*|sad\w*|lonely|grief|mourn\w*|bleak)\b/],
  ["peaceful", /\b(peace\w*|calm|quiet|serene|gentle|tranquil)\b/],
  ["hopeful", /\b(hope\w*|dawn|sunrise|renew\w*)\b/],
  ["adventurous", /\b(adventur\w*|journey|quest|explor\w*|climb\w*)\b/],
];
const COLOUR_WORDS: Record<string, string> = {
  red: "#c0392b", scarlet: "#d62828", crimson: "#9b2226", yellow: "#f4c430", golden: "#e0a526", gold: "#e0a526",
  green: "#2e8b57", blue: "#2b59c3", navy: "#1d3461", grey: "#8d99a6", gray: "#8d99a6", black: "#22262b",
  white: "#eceff1", brown: "#7b5233", purple: "#6a4c93", violet: "#7b5ea7", orange: "#e8730c", pink: "#e58fa8",
  silver: "#c0c6cc", copper: "#b87333", tan: "#c8a27a", teal: "#1f8a8a",
};
const SKIN_TONES = ["#f1c7a5", "#e0ac84", "#c68a62", "#8d5a3c", "#f5d6c0", "#a9714b"];

export interface SceneDrawing {
  prompt: string;
  title?: string;
  seed: number;
  width: number;
  height: number;
}

/** The PNG of a scene, exactly as the offline provider returns it. */
export async function renderScene(drawing: SceneDrawing): Promise<Buffer> {
  // Low zlib effort: these are previews, and speed matters more than a few kilobytes.
  return sharp(Buffer.from(drawScene(drawing))).png({ compressionLevel: 2, adaptiveFiltering: false }).toBuffer();
}

/** The SVG for a prompt; exported so its choices can be inspected without decoding a PNG. */
export function drawScene({ prompt, title, seed, width, height }: SceneDrawing): string {
  const random = seededRandom(hashString(`${prompt}\n${seed}`));
  const text = prompt.toLowerCase();
  const mood = /\bmood:\s*([a-z]+)/.exec(text)?.[1];
  const moodKey = mood && PALETTES[mood] ? mood : (MOOD_WORDS.find(([, pattern]) => pattern.test(text))?.[0] ?? "quiet");
  const palette = PALETTES[moodKey]!;
  const night = /\b(night|midnight|moon\w*|candle\w*|dark)\b/.test(text);
  const water = /\b(sea|harbou?r|ocean|lake|river|shore|beach|bay|boats?|waves?|coast)\b/.test(text);
  const buildings = /\b(market|street|city|station|town|village|bakery|shop|alley|square|attic|house)\b/.test(text);
  const trees = /\b(forest|woods?|garden|meadow|park|orchard|trees?)\b/.test(text);
  const tower = /\b(tower|lighthouse|cathedral|castle|steeple)\b/.test(text);
  const stormy = /\b(storm\w*|rain\w*|gale|wind)\b/.test(text);

  const unit = Math.min(width, height) / 100;
  const horizon = height * (0.52 + random() * 0.12);
  const parts: string[] = [];
  const skyTop = night ? darken(palette.skyTop, 0.55) : palette.skyTop;
  const skyBottom = night ? darken(palette.skyBottom, 0.45) : palette.skyBottom;
  parts.push(
    `<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${skyTop}"/><stop offset="1" stop-color="${skyBottom}"/></linearGradient></defs>`,
    `<rect width="${width}" height="${height}" fill="url(#sky)"/>`,
  );

  // Sun or moon, and stars at night.
  const orbX = width * (0.12 + random() * 0.76);
  const orbY = horizon * (0.2 + random() * 0.35);
  if (night) {
    for (let index = 0; index < 40; index += 1) {
      parts.push(circle(random() * width, random() * horizon * 0.8, unit * (0.15 + random() * 0.25), "#ffffff", 0.5 + random() * 0.5));
    }
    parts.push(circle(orbX, orbY, unit * 6, palette.light, 0.95), circle(orbX + unit * 2.5, orbY - unit * 1.5, unit * 5.2, skyTop, 1));
  } else {
    parts.push(circle(orbX, orbY, unit * 12, palette.light, 0.25), circle(orbX, orbY, unit * 7, palette.light, 0.95));
  }

  // Clouds, darker and more of them in a storm.
  const clouds = stormy ? 7 : 2 + Math.floor(random() * 3);
  for (let index = 0; index < clouds; index += 1) {
    const cloudX = random() * width;
    const cloudY = horizon * (0.1 + random() * 0.45);
    const size = unit * (5 + random() * 6);
    const colour = stormy ? darken(palette.far, 0.2) : palette.light;
    const opacity = stormy ? 0.85 : 0.7;
    parts.push(
      `<g fill="${colour}" opacity="${opacity.toFixed(2)}"><ellipse cx="${fixed(cloudX)}" cy="${fixed(cloudY)}" rx="${fixed(size * 2)}" ry="${fixed(size * 0.7)}"/><ellipse cx="${fixed(cloudX + size)}" cy="${fixed(cloudY - size * 0.4)}" rx="${fixed(size * 1.3)}" ry="${fixed(size * 0.8)}"/></g>`,
    );
  }

  // Far hills along the horizon.
  parts.push(`<path d="${ridge(random, width, height, horizon - unit * 6, unit * 8, 6)}" fill="${palette.far}"/>`);

  if (buildings) {
    let x = -unit * 2;
    while (x < width) {
      const buildingWidth = unit * (6 + random() * 10);
      const buildingHeight = unit * (8 + random() * 22);
      parts.push(`<rect x="${fixed(x)}" y="${fixed(horizon - buildingHeight)}" width="${fixed(buildingWidth)}" height="${fixed(buildingHeight + unit * 4)}" fill="${darken(palette.far, 0.15 + random() * 0.2)}"/>`);
      const windows = Math.floor(buildingHeight / (unit * 5));
      for (let row = 0; row < windows; row += 1) {
        if (random() < 0.5) {
          parts.push(`<rect x="${fixed(x + buildingWidth * 0.3)}" y="${fixed(horizon - buildingHeight + unit * (2 + row * 5))}" width="${fixed(unit * 1.6)}" height="${fixed(unit * 2.2)}" fill="${palette.accent}" opacity="${night ? 0.95 : 0.6}"/>`);
        }
      }
      x += buildingWidth + unit * random() * 3;
    }
  }

  if (tower) {
    const towerX = width * (0.15 + random() * 0.7);
    const towerWidth = unit * 7;
    const towerHeight = horizon * (0.45 + random() * 0.2);
    const top = horizon - towerHeight;
    parts.push(
      `<path d="M${fixed(towerX - towerWidth / 2)} ${fixed(horizon + unit * 2)} L${fixed(towerX - towerWidth / 3)} ${fixed(top)} L${fixed(towerX + towerWidth / 3)} ${fixed(top)} L${fixed(towerX + towerWidth / 2)} ${fixed(horizon + unit * 2)} Z" fill="${palette.light}" stroke="${palette.near}" stroke-width="${fixed(unit * 0.4)}"/>`,
      `<rect x="${fixed(towerX - towerWidth / 2.5)}" y="${fixed(top - unit * 5)}" width="${fixed((towerWidth * 2) / 2.5)}" height="${fixed(unit * 5)}" fill="${palette.near}"/>`,
      circle(towerX, top - unit * 2.5, unit * 1.6, palette.accent, 1),
    );
    if (night && /lighthouse/.test(text)) {
      const direction = random() < 0.5 ? -1 : 1;
      parts.push(
        `<path d="M${fixed(towerX)} ${fixed(top - unit * 2.5)} L${fixed(towerX + direction * width * 0.6)} ${fixed(top - unit * 14)} L${fixed(towerX + direction * width * 0.6)} ${fixed(top + unit * 9)} Z" fill="${palette.light}" opacity="0.25"/>`,
      );
    }
  }

  if (trees) {
    const count = 4 + Math.floor(random() * 6);
    for (let index = 0; index < count; index += 1) {
      const treeX = random() * width;
      const treeSize = unit * (4 + random() * 5);
      parts.push(
        `<rect x="${fixed(treeX - unit * 0.6)}" y="${fixed(horizon - treeSize * 0.4)}" width="${fixed(unit * 1.2)}" height="${fixed(treeSize)}" fill="${darken(palette.near, 0.3)}"/>`,
        circle(treeX, horizon - treeSize, treeSize, darken(palette.far, 0.1 + random() * 0.2), 1),
      );
    }
  }

  // The ground, or the sea with waves.
  if (water) {
    parts.push(`<rect x="0" y="${fixed(horizon)}" width="${width}" height="${fixed(height - horizon)}" fill="${darken(palette.skyTop, 0.2)}"/>`);
    for (let row = 0; row < 8; row += 1) {
      const y = horizon + (height - horizon) * ((row + random() * 0.5) / 8);
      parts.push(`<path d="${wave(random, width, y, unit * (0.6 + row * 0.2))}" fill="none" stroke="${palette.light}" stroke-opacity="0.35" stroke-width="${fixed(unit * 0.35)}"/>`);
    }
    parts.push(`<path d="${ridge(random, width, height, height * 0.86, unit * 4, 5)}" fill="${palette.near}"/>`);
  } else {
    parts.push(`<path d="${ridge(random, width, height, horizon + unit * 4, unit * 5, 4)}" fill="${palette.near}"/>`);
  }

  // One figure per character named in the prompt, coloured by the colour words of their traits, so
  // a character wears the same colours in every scene.
  const characters = charactersIn(prompt);
  const figureCount = characters.length > 0 ? Math.min(characters.length, 6) : Math.floor(random() * 2);
  const groundY = water ? height * 0.9 : horizon + (height - horizon) * 0.55;
  for (let index = 0; index < figureCount; index += 1) {
    const character = characters[index];
    const identity = hashString(character?.name ?? `figure ${index}`);
    const coat = character ? colourFor(character.traits, identity) : palette.accent;
    const skin = SKIN_TONES[identity % SKIN_TONES.length]!;
    const x = width * ((index + 1) / (figureCount + 1)) + (random() - 0.5) * unit * 8;
    const figureHeight = unit * (22 + (identity % 7));
    parts.push(figure(x, groundY, figureHeight, coat, skin, darken(coat, 0.45)));
  }

  // The caption band with the scene title, and the offline label.
  const captionHeight = unit * 9;
  if (title && title.trim() !== "") {
    parts.push(
      `<rect x="0" y="${fixed(height - captionHeight)}" width="${width}" height="${fixed(captionHeight)}" fill="#000000" opacity="0.45"/>`,
      `<text x="${fixed(unit * 4)}" y="${fixed(height - captionHeight / 2 + unit * 1.6)}" font-family="DejaVu Sans, sans-serif" font-size="${fixed(unit * 4.2)}" fill="#ffffff">${escapeXml(truncate(title.trim(), Math.floor(width / (unit * 2.4))))}</text>`,
    );
  }
  const labelWidth = unit * 27;
  parts.push(
    `<rect x="${fixed(width - labelWidth - unit * 2)}" y="${fixed(unit * 2)}" width="${fixed(labelWidth)}" height="${fixed(unit * 5.5)}" rx="${fixed(unit * 1.2)}" fill="#000000" opacity="0.5"/>`,
    `<text x="${fixed(width - labelWidth / 2 - unit * 2)}" y="${fixed(unit * 5.9)}" text-anchor="middle" font-family="DejaVu Sans, sans-serif" font-size="${fixed(unit * 3)}" fill="#ffffff">offline preview</text>`,
  );

  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join("")}</svg>`;
}

/** Reads "Characters: Name (trait, trait); Name (trait)." as the offline scene prompt writes it. */
function charactersIn(prompt: string): Array<{ name: string; traits: string }> {
  const line = /Characters:\s*(.+?)\.(?:\s|$)/s.exec(prompt)?.[1];
  if (!line) return [];
  return line
    .split(";")
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      const match = /^([^()]+?)\s*(?:\((.*)\))?$/.exec(entry);
      return { name: match?.[1]?.trim() ?? entry, traits: match?.[2] ?? "" };
    });
}

function colourFor(traits: string, identity: number): string {
  // Clothing colours first ("red scarf"), so hair colour does not decide the coat.
  const words = traits.toLowerCase().split(/[^a-z]+/);
  const clothing = /(coat|jacket|scarf|cloak|dress|waistcoat|shirt|jumper|sweater|uniform|robe|gown|hat|cap)/;
  for (const trait of traits.toLowerCase().split(",")) {
    if (!clothing.test(trait)) continue;
    const colour = trait.split(/[^a-z]+/).find((word) => COLOUR_WORDS[word]);
    if (colour) return COLOUR_WORDS[colour]!;
  }
  const any = words.find((word) => COLOUR_WORDS[word]);
  if (any) return COLOUR_WORDS[any]!;
  const colours = Object.values(COLOUR_WORDS);
  return colours[identity % colours.length]!;
}

function figure(x: number, groundY: number, figureHeight: number, coat: string, skin: string, outline: string): string {
  const head = figureHeight * 0.13;
  const shoulders = figureHeight * 0.22;
  const bodyTop = groundY - figureHeight + head * 2;
  return [
    `<path d="M${fixed(x - shoulders / 2)} ${fixed(bodyTop)} L${fixed(x + shoulders / 2)} ${fixed(bodyTop)} L${fixed(x + shoulders * 0.75)} ${fixed(groundY - figureHeight * 0.12)} L${fixed(x - shoulders * 0.75)} ${fixed(groundY - figureHeight * 0.12)} Z" fill="${coat}" stroke="${outline}" stroke-width="${fixed(figureHeight * 0.012)}"/>`,
    `<rect x="${fixed(x - shoulders * 0.35)}" y="${fixed(groundY - figureHeight * 0.13)}" width="${fixed(shoulders * 0.22)}" height="${fixed(figureHeight * 0.13)}" fill="${outline}"/>`,
    `<rect x="${fixed(x + shoulders * 0.13)}" y="${fixed(groundY - figureHeight * 0.13)}" width="${fixed(shoulders * 0.22)}" height="${fixed(figureHeight * 0.13)}" fill="${outline}"/>`,
    circle(x, bodyTop - head * 0.9, head, skin, 1),
  ].join("");
}

function ridge(random: () => number, width: number, height: number, baseY: number, amplitude: number, segments: number): string {
  let path = `M0 ${fixed(baseY)}`;
  for (let index = 1; index <= segments; index += 1) {
    const x = (width * index) / segments;
    const controlX = x - width / segments / 2;
    const controlY = baseY - amplitude * (0.3 + random());
    path += ` Q${fixed(controlX)} ${fixed(controlY)} ${fixed(x)} ${fixed(baseY + (random() - 0.5) * amplitude)}`;
  }
  return `${path} L${width} ${height} L0 ${height} Z`;
}

function wave(random: () => number, width: number, y: number, amplitude: number): string {
  const step = width / 12;
  let path = `M0 ${fixed(y)}`;
  for (let x = step; x <= width + step; x += step) {
    path += ` Q${fixed(x - step / 2)} ${fixed(y - amplitude * (0.5 + random()))} ${fixed(x)} ${fixed(y)}`;
  }
  return path;
}

function circle(x: number, y: number, radius: number, fill: string, opacity: number): string {
  return `<circle cx="${fixed(x)}" cy="${fixed(y)}" r="${fixed(radius)}" fill="${fill}"${opacity < 1 ? ` opacity="${opacity.toFixed(2)}"` : ""}/>`;
}

function darken(hex: string, amount: number): string {
  const value = Number.parseInt(hex.slice(1), 16);
  const channel = (shift: number) => Math.round(((value >> shift) & 0xff) * (1 - amount));
  return `#${[16, 8, 0].map((shift) => channel(shift).toString(16).padStart(2, "0")).join("")}`;
}

function fixed(value: number): string {
  return value.toFixed(1);
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, Math.max(1, length - 1))}…`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (character) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[character]!);
}
