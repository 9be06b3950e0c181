// The Lua scripts behind budgets shared by worker processes (see shared-limiter.ts). Each runs
// atomically in Redis, on Redis's clock (TIME), so processes on different hosts agree on when a
// lease ends, when a pause is over and when the next paced call is due.

/**
 * Takes a slot: KEYS leases (sorted set: lease id → expiry), pause (ms time), due (the schedule's
 * theoretical arrival time, GCRA), admitted (a count of every process's admissions), state (the
 * shared decision: see SET_STATE), gap (the last gap a paced caller asked for); ARGV lease id,
 * limit, gap ms, burst, lease ms.
 * A caller that paces one at a time (burst 1) with no gap of its own (no round trip measured yet:
 * a worker that joined late or has had no answer) paces at the gap the others last used, rather
 * than let its calls through in a clump the provider's small burst refuses.
 * The limit is the stored window's whole part while the budget paces by window (every process
 * admits under the one window, whatever it last heard), else the caller's.
 * Returns {1, 0, active, admitted, limit} when taken; {0, wait ms, active, admitted, limit} when
 * paused or paced (try again then); {0, -1, active, admitted, limit} when every slot is held (try
 * again on a release).
 */
export const ACQUIRE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local active = redis.call('ZCARD', KEYS[1])
local admitted = tonumber(redis.call('GET', KEYS[4]) or '0')
local limit = tonumber(ARGV[2])
local window = tonumber(redis.call('HGET', KEYS[5], 'window') or '-1')
if window >= 0 and tonumber(redis.call('HGET', KEYS[5], 'rate') or '-1') < 0 then limit = math.max(1, math.floor(window)) end
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > now then return {0, paused - now, active, admitted, limit} end
if active >= limit then return {0, -1, active, admitted, limit} end
local gap = tonumber(ARGV[3])
local burst = tonumber(ARGV[4])
if burst == 1 then
  if gap > 0 then redis.call('SET', KEYS[6], ARGV[3], 'PX', 60000)
  else gap = tonumber(redis.call('GET', KEYS[6]) or '0') end
end
if gap > 0 then
  local due = math.max(tonumber(redis.call('GET', KEYS[3]) or '0'), now)
  local allowAt = due - (burst - 1) * gap
  if allowAt > now then return {0, math.ceil(allowAt - now), active, admitted, limit} end
  redis.call('SET', KEYS[3], tostring(due + gap), 'PX', math.ceil(due + gap - now) + 1000)
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[5]), ARGV[1])
return {1, 0, active + 1, redis.call('INCR', KEYS[4]), limit}
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

/**
 * Extends the leases this process still holds: KEYS leases; ARGV lease ms, then the lease ids.
 * Returns the ids that are gone (they ran out, and an acquire gave their slots to others).
 */
export const RENEW = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local gone = {}
for index = 2, #ARGV do
  if redis.call('ZSCORE', KEYS[1], ARGV[index]) then redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[index])
  else table.insert(gone, ARGV[index]) end
end
return gone
`;

/**
 * Writes what a budget learned, whole: KEYS state (hash: version, state JSON, window, rate,
 * decreasedAt); ARGV base version, state JSON, window, rate (-1: paced by window), decreasedAt,
 * channel, announce (1: a decrease, said on the channel so the other processes adopt it at once).
 * Written when nothing is stored, when it carries a newer decrease than the stored one (a
 * decrease is never lost to another process's growth), or when it was based on the newest
 * version. Returns {1, new version} or {0, version, state JSON, window, rate}: the caller adopts
 * what is stored.
 */
export const SET_STATE = `
local version = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
local current = redis.call('HGET', KEYS[1], 'state')
if current then
  local decreasedAt = tonumber(redis.call('HGET', KEYS[1], 'decreasedAt') or '0')
  if tonumber(ARGV[5]) <= decreasedAt and tonumber(ARGV[1]) ~= version then
    return {0, version, current, redis.call('HGET', KEYS[1], 'window'), redis.call('HGET', KEYS[1], 'rate')}
  end
end
redis.call('HSET', KEYS[1], 'version', version + 1, 'state', ARGV[2], 'window', ARGV[3], 'rate', ARGV[4], 'decreasedAt', ARGV[5])
if ARGV[7] == '1' then redis.call('PUBLISH', ARGV[6], 'state') end
return {1, version + 1}
`;

/**
 * Adds one process's growth to the stored budget, whatever version it was made on: every
 * process's successes climb the one budget, as one process's successes climb its own. KEYS
 * state; ARGV window growth, rate growth, cap, paced by rate (1/0). When the stored budget paces
 * the other way, nothing is added. Returns {1, version, window, rate} (numbers as strings: Lua's
 * would be cut to integers) or {0, version, state JSON, window, rate} to adopt.
 */
export const GROW_STATE = `
local version = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
local current = redis.call('HGET', KEYS[1], 'state')
if not current then return {0, version} end
local window = tonumber(redis.call('HGET', KEYS[1], 'window'))
local rate = tonumber(redis.call('HGET', KEYS[1], 'rate'))
if (rate >= 0) ~= (ARGV[4] == '1') then return {0, version, current, tostring(window), tostring(rate)} end
if rate >= 0 then rate = rate + tonumber(ARGV[2]) else window = math.min(tonumber(ARGV[3]), window + tonumber(ARGV[1])) end
redis.call('HSET', KEYS[1], 'version', version + 1, 'window', tostring(window), 'rate', tostring(rate))
return {1, version + 1, tostring(window), tostring(rate)}
`;
