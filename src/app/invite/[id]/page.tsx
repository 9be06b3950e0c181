import { Logo } from "@/components/logo";
import { InvitationView } from "@/components/teams/invitation-view";
import { getSession } from "@/server/session";

export const metadata = { title: "Invitation" };

export default async function InvitationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const session = await getSession();
  return (
    <main className="flex min-h-screen flex-col items-center justify-center px-4 py-12">
      <div className="mb-8">
        <Logo />
      </div>
      <div className="w-full max-w-md rounded-2xl border border-stone-200 bg-white p-8 shadow-sm">
        <InvitationView invitationId={id} signedInEmail={session?.user.email ?? null} />
      </div>
    </main>
  );
}
