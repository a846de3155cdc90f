import type { Redis } from 'ioredis';
import { QuiError } from '../errors';
import type { Job } from '../jobs/job';
import type { JobError } from '../jobs/job-error';
import { JOB_STATES, type JobRecord, type JobState } from '../jobs/job-record';
import { JOB_END_STATES, type JobEndState, type ResolvedRetention } from '../jobs/job-retention';
import { decodeJob, encodeJob } from './job-codec';
import {
  badCursorError,
  checkRecordQuery,
  jobNotFoundError,
  jobStateError,
  zeroCounts,
  type CancelOutcome,
  type JobRecords,
  type ProcessBeat,
  type ProcessInfo,
  type RecordEnd,
  type RecordPage,
  type RecordQuery,
  type RecordsConfig,
  type StoreBroadcast,
} from './job-records';
import { unknownPriorityError } from './job-store';
import {
  AGAIN,
  CANCEL,
  FINISH,
  LIST,
  PROGRESS,
  PRUNE,
  REAP,
  REMOVE,
  RETRY_LATER,
} from './redis-record-scripts';
import { exec, fields, idOf, pairs, toRecord, type Fields, type Values } from './redis-record-fields';
import { RedisBus } from './redis-bus';
import { runScript, type Script } from './redis-scripts';

/** What the records need of the Redis store they live in. @internal */
export interface RedisRecordsHost {
  readonly client: Redis;
  /** seq, wait[1..n], delayed[1..n]: the KEYS of every records script. */
  readonly keys: readonly string[];
  /** `<prefix>{<queue>}`. */
  readonly base: string;
  readonly bus: string;
  /** The wake-up channel, and the store instance's origin on it. */
  readonly channel: string;
  readonly origin: string;
  readonly queue: string;
  readonly lanes: ReadonlyMap<string, number>;
  /** Throws when the store is closed. */
  open(): void;
  /** Opens the store's subscriber connection (if not yet open): it then listens on `bus` too. */
  subscribe(): void;
}

/** Most finishes one script call carries. */
const MAX_FINISHES = 500;

interface PendingFinish {
  readonly args: readonly (string | number)[];
  resolve(applied: boolean): void;
  reject(error: Error): void;
}

/**
 * The Redis store's {@link JobRecords}: a hash per record, a sorted set per state (scored by the
 * sequence at which each record entered it), a lease sorted set and a process hash; every move is
 * one Lua script (redis-record-scripts.ts) that also moves the job. Broadcasts go to this
 * process's instances directly and to other processes through pub/sub on the store's subscriber.
 * @internal
 */
export class RedisJobRecords implements JobRecords {
  private readonly processId: string;
  private readonly retention: ResolvedRetention;
  private readonly bus: RedisBus;
  private readonly finishing: PendingFinish[] = [];
  /** Script calls and publishes not yet answered. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly host: RedisRecordsHost,
    config: RecordsConfig,
  ) {
    this.processId = config.processId;
    this.retention = config.retention;
    this.bus = new RedisBus(host.client, host.bus, (work) => this.track(work));
  }

  async get(id: string): Promise<JobRecord | undefined> {
    this.host.open();
    const fields = await this.host.client.hgetall(this.recordKey(id));
    return fields.b === undefined ? undefined : toRecord(fields);
  }

  async list(query: RecordQuery): Promise<RecordPage> {
    const { state, limit, cursor } = checkRecordQuery(query);
    let max = '+inf';
    if (cursor !== undefined) {
      const match = /^(\d+):(.+)$/s.exec(cursor);
      if (match === null) throw badCursorError(cursor);
      max = `(${match[1] as string}`;
    }
    const [more, ...lists] = (await this.run(LIST, 0, [state, max, limit])) as [number, ...string[][]];
    const rows = lists.map(pairs);
    const last = rows[rows.length - 1];
    return {
      records: rows.map(toRecord),
      cursor: more === 1 && last !== undefined ? `${last.q as string}:${idOf(last)}` : undefined,
    };
  }

  async counts(): Promise<Readonly<Record<JobState, number>>> {
    this.host.open();
    const multi = this.host.client.multi();
    for (const state of JOB_STATES) multi.zcard(this.stateKey(state));
    const replies = await exec(multi);
    const out = zeroCounts();
    JOB_STATES.forEach((state, i) => (out[state] = replies[i] as number));
    return out;
  }

  async finish(id: string, end: RecordEnd, nowMs: number): Promise<boolean> {
    const values: Values = { wk: end.worker };
    const error = (e: JobError | undefined): void => {
      if (e !== undefined) values.e = JSON.stringify(e);
    };
    switch (end.state) {
      case 'completed':
        values.r = end.result;
        if (end.reason !== undefined) values.why = end.reason; // dequeue(); no HDEL on the hot path
        error(end.error);
        break;
      case 'dead':
        error(end.error);
        break;
      case 'lost':
        values.why = end.reason;
        error(end.error);
        break;
      case 'cancelled':
        values.why = end.reason;
        break;
    }
    this.host.open();
    const args = [id, nowMs, end.state, ...this.rule(end.state), ...fields(values)];
    return new Promise((resolve, reject) => {
      this.finishing.push({ args, resolve, reject });
      // Finishes asked for in the same turn of the event loop share one script call.
      if (this.finishing.length === 1) setImmediate(this.flushFinishes);
    });
  }

  /** Runs the pending finishes, at most {@link MAX_FINISHES} per script call. */
  private readonly flushFinishes = (): void => {
    const batch = this.finishing.splice(0, MAX_FINISHES);
    if (this.finishing.length > 0) setImmediate(this.flushFinishes);
    const args = [this.processId, ...batch.flatMap((f) => f.args)];
    const head = [this.host.base, this.host.lanes.size, 0];
    const done = runScript(this.host.client, FINISH, this.host.keys, [...head, ...args]).then(
      (reply) => batch.forEach((f, i) => f.resolve((reply as number[])[i] === 1)),
      (thrown: unknown) => {
        const error = new QuiError('ERR_STORE', 'redis store: finish failed', { cause: thrown });
        for (const f of batch) f.reject(error);
      },
    );
    this.track(done);
  };

  /** Keeps `work` until it settles, so that `drain` can wait for it. */
  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.then(() => this.inFlight.delete(work));
  }

  /** Resolves once every finish and broadcast asked for so far has been answered (before the store closes). */
  async drain(): Promise<void> {
    while (this.finishing.length > 0 || this.bus.pending || this.inFlight.size > 0) {
      if (this.inFlight.size > 0) await Promise.all(this.inFlight);
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async retryLater(retry: Job, error: JobError, worker: string | undefined, nowMs: number): Promise<boolean> {
    const lane = this.laneOf(retry);
    const runAt = retry.runAtMs !== undefined && retry.runAtMs > nowMs ? String(retry.runAtMs) : '';
    const values = { b: encodeJob(retry), a: String(retry.attempts), e: JSON.stringify(error), wk: worker };
    const { channel, origin } = this.host;
    const args = [this.processId, retry.id, lane, runAt, channel, origin, ...fields(values)];
    return (await this.run(RETRY_LATER, nowMs, args)) === 1;
  }

  async progress(id: string, progress: string | undefined, nowMs: number): Promise<boolean> {
    return (await this.run(PROGRESS, nowMs, [this.processId, id, ...fields({ p: progress })])) === 1;
  }

  async retry(id: string, nowMs: number): Promise<JobRecord> {
    // Read, then store again only if the record did not move meanwhile; else read again.
    for (;;) {
      this.host.open();
      const seen = await this.host.client.hgetall(this.recordKey(id));
      if (seen.s === undefined) throw jobNotFoundError(this.host.queue, id);
      if (seen.s !== 'dead' && seen.s !== 'lost') throw jobStateError(id, seen.s as JobState, 'retry');
      const record = await this.again(id, seen, nowMs);
      if (record !== undefined) return record;
    }
  }

  async remove(id: string): Promise<boolean> {
    const reply = (await this.run(REMOVE, 0, [id])) as number;
    if (reply === -1) throw jobStateError(id, 'active', 'remove');
    return reply === 1;
  }

  async cancel(id: string, reason: string | undefined, nowMs: number): Promise<CancelOutcome> {
    const args = [id, ...this.rule('cancelled'), ...fields({ why: reason })];
    const [outcome, ...rest] = (await this.run(CANCEL, nowMs, args)) as string[];
    switch (outcome) {
      case 'cancelled':
        return { state: 'cancelled', record: toRecord(pairs(rest)) };
      case 'active': {
        const record = await this.get(id);
        if (record === undefined) throw jobNotFoundError(this.host.queue, id);
        return { state: 'active', processId: rest[0] === '' ? undefined : rest[0], record };
      }
      case 'ended':
        throw jobStateError(id, rest[0] as JobState, 'cancel');
      default:
        throw jobNotFoundError(this.host.queue, id);
    }
  }

  async setPaused(paused: boolean): Promise<void> {
    this.host.open();
    const key = `${this.host.base}:paused`;
    if (paused) await this.host.client.set(key, '1');
    // Resuming wakes the workers parked in other processes, as an add would.
    else await exec(this.host.client.multi().del(key).publish(this.host.channel, this.host.origin));
  }

  async isPaused(): Promise<boolean> {
    this.host.open();
    return (await this.host.client.exists(`${this.host.base}:paused`)) === 1;
  }

  async heartbeat(beat: ProcessBeat, nowMs: number, ttlMs: number): Promise<void> {
    this.host.open();
    const info: ProcessInfo = { ...beat, lastBeatAtMs: nowMs, expiresAtMs: nowMs + ttlMs };
    const multi = this.host.client.multi();
    multi.zadd(this.leasesKey(), info.expiresAtMs, beat.processId);
    multi.hset(this.procsKey(), beat.processId, JSON.stringify(info));
    await exec(multi);
  }

  async leave(processId: string): Promise<void> {
    this.host.open();
    const multi = this.host.client.multi();
    await exec(multi.zrem(this.leasesKey(), processId).hdel(this.procsKey(), processId));
  }

  async processes(nowMs: number): Promise<readonly ProcessInfo[]> {
    this.host.open();
    const ids = await this.host.client.zrangebyscore(this.leasesKey(), `(${nowMs}`, '+inf');
    if (ids.length === 0) return [];
    const infos = await this.host.client.hmget(this.procsKey(), ...ids);
    return infos.flatMap((text) => (text === null ? [] : [JSON.parse(text) as ProcessInfo]));
  }

  async reap(nowMs: number, requeue: boolean): Promise<readonly JobRecord[]> {
    const args = [requeue ? 1 : 0, ...this.rule('lost')];
    const [lost, again] = (await this.run(REAP, nowMs, args)) as [string[][], string[]];
    const changed = lost.map((list) => toRecord(pairs(list)));
    for (let i = 0; i < again.length; i += 2) {
      const id = again[i] as string;
      const seen = await this.host.client.hgetall(this.recordKey(id));
      // Another process requeued it first (the sequence moved): it is theirs to report.
      if (seen.q !== again[i + 1]) continue;
      const record = await this.again(id, seen, nowMs);
      if (record !== undefined) changed.push(record);
    }
    return changed;
  }

  async prune(nowMs: number, max: number): Promise<number> {
    const rules = JOB_END_STATES.flatMap((state) => this.rule(state));
    return (await this.run(PRUNE, nowMs, [max, ...rules])) as number;
  }

  async broadcast(message: StoreBroadcast): Promise<void> {
    this.host.open();
    return this.bus.broadcast(message);
  }

  onBroadcast(listener: (message: StoreBroadcast) => void): () => void {
    this.host.open();
    this.host.subscribe();
    return this.bus.listen(listener);
  }

  /** A message from the bus channel (the store's subscriber hands it over). */
  receive(text: string): void {
    this.bus.receive(text);
  }

  close(): void {
    this.bus.close();
  }

  /** Stores the job of record `seen` again, due now, as one more attempt (see AGAIN). */
  private async again(id: string, seen: Fields, nowMs: number): Promise<JobRecord | undefined> {
    const { runAtMs: _runAtMs, ...job } = decodeJob(seen.b as string);
    const next: Job = { ...job, attempts: job.attempts + 1 };
    const values = {
      b: encodeJob(next),
      a: String(next.attempts),
      t1: undefined,
      why: undefined,
      r: undefined,
    };
    const { channel, origin } = this.host;
    const args = [id, seen.q as string, this.laneOf(next), channel, origin, ...fields(values)];
    const reply = (await this.run(AGAIN, nowMs, args)) as string[];
    return reply.length === 0 ? undefined : toRecord(pairs(reply));
  }

  private laneOf(job: Job): number {
    const lane = this.host.lanes.get(job.priority);
    if (lane === undefined) throw unknownPriorityError(job, this.host.lanes);
    return lane + 1;
  }

  /** Max age and max count of `state`'s retention, -1 for none. */
  private rule(state: JobEndState): [number, number] {
    const { maxAgeMs, maxCount } = this.retention[state];
    return [maxAgeMs === Infinity ? -1 : maxAgeMs, maxCount === Infinity ? -1 : maxCount];
  }

  private run(s: Script, nowMs: number, args: readonly (string | number)[]): Promise<unknown> {
    this.host.open();
    const head = [this.host.base, this.host.lanes.size, nowMs];
    return runScript(this.host.client, s, this.host.keys, [...head, ...args]);
  }

  private recordKey(id: string): string {
    return `${this.host.base}:job:${id}`;
  }
  private stateKey(state: JobState): string {
    return `${this.host.base}:state:${state}`;
  }
  private leasesKey(): string {
    return `${this.host.base}:leases`;
  }
  private procsKey(): string {
    return `${this.host.base}:procs`;
  }
}
