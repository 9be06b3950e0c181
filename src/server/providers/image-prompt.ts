// Real image APIs take one prompt: no negative-prompt parameter, and a free-text style has no
// parameter either. Both are folded into the prompt text, and that text is what gets recorded.

export function composeImagePrompt(prompt: string, options: { style?: string; negativePrompt?: string }): string {
  const parts = [prompt.trim()];
  const style = sentence(options.style);
  const negativePrompt = sentence(options.negativePrompt);
  if (style) parts.push(`Style: ${style}.`);
  if (negativePrompt) parts.push(`Avoid: ${negativePrompt}.`);
  return parts.join("\n");
}

function sentence(text: string | undefined): string | undefined {
  const trimmed = text?.trim().replace(/[.\s]+$/, "");
  return trimmed ? trimmed : undefined;
}
