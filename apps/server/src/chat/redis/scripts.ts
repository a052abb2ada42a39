/**
 * The Lua scripts of the Redis hub. Redis runs a script atomically, so each one is a single
 * step that no other instance can interleave with: that is what makes `seq` order, history
 * order and publish order agree, and what makes dedupe hold across instances.
 *
 * Publications on a room's channel are `m<seq>\n<message JSON>` or
 * `p<presence-seq> <member id>\n<presence JSON>` (see redis-hub-codec.ts).
 *
 * Time comes from Redis (`TIME`), never from an instance, so presence expiry does not depend
 * on the instances' clocks agreeing. Redis 5 and later replicate a script's effects, which
 * makes `TIME` inside a writing script safe.
 */

// Removes every member whose presence expired and publishes its `leave`, ordered by the
// presence counter. Shared by the join and heartbeat scripts.
const REAP = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function reap(members, presence, presence_seq, channel, now)
  local expired = redis.call('ZRANGEBYSCORE', presence, '-inf', tostring(now))
  for _, id in ipairs(expired) do
    local text = redis.call('HGET', members, id)
    redis.call('HDEL', members, id)
    redis.call('ZREM', presence, id)
    if text then
      local pseq = redis.call('INCR', presence_seq)
      redis.call('PUBLISH', channel, 'p' .. pseq .. ' ' .. id .. '\\n' .. text)
    end
  end
end
-- Every key of a room lives as long as the room is used: a room nobody touches for the
-- history ttl is forgotten whole, its seq included (a resume then sees truncated).
local function touch(ttl, keys)
  if ttl > 0 then
    for _, key in ipairs(keys) do redis.call('PEXPIRE', key, ttl) end
  end
end
`;

/**
 * say: KEYS seq, history, dedupe; ARGV dedupe field, message JSON before the seq,
 * after it, retained count, channel, history ttl (0: none), seq floor.
 * Returns `{1, seq}` for a new message, `{0, seq, original JSON}` for a duplicate.
 *
 * The floor is the highest seq the calling instance has delivered: if Redis lost its data, the
 * room's seq continues after it instead of restarting, so a resume sees `truncated`.
 */
export const SAY_SCRIPT = `${REAP}
local known = redis.call('HGET', KEYS[3], ARGV[1])
if known then
  local original = redis.call('ZRANGEBYSCORE', KEYS[2], known, known)
  if original[1] then return {0, tonumber(known), original[1]} end
end
local seq = redis.call('INCR', KEYS[1])
local floor = tonumber(ARGV[7])
if seq <= floor then
  seq = floor + 1
  redis.call('SET', KEYS[1], seq)
end
local text = ARGV[2] .. seq .. ARGV[3]
redis.call('ZADD', KEYS[2], seq, text)
redis.call('HSET', KEYS[3], ARGV[1], seq, '#' .. seq, ARGV[1])
local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if excess > 0 then
  local evicted = redis.call('ZRANGE', KEYS[2], 0, excess - 1, 'WITHSCORES')
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, excess - 1)
  for i = 2, #evicted, 2 do
    local back = '#' .. evicted[i]
    local field = redis.call('HGET', KEYS[3], back)
    if field then redis.call('HDEL', KEYS[3], field, back) end
  end
end
touch(tonumber(ARGV[6]), KEYS)
redis.call('PUBLISH', ARGV[5], 'm' .. seq .. '\\n' .. text)
return {1, seq}
`;

/**
 * join: KEYS seq, history, dedupe, members, presence, presence-seq; ARGV member id, its
 * `leave` JSON, its `join` JSON, channel, presence ttl, history ttl (0: none), seq floor, most
 * members (0: no limit).
 * Reaps expired members, adds this one, publishes its `join`, and returns the snapshot its
 * `welcome` is made of: `{seq, members' leave JSON list, presence-seq}`, or `{-1}` when the
 * room is full. History is not read here: a room's whole history could be megabytes, and a
 * script blocks Redis for every instance while it runs, so the welcome reads it afterwards in
 * bounded steps (store.ts). The same script puts back a live member that was reaped.
 */
export const JOIN_SCRIPT = `${REAP}
local now = now_ms()
reap(KEYS[4], KEYS[5], KEYS[6], ARGV[4], now)
local most = tonumber(ARGV[8])
if most > 0 and redis.call('HEXISTS', KEYS[4], ARGV[1]) == 0 and redis.call('HLEN', KEYS[4]) >= most then
  return {-1}
end
redis.call('HSET', KEYS[4], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[5], now + tonumber(ARGV[5]), ARGV[1])
local pseq = redis.call('INCR', KEYS[6])
redis.call('PUBLISH', ARGV[4], 'p' .. pseq .. ' ' .. ARGV[1] .. '\\n' .. ARGV[3])
local seq = tonumber(redis.call('GET', KEYS[1]) or '0')
local floor = tonumber(ARGV[7])
if seq < floor then
  seq = floor
  redis.call('SET', KEYS[1], seq)
end
touch(tonumber(ARGV[6]), KEYS)
return {seq, redis.call('HVALS', KEYS[4]), pseq}
`;

/**
 * leave: KEYS members, presence, presence-seq; ARGV member id, channel.
 * Removes the member and publishes its `leave`; returns 0 when it was not there.
 */
export const LEAVE_SCRIPT = `
local text = redis.call('HGET', KEYS[1], ARGV[1])
if not text then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
local pseq = redis.call('INCR', KEYS[3])
redis.call('PUBLISH', ARGV[2], 'p' .. pseq .. ' ' .. ARGV[1] .. '\\n' .. text)
return 1
`;

/**
 * heartbeat: KEYS seq, history, dedupe, members, presence, presence-seq; ARGV channel,
 * presence ttl, history ttl (0: none), then the ids of this instance's members in the room.
 * Extends their presence, reaps the expired ones (a crashed instance's members), keeps the
 * history alive, and returns `{seq, ids no longer present}`: the caller puts those back and
 * catches up when `seq` is ahead of what it delivered.
 */
export const HEARTBEAT_SCRIPT = `${REAP}
local now = now_ms()
local expiry = now + tonumber(ARGV[2])
local missing = {}
for i = 4, #ARGV do
  if redis.call('HEXISTS', KEYS[4], ARGV[i]) == 1 then
    redis.call('ZADD', KEYS[5], expiry, ARGV[i])
  else
    missing[#missing + 1] = ARGV[i]
  end
end
reap(KEYS[4], KEYS[5], KEYS[6], ARGV[1], now)
touch(tonumber(ARGV[3]), KEYS)
return {tonumber(redis.call('GET', KEYS[1]) or '0'), missing}
`;
