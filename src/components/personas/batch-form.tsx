"use client";
// A batch of personas: up to 50 pictures (dropped or picked, uploaded at once so each refusal shows
// beside its file), descriptions one per line, or a CSV or JSON file of them — the server reads
// the text as the user types and reports each line's problem before anything is created.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useId, useState } from "react";
import { Button, buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { FormError } from "@/components/ui/field";
import { useTRPC } from "@/trpc/react";
import type { RouterOutputs } from "@/trpc/router-types";
import { messageOf } from "./persona-errors";
import { DEFAULT_OPTIONS, optionErrorsOf, PersonaOptionsCard, readOptions, type OptionErrors, type OptionsValue } from "./persona-options";
import { PICTURE_TYPES, uploadPictures, type UploadResult } from "./persona-uploads";
import { PictureDropZone } from "./picture-drop-zone";

type Format = "lines" | "csv" | "json";
type Preview = RouterOutputs["persona"]["batches"]["preview"];
interface Picture {
  key: string;
  name: string;
  result: UploadResult | null;
}

export function BatchForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const fileInput = useId();
  const limits = useQuery(trpc.persona.options.queryOptions(undefined, { staleTime: Infinity }));
  const maxPersonas = limits.data?.limits.batchPersonas ?? 50;
  const perRequest = limits.data?.limits.uploadFilesPerRequest ?? 10;
  const [pictures, setPictures] = useState<Picture[]>([]);
  const [text, setText] = useState("");
  const [format, setFormat] = useState<{ format: Format; file: string } | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [options, setOptions] = useState<OptionsValue>(DEFAULT_OPTIONS);
  const [optionErrors, setOptionErrors] = useState<OptionErrors>({});
  const [error, setError] = useState<string | null>(null);
  const check = useMutation(trpc.persona.batches.preview.mutationOptions({ onSuccess: setPreview, onError: (failure) => setError(messageOf(failure)) }));
  const create = useMutation(trpc.persona.batches.create.mutationOptions());

  // The server reads the descriptions shortly after typing stops.
  const checkText = check.mutate;
  useEffect(() => {
    if (!text.trim()) return setPreview(null);
    const timer = setTimeout(() => checkText({ text, ...(format ? { format: format.format } : {}) }), 400);
    return () => clearTimeout(timer);
  }, [text, format, checkText]);

  const uploaded = pictures.filter((picture) => picture.result?.ok);
  const uploading = pictures.some((picture) => picture.result === null);
  const descriptions = text.trim() ? (preview?.items.length ?? 0) : 0;
  const total = uploaded.length + descriptions;

  async function addPictures(files: File[]) {
    setError(null);
    const room = maxPersonas - pictures.length - descriptions;
    if (files.length > room) setError(`At most ${maxPersonas} personas in one batch: ${files.length - Math.max(room, 0)} of these pictures were left out.`);
    const taken = files.slice(0, Math.max(room, 0));
    if (!taken.length) return;
    const added = taken.map((file) => ({ key: crypto.randomUUID(), name: file.name, result: null }));
    setPictures((current) => [...current, ...added]);
    await uploadPictures(taken, perRequest, (results) =>
      setPictures((current) => current.map((picture) => {
        const index = added.findIndex((entry) => entry.key === picture.key);
        return index >= 0 && results[index] ? { ...picture, result: results[index]! } : picture;
      })),
    );
  }

  async function loadFile(file: File) {
    setError(null);
    const name = file.name.toLowerCase();
    const detected: Format = name.endsWith(".csv") ? "csv" : name.endsWith(".json") ? "json" : "lines";
    setFormat(detected === "lines" ? null : { format: detected, file: file.name });
    setText(await file.text());
  }

  async function submit() {
    setError(null);
    const read = readOptions(options);
    setOptionErrors(read.errors);
    if (Object.keys(read.errors).length) return;
    if (uploading) return setError("Wait for the pictures to finish uploading.");
    if (preview?.problems.length) return setError("Fix the problems the descriptions have (listed under them) first.");
    if (total === 0) return setError("Add pictures or descriptions: one persona each.");
    try {
      const { batchId } = await create.mutateAsync({
        ...(text.trim() ? { text, ...(format ? { format: format.format } : {}) } : {}),
        uploadIds: uploaded.map((picture) => (picture.result as Extract<UploadResult, { ok: true }>).uploadId),
        options: read.options,
      });
      await queryClient.invalidateQueries({ queryKey: trpc.persona.list.queryKey() });
      router.push(`/personas/batches/${batchId}`);
    } catch (failure) {
      const fields = optionErrorsOf(failure);
      setOptionErrors(fields);
      if (!Object.keys(fields).length) setError(messageOf(failure));
    }
  }

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
      <div className="min-w-0 space-y-6">
        <Card className="space-y-4">
          <h2 className="font-semibold">Pictures</h2>
          <PictureDropZone multiple accept={PICTURE_TYPES} onFiles={addPictures} label="Choose pictures" disabled={create.isPending}>
            <p className="text-xs text-stone-500">PNG, JPEG or WebP; one persona per picture.</p>
          </PictureDropZone>
          {pictures.length ? (
            <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 xl:grid-cols-4" aria-label="Pictures in the batch">
              {pictures.map((picture) => (
                <li key={picture.key} className="relative overflow-hidden rounded-xl border border-stone-200 bg-white text-xs">
                  <div className="grid aspect-square place-items-center bg-stone-100">
                    {picture.result?.ok ? (
                      // eslint-disable-next-line @next/next/no-img-element -- private, membership-checked uploads
                      <img src={`/api/personas/uploads/${picture.result.uploadId}?variant=thumbnail`} alt={picture.name} className="size-full object-cover" />
                    ) : picture.result ? (
                      <p role="alert" className="p-2 text-center text-red-700">
                        {picture.result.error}
                      </p>
                    ) : (
                      <span className="size-6 animate-spin rounded-full border-2 border-indigo-300 border-t-transparent" aria-label="Uploading" />
                    )}
                  </div>
                  <div className="flex items-center gap-1 p-1.5">
                    <span className="min-w-0 flex-1 truncate" title={picture.name}>
                      {picture.name}
                    </span>
                    <button
                      type="button"
                      className="rounded px-1.5 py-0.5 text-stone-500 hover:bg-stone-100 hover:text-red-700"
                      aria-label={`Remove ${picture.name}`}
                      onClick={() => setPictures((current) => current.filter((entry) => entry.key !== picture.key))}
                    >
                      Remove
                    </button>
                  </div>
                </li>
              ))}
            </ul>
          ) : null}
        </Card>

        <Card className="space-y-3">
          <div className="flex flex-wrap items-center gap-3">
            <h2 className="font-semibold">Descriptions</h2>
            <label htmlFor={fileInput} className={buttonClass("secondary", "ml-auto cursor-pointer px-3 py-1 text-xs")}>
              Load a CSV or JSON file
            </label>
            <input
              id={fileInput}
              type="file"
              accept=".csv,.json,.txt,text/csv,application/json,text/plain"
              className="sr-only"
              onChange={(event) => {
                const file = event.target.files?.[0];
                event.target.value = "";
                if (file) void loadFile(file);
              }}
            />
          </div>
          <label htmlFor="batch-descriptions" className="block text-sm text-stone-600">
            One description per line — or a CSV with a “description” column (and optionally “language”), or a JSON list.
          </label>
          <textarea
            id="batch-descriptions"
            value={text}
            onChange={(event) => setText(event.target.value)}
            rows={10}
            spellCheck={false}
            placeholder={"A retired lighthouse keeper who posts weather photos and sea shanties\nA 27-year-old pastry chef in Lyon, sharp-tongued and generous"}
            className="block w-full rounded-lg border border-stone-300 bg-white px-3 py-2 font-mono text-sm leading-relaxed shadow-sm focus:border-accent focus:outline-none focus:ring-2 focus:ring-accent/30"
          />
          {format ? (
            <p className="flex flex-wrap items-center gap-2 text-xs text-stone-600">
              Read as {format.format.toUpperCase()} from {format.file}.
              <button type="button" className="text-accent hover:underline" onClick={() => setFormat(null)}>
                Read as lines instead
              </button>
            </p>
          ) : null}
          {preview && text.trim() ? <PreviewSummary preview={preview} /> : null}
        </Card>
      </div>

      <div className="space-y-4">
        <PersonaOptionsCard value={options} onChange={setOptions} errors={optionErrors} />
        <p className="text-sm text-stone-700" data-testid="batch-total">
          {total} of at most {maxPersonas} personas
          {uploaded.length && descriptions ? ` (${uploaded.length} pictures, ${descriptions} descriptions)` : ""}
        </p>
        <FormError message={error} />
        <Button onClick={submit} pending={create.isPending} disabled={uploading} className="w-full py-3">
          Create {total === 1 ? "1 persona" : `${total} personas`}
        </Button>
      </div>
    </div>
  );
}

function PreviewSummary({ preview }: { preview: Preview }) {
  return (
    <div className="space-y-2 text-sm" aria-live="polite">
      <p className="text-stone-700">
        {preview.items.length} {preview.items.length === 1 ? "description" : "descriptions"} read as {preview.format === "lines" ? "lines" : preview.format.toUpperCase()}
        {preview.problems.length ? `, ${preview.problems.length} ${preview.problems.length === 1 ? "problem" : "problems"}` : ""}.
      </p>
      {preview.problems.length ? (
        <ul className="space-y-1 rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-red-800" aria-label="Problems">
          {preview.problems.map((problem, index) => (
            <li key={index}>
              {problem.line ? <span className="font-medium">Line {problem.line}: </span> : null}
              {problem.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
