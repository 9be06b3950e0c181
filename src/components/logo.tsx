import Link from "next/link";

export function Logo({ href = "/" }: { href?: string }) {
  return (
    <Link href={href} className="inline-flex items-center gap-2 font-serif text-xl font-semibold tracking-tight text-stone-900">
      <span aria-hidden className="grid size-8 place-items-center rounded-lg bg-accent text-base text-white">
        S
      </span>
      Storyforge
    </Link>
  );
}
