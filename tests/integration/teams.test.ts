import { callerFor, signedInHeaders } from "../helpers/accounts";
import { describe, expect, test } from "../helpers/fixtures";

describe("sign-up", () => {
  test("creates a personal team owned by the new user", async ({ database, alice }) => {
    const { teams } = await callerFor(database.db, alice).teams.list();
    expect(teams).toEqual([{ id: alice.teamId, name: "Alice's team", role: "owner", personal: true }]);
  });

  test("starts the first session in the personal team", async ({ auth, alice }) => {
    const signIn = await auth.api.signInEmail({ body: { email: alice.email, password: alice.password }, asResponse: true });
    const cookie = signIn.headers.get("set-cookie") ?? "";
    const session = await auth.api.getSession({ headers: new Headers({ cookie: cookie.split(";")[0]! }) });
    expect(session?.session.activeOrganizationId).toBe(alice.teamId);
  });

  test("rejects a taken email with a clear message", async ({ auth, alice }) => {
    await expect(
      auth.api.signUpEmail({ body: { name: "Again", email: alice.email, password: "another password" } }),
    ).rejects.toThrow(/already exists/i);
  });

  test("rejects a wrong password", async ({ auth, alice }) => {
    await expect(auth.api.signInEmail({ body: { email: alice.email, password: "wrong password!" } })).rejects.toThrow(
      /invalid email or password/i,
    );
  });
});

describe("membership", () => {
  test("a member reads the team with its members", async ({ database, alice }) => {
    const team = await callerFor(database.db, alice).teams.current();
    expect(team.id).toBe(alice.teamId);
    expect(team.members.map((member) => member.email)).toEqual([alice.email]);
  });

  test("a non-member asking for another team gets NOT_FOUND", async ({ database, alice, bob }) => {
    await expect(callerFor(database.db, bob, alice.teamId).teams.current()).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  test("a signed-out caller is told to sign in", async ({ database }) => {
    await expect(callerFor(database.db, null).teams.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  test("an invited user who accepts becomes a member and sees the team", async ({ database, auth, alice, bob }) => {
    const aliceHeaders = await signedInHeaders(auth, alice);
    const team = await auth.api.createOrganization({ body: { name: "Lantern Studio", slug: "lantern-studio" }, headers: aliceHeaders });
    const invitation = await auth.api.createInvitation({
      body: { email: bob.email, role: "member", organizationId: team!.id },
      headers: aliceHeaders,
    });
    const preview = await callerFor(database.db, null).teams.invitation({ id: invitation.id });
    expect(preview).toMatchObject({ teamName: "Lantern Studio", inviterName: "Alice", email: bob.email, status: "pending" });

    await expect(callerFor(database.db, bob, team!.id).teams.current()).rejects.toMatchObject({ code: "NOT_FOUND" });
    await auth.api.acceptInvitation({ body: { invitationId: invitation.id }, headers: await signedInHeaders(auth, bob) });

    const { teams } = await callerFor(database.db, bob).teams.list();
    expect(teams.map((entry) => entry.name)).toContain("Lantern Studio");
    const details = await callerFor(database.db, bob, team!.id).teams.current();
    expect(details.role).toBe("member");
    expect(details.invitations).toEqual([]); // members do not see pending invitations
    expect(details.members.map((member) => member.email).sort()).toEqual([alice.email, bob.email].sort());
  });
});
