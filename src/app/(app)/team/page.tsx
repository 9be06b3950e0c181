import { TeamSettings } from "@/components/teams/team-settings";

export const metadata = { title: "Team settings" };

export default function TeamPage() {
  return <TeamSettings />;
}
