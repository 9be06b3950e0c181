// Builds a value that satisfies a JSON schema (as produced by zod's toJSONSchema), without a model.
// The offline provider uses it for object kinds it has no hand-written generator for, and the fake
// OpenAI-compatible server uses it to answer `response_format: json_schema` requests, so both stay
// schema-valid as features add new schemas.

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema | JsonSchema[];
  prefixItems?: JsonSchema[];
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
  default?: unknown;
  additionalProperties?: boolean | JsonSchema;
  [key: string]: unknown;
};

export interface SampleOptions {
  /** Picks among choices (enum members, array lengths, words) so different seeds give different values. */
  random?: () => number;
  /** How many items an array gets when its schema allows any number; default 2. */
  preferredArrayLength?: number;
}

const WORDS = [
  "amber", "harbour", "lantern", "quiet", "river", "copper", "meadow", "storm", "velvet", "orchard",
  "signal", "winter", "garden", "silver", "bridge", "ember", "tide", "market", "compass", "willow",
];

/** A value that validates against `schema`; deterministic for a given `random`. */
export function sampleFromJsonSchema(schema: JsonSchema, options: SampleOptions = {}): unknown {
  const random = options.random ?? constantRandom;
  const context: SampleContext = {
    root: schema,
    random,
    preferredArrayLength: options.preferredArrayLength ?? 2,
    counter: 0,
    depth: 0,
  };
  return sample(schema, context, "value");
}

interface SampleContext {
  root: JsonSchema;
  random: () => number;
  preferredArrayLength: number;
  counter: number;
  depth: number;
}

function constantRandom(): number {
  return 0.5;
}

function resolveReference(reference: string, context: SampleContext): JsonSchema {
  // Only local references ("#", "#/$defs/Name") appear in zod's output.
  if (reference === "#") return context.root;
  const parts = reference.replace(/^#\//, "").split("/");
  let node: unknown = context.root;
  for (const part of parts) {
    node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return (node as JsonSchema | undefined) ?? {};
}

function sample(schema: JsonSchema, context: SampleContext, label: string): unknown {
  if (schema.$ref) {
    // Recursive schemas (a tree of nodes) stop at a safe depth by choosing the smallest value.
    if (context.depth > 8) return null;
    context.depth += 1;
    try {
      return sample({ ...resolveReference(schema.$ref, context), ...withoutKey(schema, "$ref") }, context, label);
    } finally {
      context.depth -= 1;
    }
  }
  if (schema.const !== undefined) return schema.const;
  if (schema.enum && schema.enum.length > 0) return pick(schema.enum, context);
  if (schema.allOf && schema.allOf.length > 0) {
    const merged = schema.allOf.reduce<JsonSchema>((accumulator, part) => mergeSchemas(accumulator, part), withoutKey(schema, "allOf"));
    return sample(merged, context, label);
  }
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives && alternatives.length > 0) {
    // Prefer a non-null alternative: a null is valid but tells the caller nothing.
    const useful = alternatives.filter((alternative) => alternative.type !== "null");
    return sample(useful[0] ?? alternatives[0]!, context, label);
  }

  const type = pickType(schema);
  switch (type) {
    case "object":
      return sampleObject(schema, context);
    case "array":
      return sampleArray(schema, context, label);
    case "string":
      return sampleString(schema, context, label);
    case "integer":
      return sampleNumber(schema, context, true);
    case "number":
      return sampleNumber(schema, context, false);
    case "boolean":
      return context.random() < 0.5;
    case "null":
      return null;
    default:
      return sampleString(schema, context, label);
  }
}

function pickType(schema: JsonSchema): string {
  if (Array.isArray(schema.type)) return schema.type.find((type) => type !== "null") ?? "null";
  if (schema.type) return schema.type;
  if (schema.properties) return "object";
  if (schema.items || schema.prefixItems) return "array";
  return "string";
}

function sampleObject(schema: JsonSchema, context: SampleContext): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  // Every declared property is filled, optional ones too: callers get a complete, realistic object.
  for (const [key, propertySchema] of Object.entries(schema.properties ?? {})) {
    result[key] = sample(propertySchema, context, key);
  }
  for (const key of schema.required ?? []) {
    if (!(key in result)) result[key] = sampleString({}, context, key);
  }
  return result;
}

function sampleArray(schema: JsonSchema, context: SampleContext, label: string): unknown[] {
  const minimum = schema.minItems ?? 0;
  const maximum = schema.maxItems ?? Number.POSITIVE_INFINITY;
  const prefix = schema.prefixItems ?? (Array.isArray(schema.items) ? schema.items : []);
  const rest = Array.isArray(schema.items) ? undefined : schema.items;
  let length = Math.max(minimum, Math.min(maximum, Math.max(prefix.length, context.preferredArrayLength)));
  if (!rest && prefix.length > 0) length = Math.min(length, prefix.length);
  const singular = label.endsWith("s") ? label.slice(0, -1) : label;
  const result: unknown[] = [];
  for (let index = 0; index < length; index += 1) {
    result.push(sample(prefix[index] ?? rest ?? {}, context, singular));
  }
  return result;
}

function sampleString(schema: JsonSchema, context: SampleContext, label: string): string {
  context.counter += 1;
  let value: string;
  switch (schema.format) {
    case "email":
      value = `person${context.counter}@example.com`;
      break;
    case "uri":
    case "url":
      value = `https://example.com/${context.counter}`;
      break;
    case "uuid":
      value = `00000000-0000-4000-8000-${String(context.counter).padStart(12, "0")}`;
      break;
    case "date-time":
      value = "2024-01-01T00:00:00.000Z";
      break;
    case "date":
      value = "2024-01-01";
      break;
    default: {
      const readable = label.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
      value = `${readable} ${pick(WORDS, context)} ${context.counter}`;
    }
  }
  const minimum = schema.minLength ?? 0;
  const maximum = schema.maxLength ?? Number.POSITIVE_INFINITY;
  while (value.length < minimum) value += ` ${pick(WORDS, context)}`;
  if (value.length > maximum) value = value.slice(0, maximum).trimEnd().padEnd(Math.min(minimum, maximum), "x");
  return value;
}

function sampleNumber(schema: JsonSchema, context: SampleContext, integer: boolean): number {
  let low = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + (integer ? 1 : 1e-6) : 0);
  let high = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - (integer ? 1 : 1e-6) : low + 10);
  // zod writes safe-integer bounds for z.int(); keep samples small and readable anyway.
  if (high - low > 100) high = low + 100;
  if (high < low) high = low;
  if (integer) {
    low = Math.ceil(low);
    high = Math.floor(high);
  }
  let value = low + (high - low) * context.random();
  if (integer) value = Math.round(value);
  else value = Math.round(value * 100) / 100;
  if (schema.multipleOf) value = Math.ceil(low / schema.multipleOf) * schema.multipleOf;
  return Math.min(Math.max(value, low), high);
}

function pick<T>(choices: readonly T[], context: SampleContext): T {
  return choices[Math.floor(context.random() * choices.length) % choices.length]!;
}

function withoutKey(schema: JsonSchema, key: string): JsonSchema {
  const copy = { ...schema };
  delete copy[key];
  return copy;
}

function mergeSchemas(left: JsonSchema, right: JsonSchema): JsonSchema {
  const merged: JsonSchema = { ...left, ...right };
  if (left.properties || right.properties) merged.properties = { ...left.properties, ...right.properties };
  if (left.required || right.required) merged.required = [...new Set([...(left.required ?? []), ...(right.required ?? [])])];
  return merged;
}
