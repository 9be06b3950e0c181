// A project's current images plus manifest.json (project, characters, scenes, prompts and the
// exact parameters of each image), as a zip stream built while it is sent.
import { Readable } from "node:stream";
import yazl from "yazl";
import type { Image } from "@/generated/prisma/client";
import type { Database } from "@/server/db";
import { parametersOf } from "@/server/features/images/images";
import { addStoredImage, zipOutput } from "@/server/features/images/zip-image";
import type { ImageStore } from "@/server/storage/image-store";
import { findProject } from "./projects";
import { stringList } from "./schemas";

function slug(text: string) {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 50) || "scene";
}

/** The manifest's format 1 lists the revised prompt beside the parameters, not among them. */
function manifestParameters(image: Image) {
  const { revisedPrompt, ...parameters } = parametersOf(image);
  return { parameters, revisedPrompt };
}

export async function exportProject(db: Database, images: ImageStore, userId: string, projectId: string) {
  const project = await findProject(db, userId, projectId);
  const [characters, scenes] = await Promise.all([
    db.storyCharacter.findMany({ where: { projectId }, orderBy: { position: "asc" } }),
    db.storyScene.findMany({ where: { projectId }, orderBy: { position: "asc" }, include: { currentImage: true } }),
  ]);
  // A file removed by hand leaves its scene without a picture in the zip rather than failing the export.
  const present = await Promise.all(scenes.map((scene) => (scene.currentImage ? images.exists(scene.currentImage.file) : false)));
  const zip = new yazl.ZipFile();
  const manifestScenes = scenes.map((scene, index) => {
    const image = scene.currentImage;
    const file = image ? `images/${String(index + 1).padStart(2, "0")}-${slug(scene.title)}.png` : null;
    if (image && file && present[index]) addStoredImage(zip, images, image.file, file, image.createdAt);
    return {
      position: index + 1,
      title: scene.title,
      summary: scene.summary,
      setting: scene.setting,
      mood: scene.mood,
      charactersPresent: stringList.parse(scene.charactersPresent),
      prompt: {
        imagePrompt: scene.imagePrompt,
        negativePrompt: scene.negativePrompt,
        styleTags: stringList.parse(scene.styleTags),
        charactersInScene: stringList.parse(scene.charactersInScene),
      },
      image: image
        ? {
            file,
            version: image.version,
            width: image.width,
            height: image.height,
            ...manifestParameters(image),
            attempts: image.attempts,
            durationMs: image.durationMs,
            createdAt: image.createdAt.toISOString(),
          }
        : null,
    };
  });
  const manifest = {
    format: "storyforge-project",
    version: 1,
    exportedAt: new Date().toISOString(),
    project: {
      id: project.id,
      title: project.title,
      language: project.language,
      style: project.style,
      size: project.size,
      quality: project.quality,
      createdAt: project.createdAt.toISOString(),
    },
    characters: characters.map((character) => ({
      name: character.name,
      description: character.description,
      visualTraits: stringList.parse(character.visualTraits),
    })),
    scenes: manifestScenes,
  };
  zip.addBuffer(Buffer.from(JSON.stringify(manifest, null, 2)), "manifest.json");
  zip.end();
  return {
    fileName: `${slug(project.title)}.zip`,
    stream: Readable.toWeb(zipOutput(zip)) as ReadableStream<Uint8Array>,
  };
}
