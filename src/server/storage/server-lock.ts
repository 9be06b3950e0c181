// DATA_DIR/server.pid says which process serves this data folder. A restore refuses to run while
// that process lives (the server would keep writing into what the restore replaces); a second
// server on the same folder is warned about. A process killed outright leaves the file behind,
// which is harmless: a dead pid is no server.
import fs from "node:fs";
import path from "node:path";

const lockFile = (dataDirectory: string) => path.resolve(dataDirectory, "server.pid");

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The live server of this data folder, if any. */
export function runningServer(dataDirectory: string): { pid: number; startedAt: string } | null {
  let lock: { pid?: unknown; startedAt?: unknown };
  try {
    lock = JSON.parse(fs.readFileSync(lockFile(dataDirectory), "utf8")) as typeof lock;
  } catch {
    return null;
  }
  if (typeof lock.pid !== "number" || lock.pid === process.pid || !alive(lock.pid)) return null;
  return { pid: lock.pid, startedAt: String(lock.startedAt ?? "") };
}

/** Marks this process as the data folder's server until it exits; returns another live one, if any. */
export function claimServerLock(dataDirectory: string): { pid: number } | null {
  const other = runningServer(dataDirectory);
  if (other) console.warn(`Another process (pid ${other.pid}, started ${other.startedAt}) already serves ${path.resolve(dataDirectory)}: two servers on one data folder run the same work twice.`);
  fs.mkdirSync(dataDirectory, { recursive: true });
  const file = lockFile(dataDirectory);
  fs.writeFileSync(file, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }));
  process.once("exit", () => {
    try {
      if ((JSON.parse(fs.readFileSync(file, "utf8")) as { pid?: number }).pid === process.pid) fs.rmSync(file, { force: true });
    } catch {
      // Already gone.
    }
  });
  return other;
}
