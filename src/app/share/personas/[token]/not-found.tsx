import { Logo } from "@/components/logo";

export const metadata = { title: "Link not found", robots: { index: false, follow: false } };

export default function SharedPersonaNotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center px-4 py-12 text-center">
      <div className="mb-8">
        <Logo />
      </div>
      <p className="text-sm font-medium uppercase tracking-widest text-accent">404</p>
      <h1 className="mt-2 text-3xl font-semibold tracking-tight">This link does not open anything</h1>
      <p className="mt-3 max-w-md text-stone-600">It may have been revoked or have expired, or it was copied incompletely. Ask whoever shared it for a new link.</p>
    </main>
  );
}
