// The outer tRPC context: reads the better-auth session from the request headers.
import { auth } from "@/server/auth";
import { db } from "@/server/db";
import { createInnerContext, type InnerContext } from "./trpc";

export async function createContext(headers: Headers): Promise<InnerContext> {
  const session = await auth().api.getSession({ headers });
  return createInnerContext({
    db: db(),
    user: session ? { id: session.user.id, name: session.user.name, email: session.user.email } : null,
    activeTeamId: session?.session.activeOrganizationId ?? null,
  });
}
