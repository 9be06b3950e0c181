// The batch API's OpenAPI 3.1 document, generated from the zod schemas the handlers validate with
// (z.toJSONSchema), so the document and the API cannot disagree. tests/slides/openapi.test.ts
// checks that its paths and methods are exactly the route files under src/app/api/v1.
import { z } from "zod";
import {
  activeBody,
  apiErrorBody,
  createDeckRequest,
  deckAccepted,
  deckStatusBody,
  optimalWorkersBody,
  optimalWorkersQuery,
  validateBody,
  validateRequest,
} from "@/server/features/slides/batch-schemas";
import { EXPORT_CONTENT_TYPES } from "@/server/features/slides/exports/export-deck";
import { exportQuery, slideImageQuery } from "./decks";

type JsonSchema = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: "input" | "output" = "output"): JsonSchema {
  const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return jsonSchema;
}

function queryParameters(schema: z.ZodObject): JsonSchema[] {
  const json = schemaOf(schema, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: "query",
    required: json.required?.includes(name) ?? false,
    schema: property,
  }));
}

const pathParameter = (name: string, description: string, schema: JsonSchema = { type: "string" }) => ({ name, in: "path", required: true, description, schema });
const deckId = pathParameter("deckId", "The deck's id, as returned by POST /api/v1/decks");

const jsonContent = (schema: JsonSchema) => ({ "application/json": { schema } });
const errorResponse = (description: string) => ({ description, content: jsonContent({ $ref: "#/components/schemas/Error" }) });
const ERRORS = {
  "400": errorResponse("BAD_REQUEST: the request is invalid; `details` names each field's problem"),
  "401": errorResponse("UNAUTHORIZED: no key, an unknown key, or a revoked key"),
  "404": errorResponse("NOT_FOUND: no such deck for this key's team (another team's deck included)"),
};
const OPERATOR_ERRORS = {
  "401": errorResponse("UNAUTHORIZED: neither the operator key nor a session"),
  "403": errorResponse("FORBIDDEN: a session of a member who is not an owner or admin of the active team"),
};
const TEAM_KEY = [{ teamKey: [] }];
const OPERATOR = [{ operatorKey: [] }, { session: [] }];

export function openApiDocument() {
  return {
    openapi: "3.1.0",
    info: {
      title: "Storyforge batch API",
      version: "1.0.0",
      description:
        "Render slide decks from scripts: one image per slide in one shared style. Authenticate with a team API key " +
        "(`Authorization: Bearer sfk_…`, created by team owners and admins in Team settings). Errors are " +
        "`{ error: { code, message, details? } }` with a stable code.",
    },
    components: {
      securitySchemes: {
        teamKey: { type: "http", scheme: "bearer", description: "A team API key (sfk_…)" },
        operatorKey: { type: "http", scheme: "bearer", description: "The server's OPERATOR_API_KEY" },
        session: { type: "apiKey", in: "cookie", name: "better-auth.session_token", description: "A signed-in owner or admin of their active team" },
      },
      schemas: { Error: schemaOf(apiErrorBody) },
    },
    paths: {
      "/api/v1/decks": {
        post: {
          operationId: "createDeck",
          summary: "Create a deck and start rendering it",
          security: TEAM_KEY,
          requestBody: { required: true, content: jsonContent(schemaOf(createDeckRequest, "input")) },
          responses: {
            "202": {
              description: "Accepted: the deck renders in the background (or waits in line); follow it at status_url or events_url",
              headers: { Location: { description: "The deck's status URL", schema: { type: "string" } } },
              content: jsonContent(schemaOf(deckAccepted)),
            },
            ...ERRORS,
            "409": errorResponse("CONFLICT: the server is shutting down"),
            "413": errorResponse("PAYLOAD_TOO_LARGE: the body is over 2 MB"),
            "429": errorResponse("TOO_MANY_REQUESTS: the team already has 20 decks generating or waiting"),
          },
        },
      },
      "/api/v1/decks/{deckId}": {
        get: {
          operationId: "getDeck",
          summary: "A deck's status and per-slide results, with image URLs",
          security: TEAM_KEY,
          parameters: [deckId],
          responses: { "200": { description: "The deck", content: jsonContent(schemaOf(deckStatusBody)) }, ...ERRORS },
        },
      },
      "/api/v1/decks/{deckId}/events": {
        get: {
          operationId: "followDeck",
          summary: "The deck's run events as Server-Sent Events",
          description:
            "Each message has `id:` (the event's sequence number) and `data:` (the event as JSON: runId, seq, type, payload, createdAt). " +
            "Reconnect with the Last-Event-ID header to resume without gaps or duplicates. A `: ping` comment comes every 15 s. " +
            "The stream ends after the run-end event.",
          security: TEAM_KEY,
          parameters: [deckId, { name: "Last-Event-ID", in: "header", required: false, schema: { type: "string" } }],
          responses: {
            "200": { description: "The event stream", content: { "text/event-stream": { schema: { type: "string" } } } },
            "204": { description: "The run has ended and every event after Last-Event-ID has been sent" },
            ...ERRORS,
          },
        },
      },
      "/api/v1/decks/{deckId}/export": {
        get: {
          operationId: "exportDeck",
          summary: "The deck as PPTX, PDF, or a zip of its images with manifest.json",
          security: TEAM_KEY,
          parameters: [deckId, ...queryParameters(exportQuery)],
          responses: {
            "200": {
              description: "The file",
              content: Object.fromEntries(Object.values(EXPORT_CONTENT_TYPES).map((type) => [type, { schema: { type: "string", format: "binary" } }])),
            },
            ...ERRORS,
          },
        },
      },
      "/api/v1/decks/{deckId}/slides/{position}/image": {
        get: {
          operationId: "getSlideImage",
          summary: "A slide's image: the given version, or the current one",
          security: TEAM_KEY,
          parameters: [deckId, pathParameter("position", "The slide's position, from 1", { type: "integer", minimum: 1 }), ...queryParameters(slideImageQuery)],
          responses: {
            "200": {
              description: "The picture (PNG; WebP for the thumbnail)",
              content: { "image/png": { schema: { type: "string", format: "binary" } }, "image/webp": { schema: { type: "string", format: "binary" } } },
            },
            ...ERRORS,
          },
        },
      },
      "/api/v1/ops/active": {
        get: {
          operationId: "activeCount",
          summary: "Decks and runs generating and waiting, workers in use, each budget's window and measurements",
          security: OPERATOR,
          responses: { "200": { description: "The server's load", content: jsonContent(schemaOf(activeBody)) }, ...OPERATOR_ERRORS },
        },
      },
      "/api/v1/ops/validate": {
        post: {
          operationId: "validateConfiguration",
          summary: "What a batch of this many slides at this many workers will meet: clamping, the line, rate limits",
          security: OPERATOR,
          requestBody: { required: true, content: jsonContent(schemaOf(validateRequest, "input")) },
          responses: { "200": { description: "The verdict", content: jsonContent(schemaOf(validateBody)) }, "400": ERRORS["400"], ...OPERATOR_ERRORS },
        },
      },
      "/api/v1/ops/optimal-workers": {
        get: {
          operationId: "optimalWorkers",
          summary: "The useful number of workers for a slide count, from the engine's measurements (r·L)",
          security: OPERATOR,
          parameters: queryParameters(optimalWorkersQuery),
          responses: { "200": { description: "The recommendation", content: jsonContent(schemaOf(optimalWorkersBody)) }, "400": ERRORS["400"], ...OPERATOR_ERRORS },
        },
      },
      "/api/v1/openapi.json": {
        get: {
          operationId: "openApiDocument",
          summary: "This document",
          security: [],
          responses: { "200": { description: "The OpenAPI 3.1 document", content: jsonContent({ type: "object" }) } },
        },
      },
    },
  };
}
