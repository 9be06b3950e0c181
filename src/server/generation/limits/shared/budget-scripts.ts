// The Lua scripts behind budgets shared by worker processes (see shared-limiter.ts). Each runs
// atomically in Redis, on Redis's clock (TIME), so processes on different hosts agree on when a
// lease ends, when a pause is over and when the next paced call is due.

/**
 * Takes a slot: KEYS leases (sorted set: lease id → expiry), pause (ms time), due (the schedule's
 * theoretical arrival time, GCRA), admitted (a count of every process's admissions); ARGV lease
 * id, limit, gap ms, burst, lease ms.
 * Returns {1, 0, active, admitted} when taken; {0, wait ms, active, admitted} when paused or
 * paced (try again then); {0, -1, active, admitted} when every slot is held (try again on a release).
 */
export const ACQUIRE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local active = redis.call('ZCARD', KEYS[1])
local admitted = tonumber(redis.call('GET', KEYS[4]) or '0')
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > now then return {0, paused - now, active, admitted} end
if active >= tonumber(ARGV[2]) then return {0, -1, active, admitted} end
local gap = tonumber(ARGV[3])
if gap > 0 then
  local due = math.max(tonumber(redis.call('GET', KEYS[3]) or '0'), now)
  local allowAt = due - (tonumber(ARGV[4]) - 1) * gap
  if allowAt > now then return {0, math.ceil(allowAt - now), active, admitted} end
  redis.call('SET', KEYS[3], tostring(due + gap), 'PX', math.ceil(due + gap - now) + 1000)
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[5]), ARGV[1])
return {1, 0, active + 1, redis.call('INCR', KEYS[4])}
`;

/** Gives a slot back and says so on the channel: KEYS leases; ARGV lease id, channel. */
export const RELEASE = `
local removed = redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('PUBLISH', ARGV[2], 'released')
return removed
`;

/** Holds every process's calls for ARGV[1] ms from now, unless already held longer: KEYS pause. */
export const PAUSE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs <= current then return current - now end
redis.call('SET', KEYS[1], tostring(untilMs), 'PX', tonumber(ARGV[1]) + 1000)
return tonumber(ARGV[1])
`;

/** Extends the leases this process still holds: KEYS leases; ARGV lease ms, then the lease ids. */
export const RENEW = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
for index = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[index]) end
return #ARGV - 1
`;

/**
 * Writes what a budget learned when it is based on the newest version, or when it lowers the
 * window or the rate (a decrease is never lost to another process's increase). KEYS state (hash:
 * version, state JSON, window, rate); ARGV base version, state JSON, window, rate (-1: none),
 * channel. A decrease is announced on the channel, so the other processes adopt it at once.
 * Returns {1, new version} or {0, version, state JSON}: the caller adopts the newer state.
 */
export const PUBLISH_STATE = `
local version = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
local current = redis.call('HGET', KEYS[1], 'state')
local window = tonumber(ARGV[3])
local rate = tonumber(ARGV[4])
local lowered = false
if current then
  local currentWindow = tonumber(redis.call('HGET', KEYS[1], 'window'))
  local currentRate = tonumber(redis.call('HGET', KEYS[1], 'rate'))
  lowered = window < currentWindow or (rate >= 0 and (currentRate < 0 or rate < currentRate))
end
if current and tonumber(ARGV[1]) ~= version and not lowered then return {0, version, current} end
redis.call('HSET', KEYS[1], 'version', version + 1, 'state', ARGV[2], 'window', ARGV[3], 'rate', ARGV[4])
if lowered then redis.call('PUBLISH', ARGV[5], 'state') end
return {1, version + 1}
`;
