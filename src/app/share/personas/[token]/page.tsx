// The public page behind a persona's share link: outside the signed-in layout, read-only, the
// persona and nothing else of its team. A revoked, expired or unknown link is a 404.
import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { Logo } from "@/components/logo";
import { SharedPersona } from "@/components/personas/shared-persona";
import { createCaller } from "@/server/api/root";
import { createInnerContext } from "@/server/api/trpc";
import { db } from "@/server/db";

// Read on every request: a revoked link must stop working at once.
export const dynamic = "force-dynamic";

const readShared = cache(async (token: string) => {
  const caller = createCaller(createInnerContext({ db: db(), user: null, activeTeamId: null }));
  try {
    return await caller.persona.shared.get({ token });
  } catch (error) {
    // A token of the wrong shape reads like one that never existed.
    if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) notFound();
    throw error;
  }
});

export async function generateMetadata({ params }: { params: Promise<{ token: string }> }): Promise<Metadata> {
  const persona = await readShared((await params).token);
  return { title: persona.name, robots: { index: false, follow: false }, referrer: "no-referrer" };
}

export default async function SharedPersonaPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const persona = await readShared(token);
  return (
    <div className="min-h-screen">
      <header className="mx-auto flex max-w-5xl items-center justify-between px-4 py-5 sm:px-6">
        <Logo />
      </header>
      <main className="mx-auto max-w-5xl px-4 pb-16 sm:px-6">
        <SharedPersona persona={persona} token={token} />
      </main>
    </div>
  );
}
