// libvips settings. They are global to the process (libvips keeps them in C, whichever thread
// calls), so the main thread and the image workers set the same ones.
import sharp from "sharp";

export function configureSharp(): void {
  // Every picture is new: the operation cache (50 MB by default) would only keep decoded pictures
  // that nobody asks for again.
  sharp.cache(false);
  // One thread per operation: the parallelism comes from the image workers, one job each, so
  // rendering takes the cores the pool is sized to and leaves one to the request thread.
  sharp.concurrency(1);
}
