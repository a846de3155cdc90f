/**
 * The Lua scripts of the Redis store: each add and each take is one atomic script call.
 * Keys and arguments are described above each script. @internal
 */
import { createHash } from 'node:crypto';

/** How long a token key (a guard against lost replies) lives if nobody deletes it. */
const TOKEN_TTL_MS = 3_600_000;

/*
 * KEYS: seq, wait[1..n], delayed[1..n].
 * ARGV: n, channel, origin, token key, ack count, acks…, then per job: lane, runAt ('' = due), body.
 * A repeated token (ioredis re-sent the call after a reconnect) adds nothing.
 */
const ADD_LUA = `
local n = tonumber(ARGV[1])
local acks = tonumber(ARGV[5])
for i = 6, 5 + acks do redis.call('DEL', ARGV[i]) end
if not redis.call('SET', ARGV[4], '1', 'NX', 'PX', ${TOKEN_TTL_MS}) then return 0 end
local added = 0
for i = 6 + acks, #ARGV, 3 do
  local lane = tonumber(ARGV[i])
  if ARGV[i + 1] == '' then
    redis.call('RPUSH', KEYS[1 + lane], ARGV[i + 2])
  else
    local seq = redis.call('INCR', KEYS[1])
    redis.call('ZADD', KEYS[1 + n + lane], ARGV[i + 1], string.format('%016d', seq) .. ARGV[i + 2])
  end
  added = added + 1
end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return added`;

/*
 * KEYS: wait[1..n], delayed[1..n]. ARGV: n, now, token key, orphan count, orphans…, ack count, acks….
 * Answers the job already recorded under the token (a re-sent call) or under an orphan token (a
 * call that rejected); else promotes due delayed jobs, by (due time, seq), and pops the first head.
 */
const TAKE_LUA = `
local n = tonumber(ARGV[1])
local token = ARGV[3]
local o = tonumber(ARGV[4])
local a = tonumber(ARGV[5 + o])
for i = 6 + o, 5 + o + a do redis.call('DEL', ARGV[i]) end
local again = redis.call('GET', token)
if again then return again end
for i = 5, 4 + o do
  local body = redis.call('GET', ARGV[i])
  if body then
    redis.call('DEL', ARGV[i])
    redis.call('SET', token, body, 'PX', ${TOKEN_TTL_MS})
    return body
  end
end
for i = 1, n do
  local due = redis.call('ZRANGEBYSCORE', KEYS[n + i], '-inf', ARGV[2])
  if #due > 0 then
    for _, member in ipairs(due) do redis.call('RPUSH', KEYS[i], string.sub(member, 17)) end
    redis.call('ZREMRANGEBYSCORE', KEYS[n + i], '-inf', ARGV[2])
  end
end
for i = 1, n do
  local body = redis.call('LPOP', KEYS[i])
  if body then
    redis.call('SET', token, body, 'PX', ${TOKEN_TTL_MS})
    return body
  end
end
return false`;

/** A Lua script and its SHA1, for EVALSHA. */
export interface Script {
  readonly lua: string;
  readonly sha: string;
}
const script = (lua: string): Script => ({ lua, sha: createHash('sha1').update(lua).digest('hex') });
/** Adds jobs (one script call per add or addMany). */
export const ADD = script(ADD_LUA);
/** Pops the next due job, promoting due delayed jobs first. */
export const TAKE = script(TAKE_LUA);
