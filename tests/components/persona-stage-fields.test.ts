// The persona stage forms are drawn from field lists: every field of every stage's schema must
// have its input (and nothing else), and what a form sends must pass the server's schema.
import { describe, expect, test } from "vitest";
import { z } from "zod";
import { fieldErrorOf } from "@/components/personas/persona-errors";
import { blankItem, cleanValue, STAGE_FIELDS, type FieldSpec } from "@/components/personas/stage-fields";
import {
  authenticitySchema,
  bookSchema,
  coreSchema,
  networkSchema,
  postSchema,
  strategySchema,
  visualSchema,
} from "@/server/features/persona/schemas";

const SCHEMAS = {
  core: coreSchema,
  strategy: strategySchema,
  post: postSchema,
  network: networkSchema,
  authenticity: authenticitySchema,
  visual: visualSchema,
  book: bookSchema,
} as const;

/** The keys a form covers, nested records as "key.field". */
function formKeys(fields: FieldSpec[], prefix = ""): string[] {
  return fields.flatMap((field) => (field.kind === "objects" ? formKeys(field.fields, `${prefix}${field.key}.`) : [`${prefix}${field.key}`]));
}

/** The keys a schema has, records inside arrays as "key.field". */
function schemaKeys(schema: z.ZodObject, prefix = ""): string[] {
  return Object.entries(schema.shape).flatMap(([key, value]) => {
    const element = value instanceof z.ZodArray ? value.element : null;
    return element instanceof z.ZodObject ? schemaKeys(element, `${prefix}${key}.`) : [`${prefix}${key}`];
  });
}

describe("stage fields", () => {
  test.each(Object.keys(SCHEMAS) as Array<keyof typeof SCHEMAS>)("the %s form has an input for every field of its schema, and no other", (stage) => {
    expect(formKeys(STAGE_FIELDS[stage]).sort()).toEqual(schemaKeys(SCHEMAS[stage]).sort());
  });

  test("a form's cleaned value passes the schema: texts trimmed, empty list rows dropped, an empty age null", () => {
    const draft = {
      ...blankItem(STAGE_FIELDS.core),
      name: "  Mara Lindqvist ",
      age: null,
      personalityTraits: ["curious", "  ", " dry humour "],
      greetings: ["Hei! Tide's out — want to see what it left behind?"],
    };
    const cleaned = cleanValue(STAGE_FIELDS.core, draft);
    expect(cleaned).toMatchObject({ name: "Mara Lindqvist", age: null, personalityTraits: ["curious", "dry humour"] });
    expect(coreSchema.safeParse(cleaned).success).toBe(true);
  });

  test("records inside lists are cleaned too, and a new record starts with every field empty", () => {
    const entry = { ...blankItem(STAGE_FIELDS.book[0]!.kind === "objects" ? STAGE_FIELDS.book[0]!.fields : []), keys: [" harbour ", ""], content: " The old harbour. " };
    expect(entry).toMatchObject({ name: "" });
    const cleaned = cleanValue(STAGE_FIELDS.book, { entries: [entry] });
    expect(cleaned).toEqual({ entries: [{ name: "", keys: ["harbour"], content: "The old harbour." }] });
    expect(bookSchema.safeParse(cleaned).success).toBe(true);
  });
});

describe("fieldErrorOf", () => {
  test("reads the field the server refused and says what to do in words", () => {
    const error = { message: "interests.2: Too small: expected string to have >=1 characters", data: { field: "data.interests.2", fieldErrors: null } };
    expect(fieldErrorOf(error)).toEqual({ path: "interests.2", message: "This cannot be empty." });
  });

  test("reads input validation errors keyed by their path", () => {
    const error = { message: "At most 30 posts", data: { field: null, fieldErrors: { "data.text": "Too small: expected string to have >=1 characters" } } };
    expect(fieldErrorOf(error)).toEqual({ path: "text", message: "This cannot be empty." });
  });

  test("is null for an error about no field", () => {
    expect(fieldErrorOf({ message: "This persona is still generating.", data: { field: null, fieldErrors: null } })).toBeNull();
  });
});
