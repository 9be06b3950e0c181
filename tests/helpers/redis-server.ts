// A throwaway redis-server for a test file (scripts/redis-server.mjs: 127.0.0.1, a free port,
// nothing kept on disk), stopped by its pid when the file is done.
import { startRedis, stopRedis } from "../../scripts/redis-server.mjs";

export interface TestRedis {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startTestRedis(): Promise<TestRedis> {
  const server = await startRedis();
  return { url: server.url, pid: server.pid, stop: () => stopRedis(server.directory) };
}
