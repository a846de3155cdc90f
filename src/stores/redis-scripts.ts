/**
 * The Lua scripts of the Redis store: each add and each take is one atomic script call.
 * Keys and arguments are described above each script. @internal
 */
import { createHash } from 'node:crypto';

/** How long a token key (a guard against lost replies) lives if nobody deletes it. */
export const TOKEN_TTL_MS = 3_600_000;

/** Most jobs one take script pops: Lua's `unpack` has a stack limit of about 8,000. */
export const MAX_TAKE = 1_000;

/*
 * KEYS: seq, wait[1..n], delayed[1..n].
 * ARGV: n, channel, origin, token key, limit (-1 = none), ack count, acks…, then per job: lane,
 * runAt ('' = due), body.
 * A repeated token (ioredis re-sent the call after a reconnect) adds nothing and answers 0. With a
 * limit, the size check and the add are one script, so processes racing to add cannot pass it: a
 * refusal adds nothing, sets no token and answers -1 - (jobs held). Else answers the count added.
 */
const ADD_LUA = `
local n = tonumber(ARGV[1])
local limit = tonumber(ARGV[5])
local acks = tonumber(ARGV[6])
for i = 7, 6 + acks do redis.call('DEL', ARGV[i]) end
if redis.call('EXISTS', ARGV[4]) == 1 then return 0 end
if limit >= 0 then
  local held = 0
  for i = 1, n do
    held = held + redis.call('LLEN', KEYS[1 + i]) + redis.call('ZCARD', KEYS[1 + n + i])
  end
  if held + (#ARGV - 6 - acks) / 3 > limit then return -1 - held end
end
redis.call('SET', ARGV[4], '1', 'PX', ${TOKEN_TTL_MS})
local added = 0
for i = 7 + acks, #ARGV, 3 do
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
 * KEYS: wait[1..n], delayed[1..n].
 * ARGV: n, now, token key, max, orphan count, orphans…, ack count, acks….
 * Pops up to `max` jobs, highest priority first, and records them under the token as a list of
 * `lane:body` entries. A re-sent call (the token exists) answers the same jobs again. Else an
 * orphan token (a call that rejected) is recovered: its first `max` jobs are answered and the rest
 * go back to the heads of their lanes. Else due delayed jobs are promoted, by (due time, seq), and
 * the heads popped. Answers the bodies, in order.
 */
const TAKE_LUA = `
local n = tonumber(ARGV[1])
local token = ARGV[3]
local max = tonumber(ARGV[4])
local o = tonumber(ARGV[5])
local a = tonumber(ARGV[6 + o])
for i = 7 + o, 6 + o + a do redis.call('DEL', ARGV[i]) end
local function split(entry)
  local c = string.find(entry, ':', 1, true)
  return tonumber(string.sub(entry, 1, c - 1)), string.sub(entry, c + 1)
end
local function answer(entries)
  local bodies = {}
  for i, entry in ipairs(entries) do
    local _, body = split(entry)
    bodies[i] = body
  end
  return bodies
end
local function record(entries)
  redis.call('RPUSH', token, unpack(entries))
  redis.call('PEXPIRE', token, ${TOKEN_TTL_MS})
  return answer(entries)
end
local again = redis.call('LRANGE', token, 0, -1)
if #again > 0 then return answer(again) end
for i = 6, 5 + o do
  local held = redis.call('LRANGE', ARGV[i], 0, -1)
  if #held > 0 then
    redis.call('DEL', ARGV[i])
    for j = #held, max + 1, -1 do
      local lane, body = split(held[j])
      redis.call('LPUSH', KEYS[lane], body)
      held[j] = nil
    end
    return record(held)
  end
end
for i = 1, n do
  local due = redis.call('ZRANGEBYSCORE', KEYS[n + i], '-inf', ARGV[2])
  if #due > 0 then
    for _, member in ipairs(due) do redis.call('RPUSH', KEYS[i], string.sub(member, 17)) end
    redis.call('ZREMRANGEBYSCORE', KEYS[n + i], '-inf', ARGV[2])
  end
end
local entries = {}
for i = 1, n do
  if #entries >= max then break end
  local bodies = redis.call('LPOP', KEYS[i], max - #entries)
  if bodies then
    for _, body in ipairs(bodies) do entries[#entries + 1] = i .. ':' .. body end
  end
end
if #entries == 0 then return {} end
return record(entries)`;

/** A Lua script and its SHA1, for EVALSHA. */
export interface Script {
  readonly lua: string;
  readonly sha: string;
}
/** A script of `lua`, with its SHA1. */
export const script = (lua: string): Script => ({ lua, sha: createHash('sha1').update(lua).digest('hex') });
/** Adds jobs (one script call per add or addMany). */
export const ADD = script(ADD_LUA);
/** Pops up to `max` due jobs, promoting due delayed jobs first. */
export const TAKE = script(TAKE_LUA);

/** The part of an ioredis client that runs scripts. */
interface ScriptRunner {
  evalsha(sha: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(lua: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/** EVALSHA, falling back to EVAL when Redis has not seen the script (first use, restart). */
export async function runScript(
  client: ScriptRunner,
  s: Script,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  try {
    return await client.evalsha(s.sha, keys.length, ...keys, ...args);
  } catch (thrown) {
    if (!(thrown instanceof Error) || !thrown.message.startsWith('NOSCRIPT')) throw thrown;
    return client.eval(s.lua, keys.length, ...keys, ...args);
  }
}
