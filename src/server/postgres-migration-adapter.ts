// The pg driver adapter as the Prisma CLI's migrations use it (prisma.config.ts), with the two
// workarounds @prisma/adapter-pg 6.19.3 needs there (prisma/orm#27403):
// - the schema engine reads PostgreSQL's catalogs, whose `name` and `"char"` columns (type ids 19
//   and 18) the adapter cannot map and refuses; pg already reads them as strings, so their columns
//   are reported as text;
// - the adapter's shadow database (for `migrate dev` and `migrate diff`) spreads its settings over
//   the database name, and a connection string wins over that name, so the "shadow" would be the
//   database itself: the shadow gets a connection string of its own here.
// It also sends a migration script in one call: the adapter splits scripts at every ";", even one
// inside a comment or a string.
import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";

const NAME = 19;
const CHAR = 18;
const TEXT = 25;

interface Fields {
  fields?: Array<{ dataTypeID: number }>;
}

function catalogColumnsAsText<T>(result: T): T {
  for (const field of (result as Fields | undefined)?.fields ?? []) {
    if (field.dataTypeID === NAME || field.dataTypeID === CHAR) field.dataTypeID = TEXT;
  }
  return result;
}

/** A pg client whose results report `name` and `"char"` columns as text. */
class CatalogTextClient extends pg.Client {
  // pg's query has many overloads (promise, callback, submittable); this forwards all of them.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const last = args.at(-1);
    if (typeof last === "function") {
      args[args.length - 1] = (error: unknown, result: unknown) => last(error, error ? result : catalogColumnsAsText(result));
      return (super.query as (...forwarded: unknown[]) => unknown)(...args);
    }
    const result = (super.query as (...forwarded: unknown[]) => unknown)(...args);
    return result instanceof Promise ? result.then(catalogColumnsAsText) : result;
  }
}

type Adapter = Awaited<ReturnType<PrismaPg["connect"]>>;

async function connect(connectionString: string): Promise<Adapter> {
  const adapter = await new PrismaPg({ connectionString, Client: CatalogTextClient, max: 2 }).connect();
  const pool = adapter.underlyingDriver() as pg.Pool;
  adapter.executeScript = async (script: string) => {
    try {
      await pool.query(script);
    } catch (error) {
      (adapter as unknown as { onError(error: unknown): never }).onError(error);
    }
  };
  return adapter;
}

export function migrationPostgresAdapter(databaseUrl: string): SqlMigrationAwareDriverAdapterFactory {
  const base = new PrismaPg({ connectionString: databaseUrl });
  return {
    provider: base.provider,
    adapterName: base.adapterName,
    connect: () => connect(databaseUrl),
    async connectToShadowDb() {
      const main = await connect(databaseUrl);
      const name = `prisma_migrate_shadow_db_${randomUUID()}`;
      await main.executeScript(`CREATE DATABASE "${name}"`);
      const url = new URL(databaseUrl);
      url.pathname = `/${name}`;
      const shadow = await connect(url.toString());
      const disposeShadow = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        await disposeShadow();
        await main.executeScript(`DROP DATABASE "${name}"`);
        await main.dispose();
      };
      return shadow;
    },
  };
}
