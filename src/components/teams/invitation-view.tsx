"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button, ButtonLink } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { authClient, authErrorMessage } from "@/lib/auth-client";
import { useTRPC } from "@/trpc/react";

export function InvitationView({ invitationId, signedInEmail }: { invitationId: string; signedInEmail: string | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const invitation = useQuery(trpc.teams.invitation.queryOptions({ id: invitationId }));
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  if (invitation.error) {
    return (
      <>
        <h1 className="mb-2 text-2xl font-semibold">Invitation not found</h1>
        <p className="text-sm text-stone-600">This link is not valid. Ask your teammate for a new invitation.</p>
      </>
    );
  }
  if (!invitation.data) return <div className="h-32 animate-pulse rounded-xl bg-stone-100" aria-label="Loading invitation" />;

  const { teamName, inviterName, email, role, status } = invitation.data;
  const here = `/invite/${invitationId}`;
  const query = new URLSearchParams({ next: here, email }).toString();

  async function accept() {
    setPending(true);
    const { error } = await authClient.organization.acceptInvitation({ invitationId });
    if (error) {
      setPending(false);
      return setError(authErrorMessage(error, "Could not accept the invitation."));
    }
    // Accepting also makes the joined team the session's active team.
    await queryClient.invalidateQueries();
    router.push("/dashboard");
    router.refresh();
  }

  async function switchAccount() {
    await authClient.signOut();
    router.push(`/sign-in?${query}`);
  }

  return (
    <>
      <p className="text-sm text-stone-500">Invitation</p>
      <h1 className="mb-2 text-2xl font-semibold tracking-tight">Join {teamName}</h1>
      <p className="mb-6 text-sm text-stone-600">
        {inviterName} invited <strong>{email}</strong> to join <strong>{teamName}</strong> as {role === "admin" ? "an admin" : "a member"}.
      </p>
      {status !== "pending" ? (
        <FormError message={status === "expired" ? "This invitation has expired. Ask for a new one." : `This invitation was ${status}.`} />
      ) : !signedInEmail ? (
        <div className="space-y-3">
          <ButtonLink href={`/sign-up?${query}`} className="w-full">
            Create an account as {email}
          </ButtonLink>
          <ButtonLink href={`/sign-in?${query}`} variant="secondary" className="w-full">
            I already have an account
          </ButtonLink>
        </div>
      ) : signedInEmail.toLowerCase() !== email.toLowerCase() ? (
        <div className="space-y-3">
          <FormError message={`You are signed in as ${signedInEmail}, but this invitation is for ${email}.`} />
          <Button variant="secondary" onClick={switchAccount} className="w-full">
            Sign in as {email}
          </Button>
        </div>
      ) : (
        <div className="space-y-3">
          <FormError message={error} />
          <Button onClick={accept} pending={pending} className="w-full">
            Accept and join {teamName}
          </Button>
        </div>
      )}
    </>
  );
}
