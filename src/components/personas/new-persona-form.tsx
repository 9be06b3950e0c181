"use client";
// A new persona: from a description, from an uploaded picture (uploaded as soon as it is chosen, so
// the server's verdict shows at once), or imported from a character card. Options on the side.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { FormError } from "@/components/ui/field";
import { useTRPC } from "@/trpc/react";
import { messageOf } from "./persona-errors";
import { DEFAULT_OPTIONS, optionErrorsOf, PersonaOptionsCard, readOptions, type OptionErrors, type OptionsValue } from "./persona-options";
import { importCardFile, PICTURE_TYPES, uploadPictures, type UploadResult } from "./persona-uploads";
import { PictureDropZone } from "./picture-drop-zone";

type Source = "description" | "picture" | "card";
const TABS: Array<{ source: Source; label: string }> = [
  { source: "description", label: "From a description" },
  { source: "picture", label: "From a picture" },
  { source: "card", label: "Import a character card" },
];
const MAX_DESCRIPTION = 5_000;

export function NewPersonaForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const limits = useQuery(trpc.persona.options.queryOptions(undefined, { staleTime: Infinity }));
  const [source, setSource] = useState<Source>("description");
  const [description, setDescription] = useState("");
  const [upload, setUpload] = useState<UploadResult | null>(null);
  const [uploading, setUploading] = useState(false);
  const [options, setOptions] = useState<OptionsValue>(DEFAULT_OPTIONS);
  const [optionErrors, setOptionErrors] = useState<OptionErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [importing, setImporting] = useState(false);
  const fromDescription = useMutation(trpc.persona.createFromDescription.mutationOptions());
  const fromPicture = useMutation(trpc.persona.createFromPicture.mutationOptions());
  const maxDescription = limits.data?.limits.descriptionCharacters ?? MAX_DESCRIPTION;

  async function opened(personaId: string) {
    await queryClient.invalidateQueries({ queryKey: trpc.persona.list.queryKey() });
    router.push(`/personas/${personaId}`);
  }

  async function choosePicture(files: File[]) {
    setError(null);
    setUpload(null);
    setUploading(true);
    const [result] = await uploadPictures(files.slice(0, 1), 1);
    setUploading(false);
    setUpload(result ?? null);
  }

  async function importCard(files: File[]) {
    const file = files[0];
    if (!file) return;
    setError(null);
    setImporting(true);
    try {
      const { personaId } = await importCardFile(file);
      await opened(personaId);
    } catch (failure) {
      setError(messageOf(failure));
      setImporting(false);
    }
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    const read = readOptions(options);
    setOptionErrors(read.errors);
    if (Object.keys(read.errors).length) return;
    try {
      if (source === "description") {
        if (!description.trim()) return setError("Describe the persona: who they are, what they do, how they talk.");
        if (description.trim().length > maxDescription) return setError(`The description is too long: at most ${maxDescription.toLocaleString("en")} characters.`);
        const { personaId } = await fromDescription.mutateAsync({ description, options: read.options });
        await opened(personaId);
      } else if (source === "picture") {
        if (!upload?.ok) return setError("Choose a PNG, JPEG or WebP picture first.");
        const { personaId } = await fromPicture.mutateAsync({ uploadId: upload.uploadId, options: read.options });
        await opened(personaId);
      }
    } catch (failure) {
      const fields = optionErrorsOf(failure);
      setOptionErrors(fields);
      if (!Object.keys(fields).length) setError(messageOf(failure));
    }
  }

  const pending = fromDescription.isPending || fromPicture.isPending;
  return (
    <div className="space-y-6">
      <div role="tablist" aria-label="Make the persona from" className="flex flex-wrap gap-1 rounded-xl bg-stone-100 p-1 sm:w-fit">
        {TABS.map((tab) => (
          <button
            key={tab.source}
            type="button"
            role="tab"
            aria-selected={source === tab.source}
            onClick={() => (setSource(tab.source), setError(null))}
            className="rounded-lg px-4 py-1.5 text-sm font-medium text-stone-600 hover:text-stone-900 aria-selected:bg-white aria-selected:text-stone-900 aria-selected:shadow-sm"
          >
            {tab.label}
          </button>
        ))}
      </div>

      {source === "card" ? (
        <Card className="max-w-2xl space-y-4">
          <p className="text-sm text-stone-600">
            A Character Card V1, V2 or V3, as JSON or as a PNG with the card inside. Its fields become the stages; fields and extensions
            Storyforge does not use are kept and come back out when you export.
          </p>
          <PictureDropZone multiple={false} accept=".json,.png,application/json,image/png" onFiles={importCard} disabled={importing} label="Choose a card file" />
          {importing ? <p className="text-sm text-stone-600">Importing…</p> : null}
          <FormError message={error} />
        </Card>
      ) : (
        <form onSubmit={submit} noValidate aria-label="New persona" className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
          <Card className="space-y-4">
            {source === "description" ? (
              <div>
                <label htmlFor="persona-description" className="mb-1 block text-sm font-medium text-stone-700">
                  Description
                </label>
                <textarea
                  id="persona-description"
                  value={description}
                  onChange={(event) => setDescription(event.target.value)}
                  rows={12}
                  placeholder="Mara Lindqvist, 34, a marine biologist in Bergen who posts about tide pools, cold-water swimming and her grumpy cat…"
                  className="block w-full rounded-lg border border-stone-300 bg-white px-3 py-2 text-base leading-relaxed shadow-sm focus:border-accent focus:outline-none focus:ring-2 focus:ring-accent/30"
                />
                <p className={`mt-1 text-right text-xs ${description.trim().length > maxDescription ? "text-red-700" : "text-stone-500"}`}>
                  {description.trim().length.toLocaleString("en")} / {maxDescription.toLocaleString("en")}
                </p>
              </div>
            ) : (
              <div className="space-y-3">
                <PictureDropZone multiple={false} accept={PICTURE_TYPES} onFiles={choosePicture} disabled={uploading || pending} label="Choose a picture">
                  <p className="text-xs text-stone-500">PNG, JPEG or WebP, at most 10 MB and 4096 pixels a side.</p>
                </PictureDropZone>
                {uploading ? <p className="text-sm text-stone-600">Uploading and checking…</p> : null}
                {upload?.ok ? (
                  <div className="flex items-center gap-4 rounded-xl border border-stone-200 p-3" data-testid="uploaded-picture">
                    {/* eslint-disable-next-line @next/next/no-img-element -- private, membership-checked uploads */}
                    <img src={`/api/personas/uploads/${upload.uploadId}?variant=thumbnail`} alt="The uploaded picture" className="size-20 rounded-lg object-cover" />
                    <div className="min-w-0 text-sm">
                      <p className="truncate font-medium">{upload.name}</p>
                      <p className="text-stone-500">
                        {upload.width} × {upload.height} px · checked and re-encoded
                      </p>
                    </div>
                  </div>
                ) : null}
                {upload && !upload.ok ? <FormError message={`${upload.name}: ${upload.error}`} /> : null}
              </div>
            )}
            <FormError message={error} />
          </Card>
          <div className="space-y-4">
            <PersonaOptionsCard value={options} onChange={setOptions} errors={optionErrors} />
            <Button type="submit" pending={pending} disabled={uploading} className="w-full py-3">
              Create persona
            </Button>
            <ButtonLink href="/personas/batches/new" variant="ghost" className="w-full">
              Many at once? Start a batch
            </ButtonLink>
          </div>
        </form>
      )}
    </div>
  );
}
