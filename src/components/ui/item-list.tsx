// The team lists on the dashboard (decks, story projects, personas): the placeholder while they
// load, the invitation to make the first one, and a card per item with its cover, details and a
// Delete that asks first. No data here: the lists fetch and delete, these only show.
import Link from "next/link";
import type { ComponentType, ReactNode } from "react";
import { Button } from "./button";

export function ListLoading({ label }: { label: string }) {
  return <div className="h-40 animate-pulse rounded-2xl bg-stone-100" aria-label={label} />;
}

/** An empty list: its icon, what the list is for, and the way to make the first item. */
export function EmptyList({ icon: Icon, children, actions }: { icon: ComponentType<{ className?: string }>; children: ReactNode; actions: ReactNode }) {
  return (
    <div className="flex flex-wrap items-center gap-4 rounded-2xl border border-dashed border-stone-300 bg-white/60 px-6 py-8 text-sm text-stone-600">
      <Icon className="size-9 shrink-0 text-indigo-400" />
      <p className="max-w-xl flex-1">{children}</p>
      {actions}
    </div>
  );
}

/** A linked card: cover, title, details; below it a Delete that confirms before `onDelete`. */
export function ItemCard({
  href,
  title,
  cover,
  details,
  truncateTitle = false,
  deleting,
  onDelete,
  testId,
}: {
  href: string;
  title: string;
  cover: ReactNode;
  details: ReactNode;
  truncateTitle?: boolean;
  deleting: boolean;
  onDelete: () => void;
  testId?: string;
}) {
  return (
    <li className="group overflow-hidden rounded-2xl border border-stone-200 bg-white shadow-sm" data-testid={testId}>
      <Link href={href} className="block">
        {cover}
        <div className="p-4">
          <h3 className={`${truncateTitle ? "truncate " : ""}font-semibold group-hover:text-accent`}>{title}</h3>
          {details}
        </div>
      </Link>
      <div className="flex justify-end border-t border-stone-100 px-4 py-2">
        <Button
          variant="ghost"
          className="px-2 py-1 text-xs text-red-700"
          pending={deleting}
          onClick={() => {
            if (window.confirm(`Delete “${title}” and all its images? This cannot be undone.`)) onDelete();
          }}
          aria-label={`Delete ${title}`}
        >
          Delete
        </Button>
      </div>
    </li>
  );
}
