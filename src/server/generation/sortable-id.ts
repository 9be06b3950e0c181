// Ids that sort by creation time. Rows created together (a run's tasks) then sit next to each
// other in the primary-key index, so a batch of updates touches a few pages instead of one page
// per row. They are not secrets (every read checks the team), so Math.random is random enough and
// much cheaper than a call into crypto for every task.
let lastTime = 0;
let counter = 0;

/** 32 lowercase hex characters: milliseconds (12), a counter within the millisecond (4), random (16). */
export function sortableId(): string {
  const now = Date.now();
  if (now > lastTime) {
    lastTime = now;
    counter = 0;
  } else {
    counter = (counter + 1) & 0xffff;
  }
  return lastTime.toString(16).padStart(12, "0") + counter.toString(16).padStart(4, "0") + randomHex() + randomHex();
}

function randomHex(): string {
  return Math.floor(Math.random() * 0x1_0000_0000)
    .toString(16)
    .padStart(8, "0");
}
