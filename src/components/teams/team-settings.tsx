"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { FormError, SelectField, TextField } from "@/components/ui/field";
import { authClient, authErrorMessage } from "@/lib/auth-client";
import { ApiKeys } from "./api-keys";
import { useTRPC } from "@/trpc/react";

type Role = "owner" | "admin" | "member";

function slugFor(name: string) {
  const base = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40) || "team";
  return `${base}-${crypto.randomUUID().slice(0, 8)}`;
}

function invitationLink(id: string) {
  return `${window.location.origin}/invite/${id}`;
}

export function TeamSettings() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const team = useQuery(trpc.teams.current.queryOptions());
  const teams = useQuery(trpc.teams.list.queryOptions());

  async function refresh() {
    await queryClient.invalidateQueries();
    router.refresh();
  }

  if (team.error) return <FormError message={team.error.message} />;
  if (!team.data) return <div className="h-64 animate-pulse rounded-2xl bg-stone-100" aria-label="Loading team" />;

  const current = team.data;
  const canManage = current.role === "owner" || current.role === "admin";
  const fallbackTeam = teams.data?.teams.find((entry) => entry.id !== current.id);

  return (
    <div className="grid gap-8 lg:grid-cols-[1fr_20rem]">
      <div className="space-y-8">
        <div>
          <p className="text-sm text-stone-500">Team settings</p>
          <h1 className="flex items-center gap-3 text-3xl font-semibold tracking-tight">
            <span data-testid="team-name">{current.name}</span>
            {current.personal ? <span className="rounded-full bg-stone-100 px-2.5 py-1 text-xs font-medium text-stone-600">Personal</span> : null}
          </h1>
          <p className="mt-1 text-sm text-stone-600">
            You are {current.role === "owner" ? "an owner" : current.role === "admin" ? "an admin" : "a member"} of this team.
          </p>
        </div>

        <Card>
          <h2 className="mb-4 text-lg font-semibold">Members</h2>
          <ul className="divide-y divide-stone-100" aria-label="Members">
            {current.members.map((member) => (
              <MemberRow key={member.id} member={member} teamId={current.id} canManage={canManage} myRole={current.role} onChange={refresh} />
            ))}
          </ul>
        </Card>

        {canManage ? <InviteCard teamId={current.id} invitations={current.invitations} onChange={refresh} /> : null}

        {canManage ? <ApiKeys /> : null}

        {!current.personal ? (
          <LeaveTeam
            teamId={current.id}
            teamName={current.name}
            nextTeamId={fallbackTeam?.id ?? null}
            onLeft={async () => {
              await refresh();
              router.push("/dashboard");
            }}
          />
        ) : null}
      </div>
      <aside>
        <CreateTeam onCreated={refresh} />
      </aside>
    </div>
  );
}

function MemberRow({
  member,
  teamId,
  canManage,
  myRole,
  onChange,
}: {
  member: { id: string; name: string; email: string; role: Role };
  teamId: string;
  canManage: boolean;
  myRole: Role;
  onChange: () => Promise<void>;
}) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const session = authClient.useSession();
  const isMe = session.data?.user.email === member.email;
  // Admins manage members and admins; only owners touch owners.
  const editable = canManage && !isMe && (myRole === "owner" || member.role !== "owner");

  async function changeRole(role: Role) {
    setPending(true);
    const { error } = await authClient.organization.updateMemberRole({ memberId: member.id, role, organizationId: teamId });
    setPending(false);
    setError(error ? authErrorMessage(error, "Could not change the role.") : null);
    await onChange();
  }

  async function remove() {
    if (!window.confirm(`Remove ${member.name} from the team?`)) return;
    setPending(true);
    const { error } = await authClient.organization.removeMember({ memberIdOrEmail: member.id, organizationId: teamId });
    setPending(false);
    setError(error ? authErrorMessage(error, "Could not remove the member.") : null);
    await onChange();
  }

  return (
    <li className="flex flex-wrap items-center gap-3 py-3">
      <span aria-hidden className="grid size-9 place-items-center rounded-full bg-indigo-100 text-sm font-semibold text-indigo-800">
        {member.name.slice(0, 1).toUpperCase()}
      </span>
      <div className="min-w-0 flex-1">
        <p className="truncate text-sm font-medium">
          {member.name} {isMe ? <span className="text-stone-500">(you)</span> : null}
        </p>
        <p className="truncate text-xs text-stone-500">{member.email}</p>
      </div>
      {editable ? (
        <>
          <select
            aria-label={`Role of ${member.name}`}
            value={member.role}
            disabled={pending}
            onChange={(event) => changeRole(event.target.value as Role)}
            className="rounded-lg border border-stone-300 bg-white px-2 py-1 text-sm"
          >
            <option value="member">Member</option>
            <option value="admin">Admin</option>
            {myRole === "owner" ? <option value="owner">Owner</option> : null}
          </select>
          <Button variant="danger" onClick={remove} pending={pending} aria-label={`Remove ${member.name}`}>
            Remove
          </Button>
        </>
      ) : (
        <span className="rounded-full bg-stone-100 px-2.5 py-1 text-xs font-medium capitalize text-stone-700">{member.role}</span>
      )}
      {error ? (
        <p role="alert" className="w-full text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </li>
  );
}

function InviteCard({
  teamId,
  invitations,
  onChange,
}: {
  teamId: string;
  invitations: { id: string; email: string; role: Role; expiresAt: Date }[];
  onChange: () => Promise<void>;
}) {
  const [error, setError] = useState<{ field?: "email"; message: string } | null>(null);
  const [pending, setPending] = useState(false);
  const [latest, setLatest] = useState<string | null>(null);

  async function invite(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const email = String(form.get("email") ?? "").trim().toLowerCase();
    const role = String(form.get("role")) as "member" | "admin";
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
      setError({ field: "email", message: "Enter a valid email address." });
      return;
    }
    setPending(true);
    const { data, error } = await authClient.organization.inviteMember({ email, role, organizationId: teamId });
    setPending(false);
    if (error || !data) {
      setError({ field: "email", message: authErrorMessage(error, "Could not create the invitation.") });
      return;
    }
    setError(null);
    setLatest(data.id);
    formElement.reset();
    await onChange();
  }

  async function cancel(invitationId: string) {
    const { error } = await authClient.organization.cancelInvitation({ invitationId });
    if (error) setError({ message: authErrorMessage(error, "Could not cancel the invitation.") });
    if (latest === invitationId) setLatest(null);
    await onChange();
  }

  return (
    <Card>
      <h2 className="text-lg font-semibold">Invite a teammate</h2>
      <p className="mb-4 text-sm text-stone-600">
        Storyforge sends no email: copy the invitation link and pass it on. The invitee signs in or signs up with that email
        address and joins.
      </p>
      <form onSubmit={invite} noValidate className="flex flex-wrap items-start gap-3" aria-label="Invite a teammate">
        <TextField label="Email" name="email" type="email" className="min-w-56 flex-1" error={error?.field === "email" ? error.message : null} required />
        <SelectField label="Role" name="role" defaultValue="member" className="w-32">
          <option value="member">Member</option>
          <option value="admin">Admin</option>
        </SelectField>
        <Button type="submit" pending={pending} className="mt-6">
          Create invitation
        </Button>
      </form>
      {error && !error.field ? <FormError message={error.message} /> : null}
      {invitations.length ? (
        <div className="mt-6">
          <h3 className="mb-2 text-sm font-semibold text-stone-700">Pending invitations</h3>
          <ul className="space-y-3" aria-label="Pending invitations">
            {invitations.map((invitation) => (
              <InvitationRow key={invitation.id} invitation={invitation} highlighted={invitation.id === latest} onCancel={() => cancel(invitation.id)} />
            ))}
          </ul>
        </div>
      ) : null}
    </Card>
  );
}

function InvitationRow({
  invitation,
  highlighted,
  onCancel,
}: {
  invitation: { id: string; email: string; role: Role; expiresAt: Date };
  highlighted: boolean;
  onCancel: () => void;
}) {
  const [copied, setCopied] = useState(false);
  const link = typeof window === "undefined" ? `/invite/${invitation.id}` : invitationLink(invitation.id);

  async function copy() {
    await navigator.clipboard?.writeText(link).catch(() => undefined);
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  }

  return (
    <li className={`rounded-xl border p-3 ${highlighted ? "border-indigo-300 bg-indigo-50" : "border-stone-200"}`}>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="font-medium">{invitation.email}</span>
        <span className="rounded-full bg-stone-100 px-2 py-0.5 text-xs capitalize text-stone-600">{invitation.role}</span>
        <span className="text-xs text-stone-500">expires {invitation.expiresAt.toLocaleDateString()}</span>
      </div>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <input
          readOnly
          value={link}
          aria-label={`Invitation link for ${invitation.email}`}
          data-testid="invitation-link"
          onFocus={(event) => event.currentTarget.select()}
          className="min-w-0 flex-1 rounded-lg border border-stone-300 bg-white px-2 py-1 font-mono text-xs"
        />
        <Button variant="secondary" onClick={copy}>
          {copied ? "Copied" : "Copy link"}
        </Button>
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </li>
  );
}

function LeaveTeam({
  teamId,
  teamName,
  nextTeamId,
  onLeft,
}: {
  teamId: string;
  teamName: string;
  nextTeamId: string | null;
  onLeft: () => Promise<void>;
}) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function leave() {
    if (!window.confirm(`Leave ${teamName}? You lose access to its projects, personas and decks.`)) return;
    setPending(true);
    const { error } = await authClient.organization.leave({ organizationId: teamId });
    if (error) {
      setPending(false);
      setError(authErrorMessage(error, "Could not leave the team."));
      return;
    }
    if (nextTeamId) await authClient.organization.setActive({ organizationId: nextTeamId });
    setPending(false);
    await onLeft();
  }

  return (
    <Card className="border-red-100">
      <h2 className="text-lg font-semibold">Leave team</h2>
      <p className="mb-4 text-sm text-stone-600">You can rejoin only with a new invitation. The last owner cannot leave.</p>
      <FormError message={error} />
      <Button variant="danger" onClick={leave} pending={pending} className="mt-2">
        Leave {teamName}
      </Button>
    </Card>
  );
}

function CreateTeam({ onCreated }: { onCreated: () => Promise<void> }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const name = String(new FormData(formElement).get("name") ?? "").trim();
    if (!name) return setError("Enter a team name.");
    if (name.length > 80) return setError("Use at most 80 characters.");
    setPending(true);
    const { data, error } = await authClient.organization.create({ name, slug: slugFor(name) });
    if (error || !data) {
      setPending(false);
      return setError(authErrorMessage(error, "Could not create the team."));
    }
    await authClient.organization.setActive({ organizationId: data.id });
    setPending(false);
    setError(null);
    formElement.reset();
    await onCreated();
  }

  return (
    <Card>
      <h2 className="text-lg font-semibold">Create a team</h2>
      <p className="mb-4 text-sm text-stone-600">Teams share projects, personas and decks. You become its owner.</p>
      <form onSubmit={create} noValidate className="space-y-3" aria-label="Create a team">
        <TextField label="Team name" name="name" error={error} maxLength={80} required />
        <Button type="submit" pending={pending} className="w-full">
          Create team
        </Button>
      </form>
    </Card>
  );
}
