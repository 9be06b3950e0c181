// Which database a DATABASE_URL names: a PostgreSQL server (`postgres://…` or `postgresql://…`),
// or else the embedded SQLite file (`file:…`, the default).
export function isPostgresUrl(databaseUrl: string): boolean {
  return /^postgres(ql)?:\/\//.test(databaseUrl);
}
