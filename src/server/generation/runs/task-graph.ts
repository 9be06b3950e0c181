// Checks task specs before they become part of a run: registered types, unique keys, known
// dependencies, no cycles.
import { AppError } from "@/server/errors";
import type { TaskSpec } from "../types";

/**
 * Validates `added` against the keys already in the run. Throws AppError(BAD_REQUEST) naming the
 * first problem. Existing tasks cannot depend on added ones, so a cycle can only lie among them.
 */
export function validateTaskSpecs(
  added: readonly TaskSpec[],
  existingKeys: ReadonlySet<string>,
  isRegisteredType: (type: string) => boolean,
): void {
  const addedKeys = new Set<string>();
  for (const spec of added) {
    if (typeof spec.key !== "string" || spec.key.length === 0 || spec.key.length > 200) {
      throw new AppError("BAD_REQUEST", "Every task needs a key of 1 to 200 characters");
    }
    if (!isRegisteredType(spec.type)) {
      throw new AppError("BAD_REQUEST", `Task "${spec.key}" has type "${String(spec.type)}", which no domain registered`);
    }
    if (existingKeys.has(spec.key) || addedKeys.has(spec.key)) {
      throw new AppError("BAD_REQUEST", `Task key "${spec.key}" is used twice in the run`);
    }
    addedKeys.add(spec.key);
  }
  for (const spec of added) {
    for (const dependency of spec.dependsOn ?? []) {
      if (!existingKeys.has(dependency) && !addedKeys.has(dependency)) {
        throw new AppError("BAD_REQUEST", `Task "${spec.key}" depends on unknown task "${dependency}"`);
      }
    }
  }
  assertAcyclic(added, addedKeys);
}

function assertAcyclic(added: readonly TaskSpec[], addedKeys: ReadonlySet<string>): void {
  // Only tasks with dependencies can close a cycle; most runs have few or none.
  const withDependencies = new Map<string, readonly string[]>();
  for (const spec of added) if (spec.dependsOn?.length) withDependencies.set(spec.key, spec.dependsOn);
  const state = new Map<string, "visiting" | "done">();
  const path: string[] = [];
  const visit = (key: string) => {
    const seen = state.get(key);
    if (seen === "done") return;
    if (seen === "visiting") {
      throw new AppError("BAD_REQUEST", `Tasks depend on each other in a cycle: ${[...path, key].join(" → ")}`);
    }
    state.set(key, "visiting");
    path.push(key);
    for (const dependency of withDependencies.get(key) ?? []) {
      if (addedKeys.has(dependency)) visit(dependency);
    }
    path.pop();
    state.set(key, "done");
  };
  for (const key of withDependencies.keys()) visit(key);
}
