"use client";
// A stage's edit form drawn from its field list: texts as inputs or text areas, lists as rows that
// can be added and removed, records as small groups of fields. The server checks the whole stage
// and names the field it refuses ("interests.2"); that message shows under that field.
import { useId, type ChangeEvent, type ReactNode } from "react";
import { asArray, blankItem, type FieldSpec, type StageValue } from "./stage-fields";

export interface FieldError {
  path: string;
  message: string;
}

const control =
  "block w-full rounded-lg border bg-white px-2.5 py-1.5 text-sm text-stone-900 shadow-sm focus:border-accent focus:outline-none focus:ring-2 focus:ring-accent/30";
const border = (invalid: boolean) => (invalid ? "border-red-400" : "border-stone-300");
const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export function FieldsEditor({
  fields,
  value,
  onChange,
  error,
  path = "",
}: {
  fields: FieldSpec[];
  value: StageValue;
  onChange: (value: StageValue) => void;
  error: FieldError | null;
  path?: string;
}) {
  const set = (key: string, next: unknown) => onChange({ ...value, [key]: next });
  const inline = fields.filter((field) => (field.kind === "text" || field.kind === "age") && field.inline);
  const block = fields.filter((field) => !inline.includes(field));
  return (
    <div className="space-y-4">
      {inline.length ? (
        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
          {inline.map((field) => (
            <FieldInput key={field.key} field={field} value={value[field.key]} onChange={(next) => set(field.key, next)} error={error} path={`${path}${field.key}`} />
          ))}
        </div>
      ) : null}
      {block.map((field) => (
        <FieldInput key={field.key} field={field} value={value[field.key]} onChange={(next) => set(field.key, next)} error={error} path={`${path}${field.key}`} />
      ))}
    </div>
  );
}

function ErrorText({ id, error, path }: { id: string; error: FieldError | null; path: string }) {
  if (error?.path !== path) return null;
  return (
    <p id={id} role="alert" className="mt-1 text-sm text-red-700">
      {error.message}
    </p>
  );
}

function FieldInput({
  field,
  value,
  onChange,
  error,
  path,
}: {
  field: FieldSpec;
  value: unknown;
  onChange: (value: unknown) => void;
  error: FieldError | null;
  path: string;
}) {
  const id = useId();
  const invalid = error?.path === path;
  const described = invalid ? `${id}-error` : undefined;
  switch (field.kind) {
    case "text":
      return (
        <div>
          <label htmlFor={id} className="mb-1 block text-xs font-medium text-stone-700">
            {field.label}
            {field.required ? <span className="text-stone-400"> (required)</span> : null}
          </label>
          <TextControl
            id={id}
            rows={field.rows}
            maxLength={field.max}
            value={String(value ?? "")}
            onChange={onChange}
            invalid={invalid}
            aria-describedby={described}
          />
          <ErrorText id={`${id}-error`} error={error} path={path} />
        </div>
      );
    case "age":
      return (
        <div>
          <label htmlFor={id} className="mb-1 block text-xs font-medium text-stone-700">
            {field.label}
          </label>
          <input
            id={id}
            type="number"
            min={18}
            max={120}
            value={value === null || value === undefined ? "" : String(value)}
            onChange={(event) => onChange(event.target.value === "" ? null : Number(event.target.value))}
            aria-invalid={invalid || undefined}
            aria-describedby={described}
            className={`${control} ${border(invalid)}`}
          />
          <ErrorText id={`${id}-error`} error={error} path={path} />
        </div>
      );
    case "list":
      return <ListInput field={field} items={asArray(value).map((item) => String(item ?? ""))} onChange={onChange} error={error} path={path} />;
    case "objects":
      return <ObjectsInput field={field} items={asArray(value) as StageValue[]} onChange={onChange} error={error} path={path} />;
  }
}

type ItemsInputProps<Field extends FieldSpec["kind"], Item> = {
  field: Extract<FieldSpec, { kind: Field }>;
  items: Item[];
  onChange: (value: Item[]) => void;
  error: FieldError | null;
  path: string;
};

function ListInput({ field, items, onChange, error, path }: ItemsInputProps<"list", string>) {
  const id = useId();
  const replace = (index: number, next: string) => onChange(items.map((item, position) => (position === index ? next : item)));
  const itemName = capitalise(field.itemLabel);
  return (
    <ItemsFieldset field={field} count={items.length} onAdd={() => onChange([...items, ""])} error={error} path={path}>
      <ul className={field.chips ? "flex flex-wrap gap-2" : "space-y-2"}>
        {items.map((item, index) => {
          const itemPath = `${path}.${index}`;
          return (
            <li key={index} className={field.chips ? "min-w-40 flex-1 sm:max-w-64" : ""}>
              <div className="flex items-start gap-1.5">
                <TextControl
                  aria-label={`${itemName} ${index + 1}`}
                  rows={field.rows}
                  maxLength={field.itemMax}
                  value={item}
                  onChange={(next) => replace(index, next)}
                  invalid={error?.path === itemPath}
                />
                <RemoveButton label={`Remove ${field.itemLabel} ${index + 1}`} onClick={() => onChange(items.filter((_, position) => position !== index))} />
              </div>
              <ErrorText id={`${id}-${index}-error`} error={error} path={itemPath} />
            </li>
          );
        })}
      </ul>
    </ItemsFieldset>
  );
}

function ObjectsInput({ field, items, onChange, error, path }: ItemsInputProps<"objects", StageValue>) {
  const itemName = capitalise(field.itemLabel);
  return (
    <ItemsFieldset field={field} count={items.length} onAdd={() => onChange([...items, blankItem(field.fields)])} error={error} path={path}>
      <ol className="space-y-3">
        {items.map((item, index) => (
          <li key={index} className="rounded-xl border border-stone-200 bg-stone-50 p-3">
            <fieldset>
              <div className="mb-2 flex items-center justify-between">
                <legend className="text-xs font-semibold text-stone-600">
                  {itemName} {index + 1}
                </legend>
                <RemoveButton
                  label={`Remove ${field.itemLabel} ${index + 1}`}
                  disabled={items.length <= (field.min ?? 0)}
                  onClick={() => onChange(items.filter((_, position) => position !== index))}
                />
              </div>
              <FieldsEditor
                fields={field.fields}
                value={item ?? {}}
                onChange={(next) => onChange(items.map((current, position) => (position === index ? next : current)))}
                error={error}
                path={`${path}.${index}.`}
              />
            </fieldset>
          </li>
        ))}
      </ol>
    </ItemsFieldset>
  );
}

/** A list field's frame: its label, its items, "Add …" up to the maximum, and an error about the list as a whole. */
function ItemsFieldset({
  field,
  count,
  onAdd,
  error,
  path,
  children,
}: {
  field: { label: string; itemLabel: string; max: number };
  count: number;
  onAdd: () => void;
  error: FieldError | null;
  path: string;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <fieldset aria-describedby={error?.path === path ? `${id}-error` : undefined}>
      <legend className="mb-1 text-xs font-medium text-stone-700">{field.label}</legend>
      {children}
      <AddButton disabled={count >= field.max} onClick={onAdd} max={field.max}>
        Add {field.itemLabel}
      </AddButton>
      <ErrorText id={`${id}-error`} error={error} path={path} />
    </fieldset>
  );
}

/** One line of text, or a text area when the field asks for more than one row. */
function TextControl({
  rows,
  invalid,
  onChange,
  ...props
}: {
  id?: string;
  "aria-label"?: string;
  "aria-describedby"?: string;
  rows?: number;
  maxLength?: number;
  value: string;
  invalid: boolean;
  onChange: (value: string) => void;
}) {
  const shared = {
    ...props,
    onChange: (event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => onChange(event.target.value),
    "aria-invalid": invalid || undefined,
    className: `${control} ${border(invalid)}`,
  };
  return rows && rows > 1 ? <textarea rows={rows} {...shared} /> : <input {...shared} />;
}

function RemoveButton({ label, onClick, disabled }: { label: string; onClick: () => void; disabled?: boolean }) {
  return (
    <button
      type="button"
      aria-label={label}
      title={disabled ? "At least one is needed" : label}
      onClick={onClick}
      disabled={disabled}
      className="grid size-8 shrink-0 place-items-center rounded-lg text-stone-500 hover:bg-stone-100 hover:text-red-700 disabled:cursor-not-allowed disabled:opacity-40"
    >
      <svg viewBox="0 0 24 24" className="size-4" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" aria-hidden>
        <path d="M6 6l12 12M18 6 6 18" />
      </svg>
    </button>
  );
}

function AddButton({ disabled, onClick, max, children }: { disabled: boolean; onClick: () => void; max: number; children: ReactNode }) {
  return (
    <button
      type="button"
      onClick={onClick}
      disabled={disabled}
      title={disabled ? `At most ${max}` : undefined}
      className="mt-2 rounded-lg border border-dashed border-stone-300 px-3 py-1 text-xs font-medium text-stone-700 hover:border-accent hover:text-accent disabled:cursor-not-allowed disabled:opacity-50"
    >
      + {children}
    </button>
  );
}
