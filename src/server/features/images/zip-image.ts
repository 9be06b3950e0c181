// Stored pictures in the zip exports (projects, decks), read from the image store when the zip
// reaches them: one file open at a time, however many the zip holds.
import type { Readable } from "node:stream";
import type yazl from "yazl";
import type { ImageStore } from "@/server/storage/image-store";

/** Adds a stored file as the zip entry `name`, dated `createdAt`, stored as it is (PNGs are compressed already). */
export function addStoredImage(zip: yazl.ZipFile, images: ImageStore, file: string, name: string, createdAt: Date): void {
  zip.addReadStreamLazy(name, { compress: false, mtime: createdAt }, (callback) => {
    images.open(file).then(
      ({ stream }) => {
        stream.on("error", (error) => zip.emit("error", error));
        callback(null, stream);
      },
      (error: unknown) => zip.emit("error", error),
    );
  });
}

/** The zip as a stream that fails, rather than the process, when a stored file cannot be read. */
export function zipOutput(zip: yazl.ZipFile): Readable {
  const output = zip.outputStream as Readable;
  zip.on("error", (error: Error) => output.destroy(error));
  return output;
}
