// The entry of a CPU worker thread (see cpu-pool.ts).
import { cpuJobs } from "./cpu-jobs";
import { serveJobs } from "./serve-jobs";
import { configureSharp } from "./sharp-settings";
import { lowerPriorityOfThreads, lowerThreadPriority } from "./thread-priority";

// Before anything runs here, so that threads this one starts inherit the priority.
lowerThreadPriority();

configureSharp();
// The threads libvips starts for a job get the same priority once it is done (they live on for the next).
serveJobs(cpuJobs, { afterEach: () => lowerPriorityOfThreads("libvips") });
