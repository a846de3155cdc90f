/**
 * How the Redis store's records are written to and read from their hashes (field names in
 * redis-record-scripts.ts). @internal
 */
import type { Redis } from 'ioredis';
import { QuiError } from '../errors';
import type { JobRecord, JobState } from '../jobs/job-record';
import { recordOf } from './stored-record';

/** A record's hash, as HGETALL gives it. @internal */
export type Fields = Record<string, string>;
/** Fields to write: a defined value is set, an undefined one deleted. @internal */
export type Values = Record<string, string | undefined>;

/** @internal The sets and dels of a script's `apply`: defined values are set, undefined ones deleted. */
export function fields(values: Values): (string | number)[] {
  const sets: string[] = [];
  const dels: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) dels.push(key);
    else sets.push(key, value);
  }
  return [sets.length / 2, ...sets, dels.length, ...dels];
}

/** @internal HGETALL's flat reply as an object. */
export function pairs(list: readonly string[]): Fields {
  const out: Fields = {};
  for (let i = 0; i + 1 < list.length; i += 2) out[list[i] as string] = list[i + 1] as string;
  return out;
}

/**
 * @internal The record hash `h` of job `id` in queue `queue` (the hash holds no id of its own: its
 * key does) as a frozen snapshot, even with a corrupt body (see `recordOf`).
 */
export function toRecord(h: Fields, id: string, queue: string): JobRecord {
  return recordOf({
    id,
    queue,
    body: h.b,
    state: h.s as JobState,
    attempts: Number(h.a ?? 0),
    startedAtMs: number(h.t0),
    finishedAtMs: number(h.t1),
    error: h.e,
    result: h.r,
    progress: h.p,
    processId: h.pid,
    worker: h.wk,
    reason: h.why,
  });
}

/** @internal Record hashes answered by a script as id, field list, id, field list…, as records. */
export function toRecords(list: readonly (string | string[])[], queue: string): JobRecord[] {
  const out: JobRecord[] = [];
  for (let i = 0; i + 1 < list.length; i += 2)
    out.push(toRecord(pairs(list[i + 1] as string[]), list[i] as string, queue));
  return out;
}

function number(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Number(text);
}

/** @internal Runs a MULTI, throwing `ERR_STORE` for a failed command. */
export async function exec(multi: ReturnType<Redis['multi']>): Promise<unknown[]> {
  const results = (await multi.exec()) ?? [];
  return results.map(([err, value]) => {
    if (err) throw new QuiError('ERR_STORE', 'redis store: command failed', { cause: err });
    return value;
  });
}
