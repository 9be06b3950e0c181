import { Logo } from "@/components/logo";
import { ButtonLink } from "@/components/ui/button";

export const metadata = { title: "Not found" };

export default function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center px-4 py-12 text-center">
      <div className="mb-8">
        <Logo />
      </div>
      <p className="text-sm font-medium uppercase tracking-widest text-accent">404</p>
      <h1 className="mt-2 text-3xl font-semibold tracking-tight">Page not found</h1>
      <p className="mt-3 max-w-md text-stone-600">There is nothing at this address.</p>
      <ButtonLink href="/" variant="secondary" className="mt-6">
        Go to the start page
      </ButtonLink>
    </main>
  );
}
