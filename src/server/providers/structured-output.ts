// Text-generation helpers shared by the chat-based text models: the JSON schema sent with a
// request, parsing and validating the answer, and the message that asks for a repair.
import { z } from "zod";
import type { JsonSchema } from "./json-schema-sample";

/** The JSON schema for a zod schema, in the form chat APIs accept for `response_format`. */
export function jsonSchemaFor(schema: z.ZodType): JsonSchema {
  // "input" describes what the model must write (before any zod transforms or defaults), and
  // unrepresentable parts (a refinement, a transform) become "anything" rather than an exception.
  const jsonSchema = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  // Some OpenAI-compatible servers reject the meta-schema keyword; it carries no constraint.
  delete jsonSchema.$schema;
  return jsonSchema;
}

/** A name that satisfies OpenAI's rule for json_schema names (letters, digits, _ and -, up to 64). */
export function schemaName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_-]+/g, "_").slice(0, 64);
  return cleaned.length > 0 ? cleaned : "object";
}

export type StructuredOutput<T> = { success: true; data: T } | { success: false; problem: string };

/** Parses a model's answer as JSON and validates it; a failure says what was wrong, for the repair. */
export function parseStructuredOutput<Schema extends z.ZodType>(
  schema: Schema,
  content: string | null | undefined,
): StructuredOutput<z.infer<Schema>> {
  if (content === null || content === undefined || content.trim() === "") {
    return { success: false, problem: "The answer was empty; it must be a JSON object." };
  }
  let value: unknown;
  try {
    value = JSON.parse(stripCodeFence(content));
  } catch (error) {
    return { success: false, problem: `The answer was not valid JSON (${error instanceof Error ? error.message : String(error)}).` };
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    return { success: false, problem: `The JSON did not match the schema:\n${truncate(z.prettifyError(result.error), 2000)}` };
  }
  return { success: true, data: result.data };
}

/** The follow-up message of the one repair attempt, after the model's own previous answer. */
export function repairRequest(problem: string): string {
  return [
    "Your previous answer could not be used.",
    problem,
    "Answer again with only the corrected JSON object, matching the schema exactly: no prose, no code fence.",
  ].join("\n");
}

function stripCodeFence(content: string): string {
  // Some models wrap JSON in a Markdown fence even when asked for a JSON object.
  const fenced = /^\s*```(?:json)?\s*\n?([\s\S]*?)\n?\s*```\s*$/i.exec(content);
  return fenced ? fenced[1]! : content;
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length)}…` : text;
}
