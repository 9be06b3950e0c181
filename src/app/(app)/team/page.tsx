import { TeamPersonaSettings } from "@/components/personas/team-persona-settings";
import { TeamSettings } from "@/components/teams/team-settings";

export const metadata = { title: "Team settings" };

export default function TeamPage() {
  return (
    <div className="space-y-8">
      <TeamSettings />
      {/* Lined up with the settings' main column (beside its 20rem aside). */}
      <div className="lg:pr-[22rem]">
        <TeamPersonaSettings />
      </div>
    </div>
  );
}
