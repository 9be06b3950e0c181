// The SQL the batch writers send: multi-row INSERTs and UPDATE … FROM (VALUES …), with values
// bound by position from rows in column order (no object per row). Table and column names come
// from the engine's own lists, never from input.
//
// SQLite binds `?` and takes any value in any column. PostgreSQL binds `$1, $2, …` and types an
// untyped parameter from where it stands: an INSERT's VALUES take their columns' types, but the
// VALUES list an UPDATE reads from stands alone, so every PostgreSQL placeholder carries its
// column's type. Times are bound as ISO 8601 text; a `timestamp` column drops the offset, which is
// always +00:00 here, and keeps the UTC time, as Prisma stores DateTime on PostgreSQL.
export type Dialect = "sqlite" | "postgres";

const INTEGER_COLUMNS = new Set(["total", "succeeded", "failed", "skipped", "cancelled", "attempts", "position", "durationMs", "seq"]);
const TIME_COLUMNS = new Set(["queuedAt", "startedAt", "endedAt", "createdAt"]);

function postgresType(column: string): string {
  if (INTEGER_COLUMNS.has(column)) return "integer";
  if (TIME_COLUMNS.has(column)) return "timestamp(3)";
  return "text";
}

/** `rows` groups of placeholders for `columns`, numbered on from 1 for PostgreSQL. */
function valueList(columns: readonly string[], rows: number, dialect: Dialect): string {
  if (dialect === "sqlite") {
    const row = `(${columns.map(() => "?").join(", ")})`;
    return Array.from({ length: rows }, () => row).join(", ");
  }
  const types = columns.map(postgresType);
  let next = 1;
  return Array.from({ length: rows }, () => `(${types.map((type) => `$${next++}::${type}`).join(", ")})`).join(", ");
}

export function insertSql(table: string, columns: readonly string[], rows: number, dialect: Dialect = "sqlite"): string {
  return `INSERT INTO "${table}" (${columns.map((column) => `"${column}"`).join(", ")}) VALUES ${valueList(columns, rows, dialect)}`;
}

/** Rows of an update list the changed columns, then the id. */
export function updateSql(table: string, columns: readonly string[]): string {
  return `UPDATE "${table}" SET ${columns.map((column) => `"${column}" = ?`).join(", ")} WHERE "id" = ?`;
}

/**
 * One UPDATE … FROM (VALUES …) for `rows` rows (ids unique; rows that no longer exist are
 * skipped). VALUES names its columns column1, column2, … in both databases; the id comes last.
 */
export function updateManySql(table: string, columns: readonly string[], rows: number, dialect: Dialect = "sqlite"): string {
  const assignments = columns.map((column, index) => `"${column}" = changed.column${index + 1}`).join(", ");
  return (
    `UPDATE "${table}" SET ${assignments} ` +
    `FROM (VALUES ${valueList([...columns, "id"], rows, dialect)}) AS changed ` +
    `WHERE "${table}"."id" = changed.column${columns.length + 1}`
  );
}
