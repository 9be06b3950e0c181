// What the scripts that start local servers (the tests' throwaway PostgreSQL and Redis, the test
// runner's app server) share: a free port on 127.0.0.1, and stopping a server by its pid.
import net from "node:net";

/** A port nothing listens on at 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends `signal` to the process and waits for it to end; SIGKILL after `graceMs`. */
export async function stopProcess(pid, signal, graceMs) {
  if (!(pid > 0) || !alive(pid)) return;
  process.kill(pid, signal);
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
  if (alive(pid)) process.kill(pid, "SIGKILL");
}
