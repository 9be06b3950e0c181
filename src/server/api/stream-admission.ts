// Followers of run events are let in a few at a time. Opening a stream reads the session, the
// membership and the run — a handful of queries that run on the request thread, since the
// embedded database answers synchronously. Two hundred followers opening the same run at once
// would interleave two hundred such chains, and every other request (a page, a health check)
// would wait for a step of each of them between its own steps. Let in a few at a time, the
// followers are set up just as fast in all (the work is the same CPU on the same thread) and an
// unrelated request waits behind a few steps at most.
import pLimit from "p-limit";

/** Streams being set up at once; more wait their turn (the set-up takes milliseconds). */
export const STREAM_SETUPS_AT_ONCE = 2;

const globalForAdmission = globalThis as unknown as { storyforgeStreamAdmission?: ReturnType<typeof pLimit> };

/** Runs the set-up of an event stream (authorization and replay position) when its turn comes. */
export function admitStream<T>(setUp: () => Promise<T>): Promise<T> {
  globalForAdmission.storyforgeStreamAdmission ??= pLimit(STREAM_SETUPS_AT_ONCE);
  return globalForAdmission.storyforgeStreamAdmission(setUp);
}
