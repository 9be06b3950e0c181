"use client";
// Where pictures go in: dropped on the zone or chosen with the file picker. Any file is passed on:
// the server checks what it really is and says why it refuses one.
import { useId, useRef, useState, type ReactNode } from "react";
import { buttonClass } from "@/components/ui/button";

export function PictureDropZone({
  multiple,
  accept,
  onFiles,
  disabled,
  label,
  children,
}: {
  multiple: boolean;
  accept: string;
  onFiles: (files: File[]) => void;
  disabled?: boolean;
  /** The picker button's text. */
  label: string;
  children?: ReactNode;
}) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  return (
    <div
      onDragOver={(event) => {
        event.preventDefault();
        if (!disabled) setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(event) => {
        event.preventDefault();
        setOver(false);
        if (disabled) return;
        const files = [...event.dataTransfer.files];
        if (files.length) onFiles(multiple ? files : files.slice(0, 1));
      }}
      data-testid="drop-zone"
      className={`flex flex-col items-center justify-center gap-3 rounded-2xl border-2 border-dashed px-6 py-10 text-center text-sm transition-colors ${
        over ? "border-accent bg-indigo-50" : "border-stone-300 bg-white/60"
      }`}
    >
      <svg viewBox="0 0 24 24" className="size-10 text-indigo-400" fill="none" stroke="currentColor" strokeWidth={1.6} strokeLinecap="round" strokeLinejoin="round" aria-hidden>
        <rect x="3" y="4" width="18" height="16" rx="2" />
        <circle cx="9" cy="10" r="2" />
        <path d="m21 16-5-5-9 9" />
      </svg>
      <p className="text-stone-600">{multiple ? "Drop pictures here" : "Drop a picture here"}, or</p>
      <label htmlFor={id} className={buttonClass("secondary", disabled ? "pointer-events-none opacity-60" : "cursor-pointer")}>
        {label}
      </label>
      <input
        ref={input}
        id={id}
        type="file"
        accept={accept}
        multiple={multiple}
        disabled={disabled}
        className="sr-only"
        onChange={(event) => {
          const files = [...(event.target.files ?? [])];
          // The same file chosen again must still count as a change.
          if (input.current) input.current.value = "";
          if (files.length) onFiles(files);
        }}
      />
      {children}
    </div>
  );
}
