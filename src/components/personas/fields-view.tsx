// A stage's data, read-only, drawn from its field list: short facts side by side, texts as
// paragraphs, lists as tags or bullets, records as small cards. Everything renders as text. No
// hooks and no data fetching, so the public share page renders it on the server too.
import { asArray, type FieldSpec, type StageValue } from "./stage-fields";

const isEmpty = (value: unknown) =>
  value === null || value === undefined || (typeof value === "string" && value.trim() === "") || (Array.isArray(value) && value.length === 0);

/** Short facts sit side by side; a long one (a tone written as a sentence) reads as a paragraph. */
const FACT_CHARACTERS = 40;

export function FieldsView({ fields, value }: { fields: FieldSpec[]; value: StageValue }) {
  const shown = fields.filter((field) => !isEmpty(value[field.key]));
  const isFact = (field: FieldSpec) => (field.kind === "text" || field.kind === "age") && field.inline && String(value[field.key]).length <= FACT_CHARACTERS;
  const facts = shown.filter(isFact);
  const others = shown.filter((field) => !isFact(field));
  if (!facts.length && !others.length) return <p className="text-sm text-stone-500">Nothing written for this stage.</p>;
  return (
    <div className="space-y-4 text-sm">
      {facts.length ? (
        <dl className="flex flex-wrap gap-x-8 gap-y-2">
          {facts.map((field) => (
            <div key={field.key} className="min-w-16 max-w-full">
              <dt className="text-xs uppercase tracking-wide text-stone-500">{field.label}</dt>
              <dd className="break-words font-medium text-stone-900">{String(value[field.key])}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      {others.map((field) => (
        <div key={field.key}>
          <h4 className="mb-1 text-xs font-medium uppercase tracking-wide text-stone-500">{field.label}</h4>
          <FieldValue field={field} value={value[field.key]} />
        </div>
      ))}
    </div>
  );
}

function FieldValue({ field, value }: { field: FieldSpec; value: unknown }) {
  switch (field.kind) {
    case "text":
    case "age":
      return <p className="whitespace-pre-wrap break-words leading-relaxed text-stone-800">{String(value)}</p>;
    case "list":
      return field.chips ? (
        <ul className="flex flex-wrap gap-1.5">
          {asArray(value).map((item, index) => (
            <li key={index} className="rounded-full bg-indigo-50 px-2.5 py-0.5 text-xs font-medium text-indigo-800">
              {String(item)}
            </li>
          ))}
        </ul>
      ) : (
        <ul className="list-disc space-y-1 pl-5 text-stone-800">
          {asArray(value).map((item, index) => (
            <li key={index} className="whitespace-pre-wrap break-words">
              {String(item)}
            </li>
          ))}
        </ul>
      );
    case "objects":
      return (
        <ul className="grid gap-2 sm:grid-cols-2">
          {asArray(value).map((item, index) => (
            <li key={index} className="rounded-xl border border-stone-200 bg-stone-50 p-3">
              <RecordView fields={field.fields} value={(item ?? {}) as StageValue} />
            </li>
          ))}
        </ul>
      );
  }
}

function RecordView({ fields, value }: { fields: FieldSpec[]; value: StageValue }) {
  const [title, ...rest] = fields;
  return (
    <div className="space-y-1.5">
      {title && !isEmpty(value[title.key]) ? <p className="font-semibold text-stone-900">{String(value[title.key])}</p> : null}
      {rest
        .filter((field) => !isEmpty(value[field.key]))
        .map((field) =>
          field.kind === "list" ? (
            <FieldValue key={field.key} field={field} value={value[field.key]} />
          ) : (
            <p key={field.key} className="whitespace-pre-wrap break-words text-stone-700">
              <span className="text-xs text-stone-500">{field.label}: </span>
              {String(value[field.key])}
            </p>
          ),
        )}
    </div>
  );
}
