/**
 * The Lua scripts of the Redis store's job records: each write that moves a job moves its record
 * in the same script, so no crash and no race leaves a record claiming a state its job is not in.
 * Used only when the queue keeps records; without them the store runs the scripts of
 * redis-scripts.ts, which know nothing of records.
 *
 * Every script gets KEYS = seq, wait[1..n], delayed[1..n] and ARGV[1] = the queue's key base
 * (`<prefix>{<queue>}`), ARGV[2] = n, ARGV[3] = now; its own arguments follow. Record keys are
 * built from the base, so they share the queue's hash tag (and hash slot).
 *
 * Keys: `<base>:job:<id>` a hash per record (fields below); `<base>:state:<state>` a sorted set
 * per state but active, member = job id, score = an INCR sequence taken when the job entered the
 * state (so pages read newest first, and pruning takes the oldest); `<base>:active:<pid>` a set of
 * the ids active under process pid, and `<base>:actives` the set of those pids;
 * `<base>:paused`, set while paused.
 * Record fields: b body (the job as stored, JSON), s state, q sequence (not rewritten on completion:
 * a completed record is never retried or requeued, and LIST reads its state score), a attempts, l lane (read
 * only while the job is held in one: waiting, delayed, failed), dm its member in the delayed set, t0 started,
 * t1 finished, e error (JSON), r result (JSON), p progress (JSON), pid process, wk worker, why reason.
 * With records, the wait lists and delayed sets hold job ids; the body lives in the record.
 * @internal
 */
import { JOB_END_STATES } from '../jobs/job-retention';
import { PRUNE_ON_WRITE } from './job-records';
import { script, TOKEN_TTL_MS } from './redis-scripts';

/** The end states as a Lua list, in the order their retention arguments come (`JOB_END_STATES`). */
const END_STATES = `{${JOB_END_STATES.map((state) => `'${state}'`).join(', ')}}`;

const LIB = `
local B = ARGV[1]
local n = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local function rk(id) return B .. ':job:' .. id end
-- Integers go to Redis as strings made here: Redis would format a Lua number with %.17g, slowly.
local function int(x) return string.format('%d', x) end
local function sk(state) return B .. ':state:' .. state end
-- Active jobs are not in a sorted set: each process has a set of the ids it runs (SADD, SREM and
-- SMISMEMBER are O(1) each, where a small sorted set is a listpack, O(n) per write), and
-- <base>:actives lists the processes that may have one.
local function ak(pid) return B .. ':active:' .. pid end
local function leave(state, id, pid)
  if state == 'active' then redis.call('SREM', ak(pid), id) else redis.call('ZREM', sk(state), id) end
end
-- The lane or delayed set holds a job only while its record is waiting, delayed or failed.
local held = {waiting = true, delayed = true, failed = true}
local function enter(id, state, old, pid)
  if old then leave(old, id, pid) end
  local q = int(redis.call('INCR', KEYS[1]))
  redis.call('ZADD', sk(state), q, id)
  redis.call('HSET', rk(id), 's', state, 'q', q)
end
local function store(id, lane, runAt)
  if runAt == '' then
    redis.call('RPUSH', KEYS[1 + lane], id)
    redis.call('HSET', rk(id), 'l', lane)
    redis.call('HDEL', rk(id), 'dm')
    return 'waiting'
  end
  local m = string.format('%016d', redis.call('INCR', KEYS[1])) .. id
  redis.call('ZADD', KEYS[1 + n + lane], runAt, m)
  redis.call('HSET', rk(id), 'l', lane, 'dm', m)
  return 'delayed'
end
local function unstore(id, s)
  if not held[s] then return end
  local at = redis.call('HMGET', rk(id), 'l', 'dm')
  if at[2] then redis.call('ZREM', KEYS[1 + n + tonumber(at[1])], at[2])
  elseif at[1] and at[1] ~= '0' then redis.call('LREM', KEYS[1 + tonumber(at[1])], 1, id) end
  redis.call('HDEL', rk(id), 'l', 'dm')
end
local function apply(id, from, kv, key)
  key = key or rk(id)
  local sets = tonumber(ARGV[from])
  kv = kv or {}
  for i = from + 1, from + 2 * sets do kv[#kv + 1] = ARGV[i] end
  if #kv > 0 then redis.call('HSET', key, unpack(kv)) end
  local dels = tonumber(ARGV[from + 1 + 2 * sets])
  local last = from + 1 + 2 * sets + dels
  if dels > 0 then redis.call('HDEL', key, unpack(ARGV, from + 2 + 2 * sets, last)) end
  return last + 1
end
local function skip(from)
  local sets = tonumber(ARGV[from])
  return from + 2 + 2 * sets + tonumber(ARGV[from + 1 + 2 * sets])
end
-- Prunes up to max records of state, oldest first: those over the count cap (one ZPOPMIN), then
-- those finished more than maxAge ago, at most max in all. An ending write (ageMax given) takes at
-- most ageMax of the age backlog, and none once the cap pruned: the timer's prune sees to the rest.
local function prune(state, max, maxAge, maxCount, ageMax)
  local key = sk(state)
  local pruned = 0
  if max <= 0 then return 0 end
  if maxCount >= 0 then
    local over = redis.call('ZCARD', key) - maxCount
    if over > 0 then
      local count = math.min(over, max)
      local heads = redis.call('ZRANGE', key, 0, count - 1)
      redis.call('ZREMRANGEBYRANK', key, 0, count - 1)
      local gone = {}
      for i, head in ipairs(heads) do gone[i] = rk(head) end
      redis.call('DEL', unpack(gone))
      pruned = #gone
    end
  end
  if maxAge < 0 or (ageMax and pruned > 0) then return pruned end
  local budget = math.min(ageMax or max, max - pruned)
  if budget <= 0 then return pruned end
  local heads = redis.call('ZRANGE', key, 0, budget - 1)
  local aged, gone = {}, {}
  for _, head in ipairs(heads) do
    local fin = tonumber(redis.call('HGET', rk(head), 't1'))
    if not (fin and now - fin > maxAge) then break end
    aged[#aged + 1] = head
    gone[#gone + 1] = rk(head)
  end
  if #aged > 0 then
    redis.call('ZREM', key, unpack(aged))
    redis.call('DEL', unpack(gone))
  end
  return pruned + #aged
end
`;

/*
 * ARGV from 4: channel, origin, token key, limit (-1 = none), ack count, acks…, then per job:
 * lane, runAt ('' = due), id, attempts, body. As ADD: a repeated token adds nothing, a refused
 * limit answers -1 - held. A record of the same id is replaced (its stored job dropped).
 */
const ADD_LUA = `${LIB}
local limit = tonumber(ARGV[7])
local acks = tonumber(ARGV[8])
for i = 9, 8 + acks do redis.call('DEL', ARGV[i]) end
if redis.call('EXISTS', ARGV[6]) == 1 then return 0 end
if limit >= 0 then
  local held = 0
  for i = 1, n do held = held + redis.call('LLEN', KEYS[1 + i]) + redis.call('ZCARD', KEYS[1 + n + i]) end
  if held + (#ARGV - 8 - acks) / 5 > limit then return -1 - held end
end
redis.call('SET', ARGV[6], '1', 'PX', ${TOKEN_TTL_MS})
local added = (#ARGV - 8 - acks) / 5
-- One sequence range for the batch: each job's delayed member (if any) and its state entry.
local q = redis.call('INCRBY', KEYS[1], 2 * added) - 2 * added
local waiting, delayed = {}, {}
for i = 9 + acks, #ARGV, 5 do
  local id, lane, runAt = ARGV[i + 2], tonumber(ARGV[i]), ARGV[i + 1]
  local old = redis.call('HMGET', rk(id), 's', 'pid')
  if old[1] then
    unstore(id, old[1])
    leave(old[1], id, old[2])
    redis.call('DEL', rk(id))
  end
  q = q + 2
  if runAt == '' then
    redis.call('RPUSH', KEYS[1 + lane], id)
    local qs = int(q)
    redis.call('HSET', rk(id), 'b', ARGV[i + 4], 'a', ARGV[i + 3], 'l', ARGV[i], 's', 'waiting', 'q', qs)
    waiting[#waiting + 1] = qs
    waiting[#waiting + 1] = id
  else
    local m = string.format('%016d', q - 1) .. id
    redis.call('ZADD', KEYS[1 + n + lane], runAt, m)
    local qs = int(q)
    redis.call('HSET', rk(id), 'b', ARGV[i + 4], 'a', ARGV[i + 3], 'l', ARGV[i], 'dm', m, 's', 'delayed', 'q', qs)
    delayed[#delayed + 1] = qs
    delayed[#delayed + 1] = id
  end
end
if #waiting > 0 then redis.call('ZADD', sk('waiting'), unpack(waiting)) end
if #delayed > 0 then redis.call('ZADD', sk('delayed'), unpack(delayed)) end
redis.call('PUBLISH', ARGV[4], ARGV[5])
return added`;

/*
 * ARGV from 4: process id, token key, max, orphan count, orphans…, ack count, acks….
 * As TAKE, on ids: a re-sent call answers the same jobs again; an orphan's jobs are recovered
 * (those put back in line become waiting again); while paused nothing is taken; due delayed jobs
 * are promoted (a delayed record becomes waiting, a failed one stays failed); each job popped is
 * marked active (process, started now, attempts + 1). Answers id, body, id, body…, in order
 * (the id too, so that a body that cannot be decoded still names its record).
 */
const TAKE_LUA = `${LIB}
local pid = ARGV[4]
local token = ARGV[5]
local max = tonumber(ARGV[6])
local o = tonumber(ARGV[7])
local a = tonumber(ARGV[8 + o])
for i = 9 + o, 8 + o + a do redis.call('DEL', ARGV[i]) end
local function split(entry)
  local c = string.find(entry, ':', 1, true)
  return tonumber(string.sub(entry, 1, c - 1)), string.sub(entry, c + 1)
end
local function answer(entries)
  local out = {}
  for _, entry in ipairs(entries) do
    local _, id = split(entry)
    local body = redis.call('HGET', rk(id), 'b')
    if body then
      out[#out + 1] = id
      out[#out + 1] = body
    end
  end
  return out
end
local function record(entries)
  redis.call('RPUSH', token, unpack(entries))
  redis.call('PEXPIRE', token, ${TOKEN_TTL_MS})
  return answer(entries)
end
local again = redis.call('LRANGE', token, 0, -1)
if #again > 0 then return answer(again) end
for i = 8, 7 + o do
  local held = redis.call('LRANGE', ARGV[i], 0, -1)
  if #held > 0 then
    redis.call('DEL', ARGV[i])
    for j = #held, max + 1, -1 do
      local lane, id = split(held[j])
      redis.call('LPUSH', KEYS[1 + lane], id)
      redis.call('HSET', rk(id), 'l', lane)
      redis.call('HINCRBY', rk(id), 'a', -1)
      enter(id, 'waiting', 'active', pid)
      held[j] = nil
    end
    return record(held)
  end
end
if redis.call('EXISTS', B .. ':paused') == 1 then return {} end
for i = 1, n do
  local due = redis.call('ZRANGEBYSCORE', KEYS[1 + n + i], '-inf', ARGV[3])
  if #due > 0 then
    for _, member in ipairs(due) do
      local id = string.sub(member, 17)
      redis.call('RPUSH', KEYS[1 + i], id)
      redis.call('HDEL', rk(id), 'dm')
      if redis.call('HGET', rk(id), 's') == 'delayed' then enter(id, 'waiting', 'delayed') end
    end
    redis.call('ZREMRANGEBYSCORE', KEYS[1 + n + i], '-inf', ARGV[3])
  end
end
local entries, bodies = {}, {}
-- The next attempt count of the usual few, without a string.format each.
local NEXT = {['0'] = '1', ['1'] = '2', ['2'] = '3', ['3'] = '4', ['4'] = '5'}
for i = 1, n do
  if #entries >= max then break end
  local ids = redis.call('LPOP', KEYS[1 + i], max - #entries)
  if ids then
    -- One sequence range, one ZREM from waiting and one SADD to active for the whole pop.
    local q0 = redis.call('INCRBY', KEYS[1], #ids) - #ids
    local waited, active = {}, {}
    local tag = int(i) .. ':'
    for j, id in ipairs(ids) do
      local key = rk(id)
      local at = redis.call('HMGET', key, 's', 'a', 'b')
      if at[1] then
        local q = int(q0 + j)
        -- The lane field stays: it counts only while the record is held (see unstore).
        local a = NEXT[at[2]] or int(tonumber(at[2]) + 1)
        redis.call('HSET', key, 's', 'active', 'q', q, 'a', a, 'pid', pid, 't0', ARGV[3])
        if at[1] == 'waiting' then waited[#waited + 1] = id else redis.call('ZREM', sk(at[1]), id) end
        active[#active + 1] = id
        entries[#entries + 1] = tag .. id
        bodies[#bodies + 1] = id
        bodies[#bodies + 1] = at[3]
      end
    end
    if #waited > 0 then redis.call('ZREM', sk('waiting'), unpack(waited)) end
    if #active > 0 then
      redis.call('SADD', ak(pid), unpack(active))
      redis.call('SADD', B .. ':actives', pid)
    end
  end
end
if #entries == 0 then return {} end
redis.call('RPUSH', token, unpack(entries))
redis.call('PEXPIRE', token, ${TOKEN_TTL_MS})
return bodies`;

/*
 * ARGV from 4: process id, then max age and max count (-1 = none) of each end state (completed,
 * dead, lost, cancelled), the bus channel and the batch's broadcast ('' = none), then per job:
 * job id, now, end state, sets and dels (see apply). Each job ends only while active under this
 * process (and once per call); answers 1 or 0 (nothing changed) per job, in order. ARGV[3] is
 * unused: each job has its own now. The batch shares one sequence range, one ZREM from active,
 * one ZADD per end state and one prune per end state, of up to PRUNE_ON_WRITE records per job
 * ended. The broadcast (the events of the batch's ends, as RedisBus publishes them) goes out only
 * when every end applied: otherwise the caller publishes those of the ends that did.
 */
const FINISH_LUA = `${LIB}
local pid = ARGV[4]
local states = ${END_STATES}
local out, ok, seen = {}, {}, {}
-- A job is active under this process while it is in the process's active set: one SMISMEMBER
-- checks the batch.
local at, ids = {}, {}
local i = 15
while i <= #ARGV do
  at[#at + 1] = i
  ids[#ids + 1] = ARGV[i]
  i = skip(i + 3)
end
if #ids == 0 then return out end
local member = redis.call('SMISMEMBER', ak(pid), unpack(ids))
for j, id in ipairs(ids) do
  if member[j] == 1 and not seen[id] then
    seen[id] = rk(id)
    ok[#ok + 1] = at[j]
    out[j] = 1
  else
    out[j] = 0
  end
end
if #ok == 0 then return out end
local q = redis.call('INCRBY', KEYS[1], #ok) - #ok
local ended, into = {}, {}
for j, at in ipairs(ok) do
  local id, state = ARGV[at], ARGV[at + 2]
  local qs = int(q + j)
  -- A completed record is never retried or requeued, the only moves that compare its sequence:
  -- it lives in its state's score alone (LIST answers the score).
  local kv = state == 'completed' and {'s', state, 't1', ARGV[at + 1]} or {'s', state, 'q', qs, 't1', ARGV[at + 1]}
  apply(id, at + 3, kv, seen[id])
  ended[j] = id
  local entries = into[state]
  if not entries then entries = {}; into[state] = entries end
  entries[#entries + 1] = qs
  entries[#entries + 1] = id
end
-- Pruning by age goes by the batch's last end (finishes are queued in the order they happen).
now = tonumber(ARGV[ok[#ok] + 1])
redis.call('SREM', ak(pid), unpack(ended))
for k, state in ipairs(states) do
  local entries = into[state]
  if entries then
    redis.call('ZADD', sk(state), unpack(entries))
    local writes = #entries / 2
    prune(state, ${PRUNE_ON_WRITE} * writes, tonumber(ARGV[3 + 2 * k]), tonumber(ARGV[4 + 2 * k]), writes)
  end
end
if ARGV[14] ~= '' and #ok == #ids then redis.call('PUBLISH', ARGV[13], ARGV[14]) end
return out`;

/*
 * ARGV from 4: process id, job id, lane, runAt ('' = due), channel, origin, then sets and dels.
 * Only while active under this process: stores the retry (sets hold its body and attempts) and
 * marks the record failed; answers 1, else 0.
 */
const RETRY_LATER_LUA = `${LIB}
local id = ARGV[5]
local at = redis.call('HMGET', rk(id), 's', 'pid')
if at[1] ~= 'active' or at[2] ~= ARGV[4] then return 0 end
apply(id, 10)
if store(id, tonumber(ARGV[6]), ARGV[7]) == 'waiting' then redis.call('PUBLISH', ARGV[8], ARGV[9]) end
enter(id, 'failed', 'active', ARGV[4])
return 1`;

/* ARGV from 4: process id, job id, then sets and dels. Only while active under this process. */
const PROGRESS_LUA = `${LIB}
local id = ARGV[5]
local at = redis.call('HMGET', rk(id), 's', 'pid')
if at[1] ~= 'active' or at[2] ~= ARGV[4] then return 0 end
apply(id, 6)
return 1`;

/*
 * ARGV from 4: job id, max age, max count (of cancelled), then sets and dels.
 * Answers {'none'}, {'active', pid}, {'ended', state}, or {'cancelled', record fields…}: a job
 * waiting, delayed or failed leaves its lane or set and its record ends cancelled.
 */
const CANCEL_LUA = `${LIB}
local id = ARGV[4]
local at = redis.call('HMGET', rk(id), 's', 'pid')
local s = at[1]
if not s then return {'none'} end
if s == 'active' then return {'active', at[2] or ''} end
if s ~= 'waiting' and s ~= 'delayed' and s ~= 'failed' then return {'ended', s} end
unstore(id, s)
apply(id, 7)
redis.call('HSET', rk(id), 't1', now)
enter(id, 'cancelled', s)
local fields = redis.call('HGETALL', rk(id))
prune('cancelled', ${PRUNE_ON_WRITE}, tonumber(ARGV[5]), tonumber(ARGV[6]), 1)
return {'cancelled', unpack(fields)}`;

/* ARGV from 4: job id. Answers 0 (unknown), -1 (active: refused), or 1 (removed, its job too). */
const REMOVE_LUA = `${LIB}
local id = ARGV[4]
local s = redis.call('HGET', rk(id), 's')
if not s then return 0 end
if s == 'active' then return -1 end
unstore(id, s)
redis.call('ZREM', sk(s), id)
redis.call('DEL', rk(id))
return 1`;

/*
 * ARGV from 4: job id, the sequence the caller read, lane, channel, origin, then sets and dels
 * (the new body and attempts; fields to clear). Stores the job again, due now, and marks the
 * record waiting, only if the record has not moved since it was read (same sequence): a
 * retry or a requeue applies once, however many processes try. Answers the record fields or {}.
 */
const AGAIN_LUA = `${LIB}
local id = ARGV[4]
local at = redis.call('HMGET', rk(id), 's', 'q', 'pid')
if not at[1] or at[2] ~= ARGV[5] then return {} end
apply(id, 9)
store(id, tonumber(ARGV[6]), '')
enter(id, 'waiting', at[1], at[3])
redis.call('PUBLISH', ARGV[7], ARGV[8])
return redis.call('HGETALL', rk(id))`;

/*
 * ARGV from 4: job id, its sequence when the reap named it, max age, max count (of lost). A
 * reaper's requeue candidate whose body is no job: only while still active under that sequence,
 * its record ends lost (process-gone), as the reap ends those it does not requeue.
 */
const LOSE_LUA = `${LIB}
local id = ARGV[4]
local at = redis.call('HMGET', rk(id), 's', 'q', 'pid')
if at[1] ~= 'active' or at[2] ~= ARGV[5] then return {} end
redis.call('HSET', rk(id), 't1', now, 'why', 'process-gone')
enter(id, 'lost', 'active', at[3])
prune('lost', ${PRUNE_ON_WRITE}, tonumber(ARGV[6]), tonumber(ARGV[7]), 1)
return redis.call('HGETALL', rk(id))`;

/*
 * ARGV from 4: requeue (1/0), max age, max count (of lost).
 * Every active job of a process that holds no lease past now (oldest first): with requeue and
 * retries left, it is answered as a candidate {id, seq} for AGAIN; else its record ends lost
 * (process-gone) here. Expired leases are then dropped, and processes with no active job left
 * leave <base>:actives. Answers {lost records (id, field list)…}, {candidates…}.
 */
const REAP_LUA = `${LIB}
local requeue = ARGV[4] == '1'
local leases = B .. ':leases'
local lost, again = {}, {}
for _, p in ipairs(redis.call('SMEMBERS', B .. ':actives')) do
  local expires = tonumber(redis.call('ZSCORE', leases, p))
  if not (expires and expires > now) then
    local jobs = {}
    for _, id in ipairs(redis.call('SMEMBERS', ak(p))) do
      local at = redis.call('HMGET', rk(id), 'q', 'b')
      jobs[#jobs + 1] = {id, at[1], at[2]}
    end
    table.sort(jobs, function(x, y) return (tonumber(x[2]) or 0) < (tonumber(y[2]) or 0) end)
    for _, j in ipairs(jobs) do
      local id = j[1]
      -- A body that cannot be decoded cannot run again: it ends lost, and the reap goes on.
      local ok, job = false, nil
      if requeue then ok, job = pcall(cjson.decode, j[3] or '') end
      if ok and type(job) == 'table' and type(job.attempts) == 'number'
        and type(job.maxRetries) == 'number' and job.attempts < job.maxRetries then
        again[#again + 1] = id
        again[#again + 1] = j[2]
      else
        redis.call('HSET', rk(id), 't1', now, 'why', 'process-gone')
        enter(id, 'lost', 'active', p)
        lost[#lost + 1] = id
        lost[#lost + 1] = redis.call('HGETALL', rk(id))
        prune('lost', ${PRUNE_ON_WRITE}, tonumber(ARGV[5]), tonumber(ARGV[6]), 1)
      end
    end
  end
  if redis.call('EXISTS', ak(p)) == 0 then redis.call('SREM', B .. ':actives', p) end
end
for _, p in ipairs(redis.call('ZRANGEBYSCORE', leases, '-inf', now)) do
  redis.call('ZREM', leases, p)
  redis.call('HDEL', B .. ':procs', p)
end
return {lost, again}`;

/* ARGV from 4: max, then max age and max count per end state (completed, dead, lost, cancelled). */
const PRUNE_LUA = `${LIB}
local max = tonumber(ARGV[4])
local pruned = 0
local states = ${END_STATES}
for i, state in ipairs(states) do
  pruned = pruned + prune(state, max - pruned, tonumber(ARGV[3 + 2 * i]), tonumber(ARGV[4 + 2 * i]))
end
return pruned`;

/*
 * ARGV from 4: state, the highest sequence to read ('+inf' or '(<seq>'), limit.
 * Answers {more (1/0), then per record its id, its sequence and its field list…}, newest first
 * (the hash holds no id: its key does; the sequence is the state's score: a completed record's
 * hash holds none). Active jobs, in the sets of the
 * processes running them (as many as the workers running), are sorted here by sequence.
 */
const LIST_LUA = `${LIB}
local limit = tonumber(ARGV[6])
local ids
if ARGV[4] == 'active' then
  local below = ARGV[5] == '+inf' and math.huge or tonumber(string.sub(ARGV[5], 2))
  local rows = {}
  for _, p in ipairs(redis.call('SMEMBERS', B .. ':actives')) do
    for _, id in ipairs(redis.call('SMEMBERS', ak(p))) do
      local q = tonumber(redis.call('HGET', rk(id), 'q'))
      if q and q < below then rows[#rows + 1] = {q, id} end
    end
  end
  table.sort(rows, function(x, y) return x[1] > y[1] end)
  ids = {}
  for i = 1, math.min(#rows, limit + 1) do ids[#ids + 1] = rows[i][2]; ids[#ids + 1] = int(rows[i][1]) end
else
  ids = redis.call('ZREVRANGEBYSCORE', sk(ARGV[4]), ARGV[5], '-inf', 'WITHSCORES', 'LIMIT', 0, limit + 1)
end
local out = {#ids > 2 * limit and 1 or 0}
for i = 1, math.min(#ids, 2 * limit), 2 do
  out[#out + 1] = ids[i]
  out[#out + 1] = ids[i + 1]
  out[#out + 1] = redis.call('HGETALL', rk(ids[i]))
end
return out`;

/* ARGV from 4: the states. Answers the count of each: a ZCARD, the active ones summed over processes. */
const COUNTS_LUA = `${LIB}
local out = {}
for i = 4, #ARGV do
  if ARGV[i] == 'active' then
    local sum = 0
    for _, p in ipairs(redis.call('SMEMBERS', B .. ':actives')) do sum = sum + redis.call('SCARD', ak(p)) end
    out[#out + 1] = sum
  else
    out[#out + 1] = redis.call('ZCARD', sk(ARGV[i]))
  end
end
return out`;

/** Adds jobs and writes their records. */
export const ADD_RECORDS = script(ADD_LUA);
/** Pops due jobs and marks their records active. */
export const TAKE_RECORDS = script(TAKE_LUA);
/** Ends an active record, pruning a little of its end state. */
export const FINISH = script(FINISH_LUA);
/** Stores a retry of an active job and marks its record failed. */
export const RETRY_LATER = script(RETRY_LATER_LUA);
/** Stores progress on an active record. */
export const PROGRESS = script(PROGRESS_LUA);
/** Cancels a job that is not running. */
export const CANCEL = script(CANCEL_LUA);
/** Removes a record and its stored job. */
export const REMOVE = script(REMOVE_LUA);
/** Stores a job again as one more attempt, if its record has not moved. */
export const AGAIN = script(AGAIN_LUA);
/** Ends the active jobs of processes without a lease as lost (or names them for a requeue). */
export const REAP = script(REAP_LUA);
/** Ends a reaper's requeue candidate lost when its body cannot be decoded into a job. */
export const LOSE = script(LOSE_LUA);
/** Prunes ended records past retention. */
export const PRUNE = script(PRUNE_LUA);
/** Reads a page of one state. */
export const LIST = script(LIST_LUA);
/** Counts the records of each state. */
export const COUNTS = script(COUNTS_LUA);
