// The entry of a CPU worker thread (see cpu-pool.ts).
import { cpuJobs } from "./cpu-jobs";
import { serveJobs } from "./serve-jobs";
import { configureSharp } from "./sharp-settings";

configureSharp();
serveJobs(cpuJobs);
