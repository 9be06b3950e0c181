import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { AppHeader } from "@/components/app-header";
import { db } from "@/server/db";
import { ensureActiveTeam } from "@/server/features/teams/active-team";
import { getSession } from "@/server/session";

export default async function AppLayout({ children }: { children: ReactNode }) {
  const session = await getSession();
  if (!session) redirect("/sign-in");
  await ensureActiveTeam(db(), session.session);
  return (
    <>
      <AppHeader userName={session.user.name} />
      <main className="mx-auto max-w-6xl px-4 py-8 sm:px-6">{children}</main>
    </>
  );
}
