// Code that runs in the browser takes the API's types from the router (src/trpc/router-types.ts),
// never from server modules: a server import in a client file drags server code (or at least its
// shape) into the bundle and couples components to how the server is built.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";

const source = path.resolve(import.meta.dirname, "../../src");

function filesUnder(directory: string): string[] {
  return fs
    .readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

const isClientModule = (text: string) => /^\s*(\/\/[^\n]*\n\s*)*["']use client["']/.test(text);

/** Client code: components, the tRPC client, browser helpers, and any "use client" module under src/app. */
function clientFiles(): string[] {
  const always = ["components", "trpc", "lib"].flatMap((folder) => filesUnder(path.join(source, folder)));
  const app = filesUnder(path.join(source, "app")).filter((file) => isClientModule(fs.readFileSync(file, "utf8")));
  return [...always, ...app];
}

/** Every module specifier a file imports or re-exports, with whether the statement is type-only. */
function importsOf(text: string): Array<{ specifier: string; typeOnly: boolean; statement: string }> {
  const found: Array<{ specifier: string; typeOnly: boolean; statement: string }> = [];
  const pattern = /^\s*(import|export)\s+(type\s+)?([^;]*?)\s*from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/gm;
  for (const match of text.matchAll(pattern)) {
    const specifier = match[4] ?? match[5]!;
    found.push({ specifier, typeOnly: Boolean(match[2]), statement: match[0].trim() });
  }
  return found;
}

function reachesServer(file: string, specifier: string): boolean {
  if (specifier === "@/server" || specifier.startsWith("@/server/")) return true;
  if (!specifier.startsWith(".")) return false;
  const target = path.resolve(path.dirname(file), specifier);
  return target === path.join(source, "server") || target.startsWith(path.join(source, "server") + path.sep);
}

describe("client code", () => {
  test("finds the client files it checks", () => {
    const files = clientFiles().map((file) => path.relative(source, file));
    expect(files).toContain(path.join("components", "story", "scene-card.tsx"));
    expect(files).toContain(path.join("trpc", "react.tsx"));
  });

  test("reads import statements, type-only or not, single- or multi-line", () => {
    const text = 'import type { A } from "@/server/a";\nimport {\n  b,\n  c,\n} from "../server/b";\nconst d = import("@/server/d");\n';
    expect(importsOf(text).map(({ specifier, typeOnly }) => [specifier, typeOnly])).toEqual([
      ["@/server/a", true],
      ["../server/b", false],
      ["@/server/d", false],
    ]);
  });

  test("imports nothing from src/server but the AppRouter type, in src/trpc", () => {
    const offending: string[] = [];
    for (const file of clientFiles()) {
      const relative = path.relative(source, file);
      for (const { specifier, typeOnly, statement } of importsOf(fs.readFileSync(file, "utf8"))) {
        if (!reachesServer(file, specifier)) continue;
        const appRouterType = typeOnly && specifier === "@/server/api/root" && /^import type \{ AppRouter \}/.test(statement);
        if (appRouterType && relative.startsWith(`trpc${path.sep}`)) continue;
        offending.push(`${relative}: ${statement.replace(/\s+/g, " ")}`);
      }
    }
    expect(offending).toEqual([]);
  });
});
