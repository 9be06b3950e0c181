// A real S3-compatible server for tests (s3rver: S3's REST API over a folder), on 127.0.0.1 at a
// free port, with one empty bucket; `stop()` closes it and removes its folder.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import S3rver from "s3rver";

export interface S3TestServer {
  /** The environment that points the app's image store at the server's bucket. */
  settings: Record<string, string>;
  /** Where the server keeps its buckets. */
  directory: string;
  stop(): Promise<void>;
}

export const S3_TEST_BUCKET = "storyforge-images";

export async function startS3Server(): Promise<S3TestServer> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "storyforge-s3-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, directory, silent: true, configureBuckets: [{ name: S3_TEST_BUCKET }] });
  const { port } = await server.run();
  return {
    settings: {
      IMAGE_STORE: "s3",
      S3_BUCKET: S3_TEST_BUCKET,
      S3_ENDPOINT: `http://127.0.0.1:${port}`,
      S3_FORCE_PATH_STYLE: "true",
      // s3rver's own key pair: it checks every request's signature against it.
      S3_ACCESS_KEY_ID: "S3RVER",
      S3_SECRET_ACCESS_KEY: "S3RVER",
    },
    directory,
    async stop() {
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
