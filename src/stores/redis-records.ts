import type { Redis } from 'ioredis';
import { toError } from '../errors';
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
  type FinishBroadcast,
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
  COUNTS,
  LIST,
  PROGRESS,
  PRUNE,
  REAP,
  LOSE,
  REMOVE,
  RETRY_LATER,
} from './redis-record-scripts';
import { exec, fields, pairs, toRecord, toRecords } from './redis-record-fields';
import { RedisBus } from './redis-bus';
import { RedisFinishes } from './redis-finishes';
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
  /** Resolves once the subscriber opened by `subscribe` listens. */
  listening(): Promise<void>;
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
  private readonly finishes: RedisFinishes;
  /** Max age and max count of each end state, as FINISH and PRUNE take them. */
  private readonly rules: readonly number[];
  /** Script calls and publishes not yet answered. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly host: RedisRecordsHost,
    config: RecordsConfig,
  ) {
    this.processId = config.processId;
    this.retention = config.retention;
    this.rules = JOB_END_STATES.flatMap((state) => this.rule(state));
    this.bus = new RedisBus(host.client, host.bus, (work) => this.track(work));
    this.finishes = new RedisFinishes({
      client: host.client,
      keys: host.keys,
      base: host.base,
      lanes: host.lanes.size,
      processId: this.processId,
      rules: this.rules,
      bus: this.bus,
      track: (work) => this.track(work),
    });
  }

  async get(id: string): Promise<JobRecord | undefined> {
    this.host.open();
    const fields = await this.host.client.hgetall(this.recordKey(id));
    return fields.s === undefined ? undefined : toRecord(fields, id, this.host.queue);
  }

  async list(query: RecordQuery): Promise<RecordPage> {
    const { state, limit, cursor } = checkRecordQuery(query);
    let max = '+inf';
    if (cursor !== undefined) {
      const match = /^(\d+):(.+)$/s.exec(cursor);
      if (match === null) throw badCursorError(cursor);
      max = `(${match[1] as string}`;
    }
    // more, then per record: its id, its sequence in the state, its fields.
    const [more, ...rest] = (await this.run(LIST, 0, [state, max, limit])) as [number, ...unknown[]];
    const records: JobRecord[] = [];
    for (let i = 0; i + 2 < rest.length; i += 3)
      records.push(toRecord(pairs(rest[i + 2] as string[]), rest[i] as string, this.host.queue));
    const last = records[records.length - 1];
    const lastSeq = rest[rest.length - 2] as string;
    return {
      records,
      cursor: more === 1 && last !== undefined ? `${lastSeq}:${last.id}` : undefined,
    };
  }

  async counts(): Promise<Readonly<Record<JobState, number>>> {
    const replies = (await this.run(COUNTS, 0, JOB_STATES)) as number[];
    const out = zeroCounts();
    JOB_STATES.forEach((state, i) => (out[state] = replies[i] as number));
    return out;
  }

  finish(id: string, end: RecordEnd, nowMs: number): Promise<boolean> {
    return this.finishAndBroadcast(id, end, nowMs);
  }

  finishAndBroadcast(id: string, end: RecordEnd, nowMs: number, event?: FinishBroadcast): Promise<boolean> {
    try {
      this.host.open();
    } catch (thrown) {
      return Promise.reject(toError(thrown)); // closed: a rejection, as from every other call
    }
    return this.finishes.add(id, end, nowMs, event);
  }

  /** Keeps `work` until it settles, so that `drain` can wait for it. */
  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.then(() => this.inFlight.delete(work));
  }

  /** Resolves once every finish and broadcast asked for so far has been answered (before the store closes). */
  async drain(): Promise<void> {
    while (this.finishes.pending || this.bus.pending || this.inFlight.size > 0) {
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
      const record = await this.again(id, decodeJob(seen.b as string), seen.q as string, nowMs);
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
        return { state: 'cancelled', record: toRecord(pairs(rest), id, this.host.queue) };
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
    const [lost, again] = (await this.run(REAP, nowMs, args)) as [(string | string[])[], string[]];
    const changed = toRecords(lost, this.host.queue);
    for (let i = 0; i < again.length; i += 2) {
      const id = again[i] as string;
      const seen = await this.host.client.hgetall(this.recordKey(id));
      // Another process requeued it first (the sequence moved): it is theirs to report.
      if (seen.q !== again[i + 1]) continue;
      let job: Job;
      try {
        job = decodeJob(seen.b as string);
      } catch {
        // JSON the reap script could read, but no job: it cannot run again, so it ends lost too
        // (a throw here would leave it and every later candidate active, reap after reap).
        const reply = (await this.run(LOSE, nowMs, [id, seen.q as string, ...this.rule('lost')])) as string[];
        if (reply.length > 0) changed.push(toRecord(pairs(reply), id, this.host.queue));
        continue;
      }
      const record = await this.again(id, job, seen.q as string, nowMs);
      if (record !== undefined) changed.push(record);
    }
    return changed;
  }

  async prune(nowMs: number, max: number): Promise<number> {
    return (await this.run(PRUNE, nowMs, [max, ...this.rules])) as number;
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

  listening(): Promise<void> {
    try {
      this.host.open();
    } catch (thrown) {
      return Promise.reject(toError(thrown)); // a closed store: a rejection, as from every other call
    }
    this.host.subscribe();
    return this.host.listening();
  }

  /** A message from the bus channel (the store's subscriber hands it over). */
  receive(message: Buffer): void {
    this.bus.receive(message);
  }

  close(): void {
    this.bus.close();
  }

  /** Stores `stored` (record `id`, at sequence `seq`) again, due now, as one more attempt (see AGAIN). */
  private async again(id: string, stored: Job, seq: string, nowMs: number): Promise<JobRecord | undefined> {
    const { runAtMs: _runAtMs, ...job } = stored;
    const next: Job = { ...job, attempts: job.attempts + 1 };
    const values = {
      b: encodeJob(next),
      a: String(next.attempts),
      t1: undefined,
      why: undefined,
      r: undefined,
    };
    const { channel, origin } = this.host;
    const args = [id, seq, this.laneOf(next), channel, origin, ...fields(values)];
    const reply = (await this.run(AGAIN, nowMs, args)) as string[];
    return reply.length === 0 ? undefined : toRecord(pairs(reply), id, this.host.queue);
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
  private leasesKey(): string {
    return `${this.host.base}:leases`;
  }
  private procsKey(): string {
    return `${this.host.base}:procs`;
  }
}
