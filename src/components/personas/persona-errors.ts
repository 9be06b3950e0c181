// Turns a tRPC error from the persona procedures into what a form shows: the refused field (the
// server names it like "data.interests.2") with a message people can act on.
import type { FieldError } from "./fields-editor";
import { fieldPath } from "./stage-fields";

interface ErrorShape {
  message?: string;
  data?: { field?: string | null; fieldErrors?: Record<string, string> | null } | null;
}

const friendlier: Array<[RegExp, string]> = [
  [/expected string to have >=1 characters?/i, "This cannot be empty."],
  [/expected array to have >=1 items?/i, "Add at least one."],
  [/expected number to be >=18/i, "Personas are adults: at least 18."],
  [/expected number to be <=120/i, "At most 120."],
  [/expected number, received null/i, "Enter a number."],
];

function readable(message: string): string {
  for (const [pattern, replacement] of friendlier) if (pattern.test(message)) return replacement;
  return message;
}

/** The field a refusal is about and its message; null when the error names no field. */
export function fieldErrorOf(error: unknown): FieldError | null {
  const shape = error as ErrorShape;
  const field = shape.data?.field;
  if (field) {
    const path = fieldPath(field);
    if (path) return { path, message: readable((shape.message ?? "").replace(`${path}: `, "")) };
  }
  const first = Object.entries(shape.data?.fieldErrors ?? {})[0];
  if (first) {
    const path = fieldPath(first[0]);
    if (path) return { path, message: readable(first[1]) };
  }
  return null;
}

export function messageOf(error: unknown): string {
  return (error as ErrorShape).message || "Something went wrong.";
}
