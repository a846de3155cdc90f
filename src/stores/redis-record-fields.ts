/**
 * How the Redis store's records are written to and read from their hashes (field names in
 * redis-record-scripts.ts). @internal
 */
import type { Redis } from 'ioredis';
import { QuiError } from '../errors';
import type { JobError } from '../jobs/job-error';
import { recordOptions, taskNameOf, type JobRecord, type JobState } from '../jobs/job-record';
import { decodeJob } from './job-codec';

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

/** @internal The id of the job a hash holds. */
export function idOf(fields: Fields): string {
  return decodeJob(fields.b as string).id;
}

/** @internal The record a hash stands for, as a frozen snapshot. */
export function toRecord(h: Fields): JobRecord {
  const job = decodeJob(h.b as string);
  return Object.freeze({
    id: job.id,
    queue: job.queue,
    task: job.task,
    taskName: taskNameOf(job.task),
    priority: job.priority,
    options: recordOptions(job),
    state: h.s as JobState,
    attempts: Number(h.a),
    enqueuedAtMs: job.enqueuedAtMs,
    runAtMs: job.runAtMs,
    startedAtMs: number(h.t0),
    finishedAtMs: number(h.t1),
    error: parse(h.e) as JobError | undefined,
    result: parse(h.r),
    progress: parse(h.p),
    processId: h.pid,
    worker: h.wk,
    reason: h.why,
    deadLetterOf: job.deadLetterOf,
    trace: job.trace,
  });
}

function number(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Number(text);
}

function parse(text: string | undefined): unknown {
  return text === undefined ? undefined : (JSON.parse(text) as unknown);
}

/** @internal Runs a MULTI, throwing `ERR_STORE` for a failed command. */
export async function exec(multi: ReturnType<Redis['multi']>): Promise<unknown[]> {
  const results = (await multi.exec()) ?? [];
  return results.map(([err, value]) => {
    if (err) throw new QuiError('ERR_STORE', 'redis store: command failed', { cause: err });
    return value;
  });
}
