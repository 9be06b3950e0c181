import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";

const control =
  "block w-full rounded-lg border bg-white px-3 py-2 text-sm text-stone-900 shadow-sm placeholder:text-stone-400 focus:border-accent focus:outline-none focus:ring-2 focus:ring-accent/30";

interface FieldProps {
  label: string;
  error?: string | null;
  hint?: string;
}

/** The label above a control, and its error (announced) or hint below it, tied to it by id. */
function FieldFrame({ id, label, error, hint, className, children }: FieldProps & { id: string; className: string; children: ReactNode }) {
  return (
    <div className={className}>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-stone-700">
        {label}
      </label>
      {children}
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700" role="alert">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-stone-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** What a control says about its error or hint to assistive technology. */
function described(id: string, { error, hint }: Pick<FieldProps, "error" | "hint">) {
  return {
    "aria-invalid": error ? true : undefined,
    "aria-describedby": error ? `${id}-error` : hint ? `${id}-hint` : undefined,
    className: `${control} ${error ? "border-red-400" : "border-stone-300"}`,
  };
}

/** A labelled input whose error is shown right under it and announced to screen readers. */
export function TextField({ label, error, hint, className = "", ...props }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint} className={className}>
      <input id={id} {...described(id, { error, hint })} {...props} />
    </FieldFrame>
  );
}

/** TextField's multi-line sibling: the error under it, announced, and the hint otherwise. */
export function TextAreaField({ label, error, hint, className = "", ...props }: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = useId();
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint} className={className}>
      <textarea id={id} {...described(id, { error, hint })} {...props} />
    </FieldFrame>
  );
}

export function SelectField({
  label,
  error,
  children,
  className = "",
  ...props
}: FieldProps & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  return (
    <div className={className}>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-stone-700">
        {label}
      </label>
      <select id={id} aria-invalid={error ? true : undefined} className={`${control} border-stone-300`} {...props}>
        {children}
      </select>
      {error ? (
        <p className="mt-1 text-sm text-red-700" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function FormError({ message }: { message?: string | null }) {
  if (!message) return null;
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      {message}
    </div>
  );
}
