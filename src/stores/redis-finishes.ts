import type { Redis } from 'ioredis';
import { QuiError } from '../errors';
import { errorText } from '../jobs/job-error';
import type { FinishBroadcast, RecordEnd, StoreBroadcast } from './job-records';
import type { RedisBus } from './redis-bus';
import { FINISH } from './redis-record-scripts';
import { runScript } from './redis-scripts';

/** Most finishes one script call carries. */
const MAX_FINISHES = 500;

interface PendingFinish {
  /** Its event, delivered (and published, when the script did not) once the end applied. */
  readonly event: StoreBroadcast | undefined;
  /** The event's JSON, published with the batch. */
  readonly text: string | undefined;
  resolve(applied: boolean): void;
  reject(error: Error): void;
}

/** What the finishes need of the records they end. @internal */
export interface RedisFinishesHost {
  readonly client: Redis;
  /** seq, wait[1..n], delayed[1..n]: the KEYS of every records script. */
  readonly keys: readonly string[];
  readonly base: string;
  readonly lanes: number;
  readonly processId: string;
  /** Max age and max count of each end state, as FINISH takes them. */
  readonly rules: readonly number[];
  readonly bus: RedisBus;
  /** Told of every script call in flight, so that the store's close can wait for it. */
  track(work: Promise<void>): void;
}

/**
 * The ends of records (`JobRecords.finish`, `finishAndBroadcast`) of one Redis store: those asked
 * for in the same turn of the event loop go to Redis as one FINISH call, which carries the batch's
 * events as one broadcast text (as the bus would PUBLISH it, with this process's tag) and
 * publishes it when every end applied. So an end's event costs no PUBLISH command of its own (no
 * write to the socket, no round trip), and no event goes out for an end that did not apply (the
 * rare batch where one did not: the events of those that did are published after the reply).
 * Each event is delivered in this process once its end applied, as the bus delivers a broadcast.
 * @internal
 */
export class RedisFinishes {
  private finishing: PendingFinish[] = [];
  /** The arguments of the next FINISH call: its head, then the pending finishes'. */
  private args: (string | number)[];
  /** The events' JSON of the next FINISH call. */
  private texts: string[] = [];

  constructor(private readonly host: RedisFinishesHost) {
    this.args = this.head();
  }

  /** True while finishes wait for their script call. */
  get pending(): boolean {
    return this.finishing.length > 0;
  }

  /** Queues the end of record `id` for the next FINISH call; with `event`, its broadcast once it applied. */
  add(id: string, end: RecordEnd, nowMs: number, event?: FinishBroadcast): Promise<boolean> {
    let text: string | undefined;
    if (event !== undefined) {
      text = JSON.stringify(event);
      this.texts.push(text);
    }
    // Straight into the batch's arguments (see FINISH): id, now, state, then sets and dels.
    const args = this.args;
    args.push(id, nowMs, end.state);
    const setsAt = args.length;
    args.push(0);
    let sets = 0;
    // An active record holds no result (only a completion writes one, and a retry clears it), so
    // an undefined result needs no delete; a last error from an earlier attempt stays.
    switch (end.state) {
      case 'completed':
        sets += this.put('r', end.result);
        sets += this.put('why', end.reason); // dequeue()
        sets += this.put('e', errorText(end.error));
        break;
      case 'dead':
        sets += this.put('e', errorText(end.error));
        break;
      case 'lost':
        sets += this.put('why', end.reason);
        sets += this.put('e', errorText(end.error));
        break;
      case 'cancelled':
        sets += this.put('why', end.reason);
        break;
    }
    sets += this.put('wk', end.worker);
    if (end.worker === undefined) args.push(1, 'wk');
    else args.push(0);
    args[setsAt] = sets;
    return new Promise((resolve, reject) => {
      this.finishing.push({ event, text, resolve, reject });
      if (this.finishing.length === 1) setImmediate(this.flush);
      else if (this.finishing.length === MAX_FINISHES) this.flush();
    });
  }

  /** Adds a set to the pending FINISH call's arguments, when `value` is defined: answers how many (0, 1). */
  private put(key: string, value: string | undefined): number {
    if (value === undefined) return 0;
    this.args.push(key, value);
    return 1;
  }

  private head(): (string | number)[] {
    const { base, lanes, processId, rules } = this.host;
    return [base, lanes, 0, processId, ...rules, this.host.bus.channel, ''];
  }

  /** Runs the pending finishes in one script call, their events' broadcast with it. */
  private readonly flush = (): void => {
    if (this.finishing.length === 0) return; // flushed when the batch filled up
    // Events broadcast before these ends (a job's job.failed before its job.dead, a progress
    // before its completion) go out first: the bus would otherwise publish them on its own turn,
    // after this script's.
    this.host.bus.flushNow();
    const batch = this.finishing;
    const args = this.args;
    this.finishing = [];
    this.args = this.head();
    if (this.texts.length > 0) {
      args[BROADCAST_ARG] = this.host.bus.batchText(this.texts);
      this.texts = [];
    }
    const done = runScript(this.host.client, FINISH, this.host.keys, args).then(
      (reply) => {
        const applied = (reply as number[]).map((r) => r === 1);
        // The script published the broadcast only when every end applied.
        const published = args[BROADCAST_ARG] !== '' && applied.every(Boolean);
        batch.forEach((f, i) => {
          if (applied[i] === true && f.event !== undefined) this.sent(f.event, f.text as string, published);
          f.resolve(applied[i] === true);
        });
      },
      (thrown: unknown) => {
        const error = new QuiError('ERR_STORE', 'redis store: finish failed', { cause: thrown });
        for (const f of batch) f.reject(error);
      },
    );
    this.host.track(done);
  };

  /**
   * An event whose end applied: delivered in this process, and published now unless the script
   * did. At most once, as every broadcast: a publish that fails, or a listener here that throws,
   * loses the event, not the finish (nor the rest of the batch's answers).
   */
  private sent(event: StoreBroadcast, text: string, published: boolean): void {
    try {
      if (published) this.host.bus.delivered(event);
      else this.host.bus.send(event, text).catch(noop);
    } catch {
      // the queue runtime's listener catches its own; nothing more to do here
    }
  }
}

/** Where the head of FINISH's arguments holds the batch's broadcast (ARGV[14]). */
const BROADCAST_ARG = 13;

const noop = (): void => undefined;
