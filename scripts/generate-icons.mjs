// Draws the Storyforge mark and writes the site's icons and social preview into public/:
//   node scripts/generate-icons.mjs
// The mark is paths only, so icon.svg and the icons look the same everywhere. The preview's words
// are SVG text: regenerating it on a machine without DejaVu Serif/Sans changes its lettering.
import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";

const publicDirectory = path.resolve(import.meta.dirname, "../public");

const colors = {
  paper: "#faf8f5",
  ink: "#1c1917",
  muted: "#57534e",
  accent: "#4f46e5",
  accentLight: "#6366f1",
  accentDark: "#4338ca",
  spark: "#fcd34d",
};

/** The mark on a 512 × 512 canvas: a white S with a spark, on a rounded indigo tile (or a full square). */
function markSvg({ corner = 112 } = {}) {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" width="512" height="512">
  <defs>
    <linearGradient id="tile" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="${colors.accentLight}"/>
      <stop offset="1" stop-color="${colors.accentDark}"/>
    </linearGradient>
  </defs>
  <rect width="512" height="512" rx="${corner}" fill="url(#tile)"/>
  <path d="M338 158 C318 124 270 112 232 118 C180 126 160 166 172 200 C186 240 250 248 290 262 C340 280 356 316 340 352 C322 392 262 404 216 392 C190 385 172 370 162 352"
    fill="none" stroke="#fff" stroke-width="54" stroke-linecap="round" stroke-linejoin="round"/>
  <path d="M392 78 L404 110 L436 122 L404 134 L392 166 L380 134 L348 122 L380 110 Z" fill="${colors.spark}"/>
</svg>
`;
}

/** A storyboard frame for the preview's right side: a picture (sun over hills) and two lines of caption. */
function frame(x, y, width, tint, rotation) {
  const pictureHeight = Math.round(width * 0.62);
  const left = x + 14;
  const right = x + width - 14;
  const top = y + 14;
  const bottom = y + pictureHeight;
  const hills = `M${left} ${bottom - 30} Q${left + (right - left) * 0.3} ${bottom - 95} ${left + (right - left) * 0.55} ${bottom - 45} T${right} ${bottom - 60} V${bottom} H${left} Z`;
  return `<g transform="rotate(${rotation} ${x + width / 2} ${y + pictureHeight / 2})">
    <rect x="${x}" y="${y}" width="${width}" height="${pictureHeight + 64}" rx="18" fill="#fff" stroke="#e7e5e4" stroke-width="2"/>
    <clipPath id="picture-${x}-${y}"><rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" rx="10"/></clipPath>
    <g clip-path="url(#picture-${x}-${y})">
      <rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="${tint}"/>
      <circle cx="${right - (right - left) * 0.25}" cy="${top + (bottom - top) * 0.32}" r="${(right - left) * 0.08}" fill="#fff" opacity="0.8"/>
      <path d="${hills}" fill="#fff" opacity="0.45"/>
    </g>
    <rect x="${x + 14}" y="${y + pictureHeight + 14}" width="${Math.round(width * 0.62)}" height="12" rx="6" fill="#d6d3d1"/>
    <rect x="${x + 14}" y="${y + pictureHeight + 36}" width="${Math.round(width * 0.42)}" height="10" rx="5" fill="#e7e5e4"/>
  </g>`;
}

function previewSvg(markDataUrl) {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1200 630" width="1200" height="630">
  <rect width="1200" height="630" fill="${colors.paper}"/>
  <circle cx="1010" cy="110" r="260" fill="#eef2ff"/>
  <circle cx="1120" cy="560" r="180" fill="#fef3c7" opacity="0.7"/>
  ${frame(790, 86, 300, "#c7d2fe", -4)}
  ${frame(730, 330, 250, "#fde68a", 3)}
  ${frame(955, 300, 210, "#a5b4fc", -2)}
  <image href="${markDataUrl}" x="88" y="120" width="132" height="132"/>
  <text x="88" y="350" font-family="DejaVu Serif, Georgia, serif" font-weight="bold" font-size="92" fill="${colors.ink}" letter-spacing="-2">Storyforge</text>
  <text x="92" y="420" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="38" fill="${colors.accent}">Turn writing into pictures</text>
  <text x="92" y="490" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="26" fill="${colors.muted}">Storyboards · personas · slide-deck images</text>
</svg>
`;
}

const png = (svg, size) => sharp(Buffer.from(svg), { density: 72 * Math.max(1, size / 512) }).resize(size, size).png().toBuffer();

/** An .ico holding PNG images (understood by every current browser), smallest first. */
function ico(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(images.length, 4);
  const entries = [];
  let offset = 6 + 16 * images.length;
  for (const { size, data } of images) {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size >= 256 ? 0 : size, 0); // width (0 means 256)
    entry.writeUInt8(size >= 256 ? 0 : size, 1); // height
    entry.writeUInt8(0, 2); // no palette
    entry.writeUInt8(0, 3); // reserved
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(data.length, 8);
    entry.writeUInt32LE(offset, 12);
    entries.push(entry);
    offset += data.length;
  }
  return Buffer.concat([header, ...entries, ...images.map(({ data }) => data)]);
}

fs.mkdirSync(publicDirectory, { recursive: true });
const write = (name, data) => {
  fs.writeFileSync(path.join(publicDirectory, name), data);
  console.log(`public/${name} (${data.length} bytes)`);
};

const mark = markSvg();
write("icon.svg", mark);
write("icon.png", await png(mark, 512));
write("icon-192.png", await png(mark, 192));
// iOS rounds the corners itself and shows transparency as black: a full square.
write("apple-icon.png", await png(markSvg({ corner: 0 }), 180));
write("favicon.ico", ico(await Promise.all([16, 32, 48].map(async (size) => ({ size, data: await png(mark, size) })))));

const markDataUrl = `data:image/png;base64,${(await png(mark, 264)).toString("base64")}`;
write("opengraph-image.png", await sharp(Buffer.from(previewSvg(markDataUrl))).png({ compressionLevel: 9 }).toBuffer());
