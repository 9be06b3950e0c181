// Ids that sort by creation time. Rows created together (a run's tasks) then sit next to each
// other in the primary-key index, so a batch of updates touches a few pages instead of one page
// per row. They are not secrets (every read checks the team), so Math.random is random enough and
// much cheaper than a call into crypto for every task.
let lastTime = 0;
let counter = 0;
/** The time and random parts for ids of lastTime: a run's thousands of tasks share them. */
let timePart = "";
let randomPart = "";

/**
 * 32 lowercase hex characters: milliseconds (12), a counter within the millisecond (4), random (16).
 * The counter keeps ids of one process unique; the random part, drawn once per millisecond, keeps
 * them apart from ids another process makes in the same millisecond.
 */
export function sortableId(): string {
  const now = Date.now();
  if (now > lastTime) {
    startMillisecond(now);
  } else if (counter === 0xffff) {
    // The counter is used up: borrow the next millisecond rather than repeat an id.
    startMillisecond(lastTime + 1);
  } else {
    counter++;
  }
  return timePart + counter.toString(16).padStart(4, "0") + randomPart;
}

function startMillisecond(time: number): void {
  lastTime = time;
  counter = 0;
  timePart = time.toString(16).padStart(12, "0");
  randomPart = randomHex() + randomHex();
}

function randomHex(): string {
  return Math.floor(Math.random() * 0x1_0000_0000)
    .toString(16)
    .padStart(8, "0");
}
