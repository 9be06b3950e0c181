// The persona as a character card file: PNG (the avatar with the card inside), V2 JSON or V3 JSON.
// Plain links to the card route, so the browser downloads the file the server names. No hooks: the
// share page renders it on the server with the share link's own route.
import { buttonClass } from "@/components/ui/button";

const FORMATS = [
  { format: "png", label: "PNG card", hint: "The avatar with the card inside (SillyTavern and most tools)" },
  { format: "v2", label: "V2 JSON", hint: "Character Card V2" },
  { format: "v3", label: "V3 JSON", hint: "Character Card V3" },
] as const;

/** `base` is the card route without its query: /api/personas/{id}/card or /api/personas/shared/{token}/card. */
export function CardDownloads({ base }: { base: string }) {
  return (
    <div className="grid grid-cols-3 gap-2 sm:max-w-xs" role="group" aria-label="Download the character card">
      {FORMATS.map(({ format, label, hint }) => (
        <a key={format} href={`${base}?format=${format}`} download className={buttonClass("secondary", "whitespace-nowrap px-2 py-1.5")} title={hint}>
          {label}
        </a>
      ))}
    </div>
  );
}
