// The SQL both batch writers send: multi-row INSERTs and UPDATE … FROM (VALUES …), with values
// bound by position from rows in column order (no object per row). Table and column names come
// from the engine's own lists, never from input.

export function insertSql(table: string, columns: readonly string[], rows: number): string {
  const placeholders = `(${columns.map(() => "?").join(", ")})`;
  return `INSERT INTO "${table}" (${columns.map((column) => `"${column}"`).join(", ")}) VALUES ${Array.from({ length: rows }, () => placeholders).join(", ")}`;
}

/** Rows of an update list the changed columns, then the id. */
export function updateSql(table: string, columns: readonly string[]): string {
  return `UPDATE "${table}" SET ${columns.map((column) => `"${column}" = ?`).join(", ")} WHERE "id" = ?`;
}

/**
 * One UPDATE … FROM (VALUES …) for `rows` rows (ids unique; rows that no longer exist are
 * skipped). VALUES names its columns column1, column2, …; the id comes last.
 */
export function updateManySql(table: string, columns: readonly string[], rows: number): string {
  const placeholders = `(${[...columns, "id"].map(() => "?").join(", ")})`;
  const assignments = columns.map((column, index) => `"${column}" = changed.column${index + 1}`).join(", ");
  return (
    `UPDATE "${table}" SET ${assignments} ` +
    `FROM (VALUES ${Array.from({ length: rows }, () => placeholders).join(", ")}) AS changed ` +
    `WHERE "${table}"."id" = changed.column${columns.length + 1}`
  );
}
