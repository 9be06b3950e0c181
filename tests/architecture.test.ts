// The layering and size rules, checked on the source itself. Providers and the generation engine
// serve every domain, so they must not depend on one: nothing under src/server/providers or
// src/server/generation imports from src/server/features (domains plug in from the composition
// root, src/server/app-services.ts). And no source file under src/ grows past 400 lines.
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const sourceRoot = path.join(root, "src");
const featuresRoot = path.join(sourceRoot, "server", "features");
const DOMAIN_FREE_ROOTS = ["src/server/providers", "src/server/generation"];
const MAX_LINES = 400;
/** The generated Prisma client: not written by hand, not in git. */
const GENERATED_ROOT = path.join(sourceRoot, "generated");
const CODE_EXTENSIONS = new Set([".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".css"]);

// Known violations, each with what fixes it. An entry fails the test once its file complies, so
// the list only shrinks: delete the entry in the change that fixes the file.
const KNOWN_FEATURE_IMPORTS: Readonly<Record<string, string>> = {
};
const KNOWN_LONG_FILES: Readonly<Record<string, string>> = {
};

function filesUnder(directory: string): string[] {
  if (directory === GENERATED_ROOT) return [];
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const entryPath = path.join(directory, entry.name);
    if (entry.isDirectory()) return filesUnder(entryPath);
    return CODE_EXTENSIONS.has(path.extname(entry.name)) ? [entryPath] : [];
  });
}

const relative = (file: string) => path.relative(root, file).split(path.sep).join("/");

function isInside(file: string, directory: string): boolean {
  const fromDirectory = path.relative(directory, file);
  return fromDirectory === "" || (!fromDirectory.startsWith("..") && !path.isAbsolute(fromDirectory));
}

/** Where a module specifier points on disk: relative paths and the "@/" alias; packages are undefined. */
function resolveSpecifier(file: string, specifier: string): string | undefined {
  if (specifier.startsWith("@/")) return path.join(sourceRoot, specifier.slice(2));
  if (specifier.startsWith(".")) return path.resolve(path.dirname(file), specifier);
  return undefined;
}

/**
 * The specifiers of a file's imports that lead into src/server/features. TypeScript's own scanner
 * finds every form (import, import type, export … from, side-effect imports, import(), require)
 * and skips comments and strings.
 */
function featureImports(file: string, text: string): string[] {
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((imported) => imported.fileName)
    .filter((specifier) => {
      const target = resolveSpecifier(file, specifier);
      return target !== undefined && isInside(target, featuresRoot);
    });
}

function lineCount(text: string): number {
  // Like `wc -l` on a file that ends with a newline.
  return text.length === 0 ? 0 : text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}

function featureImportViolations(): Map<string, string[]> {
  const violations = new Map<string, string[]>();
  for (const file of DOMAIN_FREE_ROOTS.flatMap((directory) => filesUnder(path.join(root, directory)))) {
    if (path.extname(file) === ".css") continue;
    const specifiers = featureImports(file, fs.readFileSync(file, "utf8"));
    if (specifiers.length > 0) violations.set(relative(file), specifiers);
  }
  return violations;
}

function longFiles(): Map<string, number> {
  const long = new Map<string, number>();
  for (const file of filesUnder(sourceRoot)) {
    const lines = lineCount(fs.readFileSync(file, "utf8"));
    if (lines > MAX_LINES) long.set(relative(file), lines);
  }
  return long;
}

describe("domain-free layers", () => {
  it("finds every form of import that leads into src/server/features, and nothing else", () => {
    const file = path.join(root, "src/server/providers/offline/example.ts");
    const text = [
      'import type { Scene } from "../../features/story/schemas";',
      'export { isTeamMember } from "@/server/features/teams/membership";',
      'import "../../features";',
      "const later = () => import('../../../server/features/story/story-offline');",
      '// import { x } from "../../features/story/commented-out";',
      'const text = "import y from \'../../features/in-a-string\'";',
      'import { featuresque } from "../../featuresque";',
      'import { z } from "zod";',
      'import { hashString } from "../seeded-random";',
    ].join("\n");
    expect(featureImports(file, text)).toEqual([
      "../../features/story/schemas",
      "@/server/features/teams/membership",
      "../../features",
      "../../../server/features/story/story-offline",
    ]);
  });

  it("no file under src/server/providers or src/server/generation imports from src/server/features", () => {
    const unexpected = [...featureImportViolations()]
      .filter(([file]) => !(file in KNOWN_FEATURE_IMPORTS))
      .map(([file, specifiers]) => `${file} imports ${specifiers.join(", ")}`);
    expect(unexpected).toEqual([]);
  });

  it("every known feature import is still there (delete its entry once the file is fixed)", () => {
    const violations = featureImportViolations();
    expect(Object.keys(KNOWN_FEATURE_IMPORTS).filter((file) => !violations.has(file))).toEqual([]);
  });
});

describe("file size", () => {
  it(`no source file under src/ is over ${MAX_LINES} lines`, () => {
    const offenders = [...longFiles()].filter(([file]) => !(file in KNOWN_LONG_FILES)).map(([file, lines]) => `${file}: ${lines} lines`);
    expect(offenders).toEqual([]);
  });

  it("every known long file is still long (delete its entry once the file is split)", () => {
    const long = longFiles();
    expect(Object.keys(KNOWN_LONG_FILES).filter((file) => !long.has(file))).toEqual([]);
  });
});
