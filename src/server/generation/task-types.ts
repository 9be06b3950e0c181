// The task types the domains registered: what a task spec's `type` may name, which budget each
// draws from, and the schema its input is checked against before it runs.
import type { TaskKind, TaskType } from "./types";

export class TaskTypeRegistry {
  private readonly types = new Map<string, TaskType>();

  constructor(private readonly budgets: ReadonlySet<TaskKind>) {}

  register(types: readonly TaskType[]): void {
    for (const type of types) {
      if (this.types.has(type.name)) throw new Error(`Task type "${type.name}" is already registered`);
      if (!this.budgets.has(type.budget)) {
        throw new Error(`Task type "${type.name}" draws from budget "${type.budget}"; the budgets are ${[...this.budgets].join(", ")}`);
      }
    }
    for (const type of types) this.types.set(type.name, type);
  }

  get(name: string): TaskType | undefined {
    return this.types.get(name);
  }

  has(name: string): boolean {
    return this.types.has(name);
  }
}
