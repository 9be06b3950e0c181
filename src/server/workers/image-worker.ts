// The entry of an image worker thread (see image-pool.ts).
import { imageJobs } from "./image-jobs";
import { serveJobs } from "./serve-jobs";
import { configureSharp } from "./sharp-settings";

configureSharp();
serveJobs(imageJobs);
