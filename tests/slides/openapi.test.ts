// The OpenAPI document lists exactly the batch API's routes: every route file under
// src/app/api/v1 with each HTTP method it exports, and nothing else. It is valid JSON of OpenAPI
// 3.1 whose request schemas are the ones the handlers validate with.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { GET as openApiRoute } from "@/app/api/v1/openapi.json/route";
import { openApiDocument } from "@/server/api/v1/openapi";

const apiRoot = path.resolve(import.meta.dirname, "../../src/app/api/v1");
const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

function routeFiles(directory: string): string[] {
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const entryPath = path.join(directory, entry.name);
    if (entry.isDirectory()) return routeFiles(entryPath);
    return /^route\.(ts|tsx|js)$/.test(entry.name) ? [entryPath] : [];
  });
}

/** "decks/[deckId]/route.ts" → "/api/v1/decks/{deckId}". */
function apiPathOf(file: string): string {
  const segments = path.relative(apiRoot, path.dirname(file)).split(path.sep).filter(Boolean);
  return ["/api/v1", ...segments.map((segment) => segment.replace(/^\[(\w+)\]$/, "{$1}"))].join("/");
}

async function routesOnDisk(): Promise<string[]> {
  const routes: string[] = [];
  for (const file of routeFiles(apiRoot)) {
    const module = (await import(file)) as Record<string, unknown>;
    for (const method of HTTP_METHODS) if (typeof module[method] === "function") routes.push(`${method} ${apiPathOf(file)}`);
  }
  return routes.sort();
}

function routesInDocument(): string[] {
  return Object.entries(openApiDocument().paths)
    .flatMap(([route, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${route}`))
    .sort();
}

describe("the OpenAPI document", () => {
  test("lists exactly the routes under src/app/api/v1, with their methods", async () => {
    const onDisk = await routesOnDisk();
    expect(onDisk.length).toBeGreaterThanOrEqual(9);
    expect(routesInDocument()).toEqual(onDisk);
  });

  test("is served as OpenAPI 3.1 with the deck request's limits and the error shape", async () => {
    const response = openApiRoute();
    expect(response.headers.get("content-type")).toContain("application/json");
    const document = (await response.json()) as ReturnType<typeof openApiDocument>;
    expect(document.openapi).toBe("3.1.0");
    const request = document.paths["/api/v1/decks"].post.requestBody.content["application/json"].schema as {
      required: string[];
      properties: Record<string, { maxItems?: number; enum?: string[]; default?: unknown }>;
    };
    expect(request.required).toEqual(["slides", "style_prompt"]);
    expect(request.properties.slides!.maxItems).toBe(100);
    expect(request.properties.aspect_ratio).toMatchObject({ enum: ["16:9", "4:3", "1:1", "9:16"], default: "16:9" });
    expect(document.components.schemas.Error).toMatchObject({ required: ["error"] });
    // Every operation says who may call it.
    for (const operations of Object.values(document.paths)) {
      for (const operation of Object.values(operations)) expect(operation).toHaveProperty("security");
    }
  });
});
