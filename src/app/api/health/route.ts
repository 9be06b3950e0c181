import { db } from "@/server/db";

export const dynamic = "force-dynamic";

/** Liveness and database check, for operators and for test harnesses waiting on the server. */
export async function GET() {
  await db().$queryRaw`SELECT 1`;
  return Response.json({ ok: true });
}
