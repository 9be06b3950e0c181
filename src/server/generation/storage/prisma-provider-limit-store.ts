// What the budgets learned about providers' limits, in the app's database (table provider_limit),
// so a restarted server starts from it.
import type { Database } from "@/server/db";
import type { LearnedLimits, ProviderLimitStore } from "../limits/provider-limits";

export function createPrismaProviderLimitStore(db: Database): ProviderLimitStore {
  return {
    async load(budget, identity) {
      const row = await db.providerLimit.findUnique({ where: { budget_identity: { budget, identity } } });
      if (!row) return null;
      return {
        window: row.window,
        limitSeen: row.limitSeen,
        ratePerSecond: row.ratePerSecond,
        roundTripMs: row.roundTripMs,
        updatedAt: row.updatedAt.getTime(),
      };
    },
    async save(budget, identity, limits: LearnedLimits) {
      const values = {
        window: limits.window,
        limitSeen: limits.limitSeen,
        ratePerSecond: limits.ratePerSecond,
        roundTripMs: limits.roundTripMs,
        updatedAt: new Date(limits.updatedAt),
      };
      await db.providerLimit.upsert({
        where: { budget_identity: { budget, identity } },
        create: { budget, identity, ...values },
        update: values,
      });
    },
  };
}
