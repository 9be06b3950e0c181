"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useState } from "react";
import { Logo } from "@/components/logo";
import { ProviderBadge } from "@/components/provider-badge";
import { Button } from "@/components/ui/button";
import { authClient } from "@/lib/auth-client";
import { useTRPC } from "@/trpc/react";

const links = [
  { href: "/dashboard", label: "Dashboard" },
  { href: "/personas", label: "Personas" },
  { href: "/decks", label: "Decks" },
  { href: "/team", label: "Team settings" },
];
/** Shown to owners and admins of the active team, the people the operations router answers. */
const operationsLink = { href: "/operations", label: "Operations" };

export function AppHeader({ userName }: { userName: string }) {
  const pathname = usePathname();
  const router = useRouter();
  const [signingOut, setSigningOut] = useState(false);
  const operator = useIsOperator();

  async function signOut() {
    setSigningOut(true);
    await authClient.signOut();
    router.replace("/");
    router.refresh();
  }

  return (
    <header className="border-b border-stone-200 bg-white/80 backdrop-blur">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-3 px-4 py-3 sm:px-6">
        <Logo href="/dashboard" />
        <nav aria-label="Main" className="flex flex-wrap gap-1">
          {[...links, ...(operator ? [operationsLink] : [])].map((link) => (
            <Link
              key={link.href}
              href={link.href}
              aria-current={pathname === link.href || pathname.startsWith(`${link.href}/`) ? "page" : undefined}
              className="whitespace-nowrap rounded-lg px-3 py-1.5 text-sm text-stone-600 hover:bg-stone-100 aria-[current=page]:bg-stone-100 aria-[current=page]:font-medium aria-[current=page]:text-stone-900"
            >
              {link.label}
            </Link>
          ))}
        </nav>
        <div className="ml-auto flex flex-wrap items-center gap-3">
          <ProviderBadge />
          <TeamSwitcher />
          <span className="hidden text-sm text-stone-600 sm:inline" data-testid="signed-in-user">
            {userName}
          </span>
          <Button variant="ghost" onClick={signOut} pending={signingOut}>
            Sign out
          </Button>
        </div>
      </div>
    </header>
  );
}

function useIsOperator() {
  const trpc = useTRPC();
  const teams = useQuery(trpc.teams.list.queryOptions());
  const active = teams.data?.teams.find((team) => team.id === teams.data.activeTeamId);
  return active?.role === "owner" || active?.role === "admin";
}

function TeamSwitcher() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const teams = useQuery(trpc.teams.list.queryOptions());
  const [switching, setSwitching] = useState(false);

  if (!teams.data) return <span className="h-9 w-40 animate-pulse rounded-lg bg-stone-100" aria-hidden />;

  async function switchTeam(teamId: string) {
    setSwitching(true);
    await authClient.organization.setActive({ organizationId: teamId });
    await queryClient.invalidateQueries();
    router.refresh();
    setSwitching(false);
  }

  return (
    <label className="flex items-center gap-2 text-sm text-stone-600">
      <span className="sr-only sm:not-sr-only">Team</span>
      <select
        aria-label="Active team"
        value={teams.data.activeTeamId ?? ""}
        disabled={switching}
        onChange={(event) => switchTeam(event.target.value)}
        className="rounded-lg border border-stone-300 bg-white px-2 py-1.5 text-sm text-stone-900"
      >
        {teams.data.teams.map((team) => (
          <option key={team.id} value={team.id}>
            {team.name}
          </option>
        ))}
      </select>
    </label>
  );
}
