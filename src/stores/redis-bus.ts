import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { QuiError } from '../errors';
import type { StoreBroadcast } from './job-records';

/** Most broadcasts one PUBLISH carries. */
const MAX_BATCH = 500;
/** Marks this process's publishes on a bus: it delivers them itself, so skips their echo. */
const PROCESS_TAG = `${randomUUID()}\n`;
const PROCESS_TAG_BYTES = Buffer.from(PROCESS_TAG);
/** The buses of this process, per Redis server and channel: they deliver to each other directly. */
const local = new Map<string, Set<RedisBus>>();

/**
 * The broadcasts of one Redis store instance (`JobRecords.broadcast` / `onBroadcast`). A broadcast
 * reaches the listeners of every instance of the queue in this process at once, and other
 * processes through pub/sub on `channel`: the broadcasts of one turn of the event loop go out as
 * one PUBLISH of a JSON array. The store's subscriber hands over what arrives (`receive`).
 * Delivery is at most once, as the contract says.
 * @internal
 */
export class RedisBus {
  private readonly listeners = new Set<(message: StoreBroadcast) => void>();
  private readonly outbox: { text: string; resolve(): void; reject(error: Error): void }[] = [];
  private readonly localKey: string;

  constructor(
    private readonly client: Redis,
    readonly channel: string,
    /** Told of every publish in flight, so that the store's close can wait for it. */
    private readonly track: (work: Promise<void>) => void,
  ) {
    const { host, port, db, path } = (client.options ?? {}) as Record<string, unknown>;
    this.localKey = `${String(path ?? host)}:${String(port)}/${String(db)}|${channel}`;
    const peers = local.get(this.localKey) ?? new Set();
    peers.add(this);
    local.set(this.localKey, peers);
  }

  /** True while broadcasts wait for their PUBLISH to be sent. */
  get pending(): boolean {
    return this.outbox.length > 0;
  }

  broadcast(message: StoreBroadcast): Promise<void> {
    return this.send(message, JSON.stringify(message));
  }

  /** The text of one PUBLISH of broadcasts whose JSON is `texts`: what {@link receive} reads. */
  batchText(texts: readonly string[]): string {
    return `${PROCESS_TAG}[${texts.join(',')}]`;
  }

  /**
   * A broadcast someone else published (a script, with {@link batchText}): delivered to the
   * listeners of every bus of this process on the channel, and sent nowhere else.
   */
  delivered(message: StoreBroadcast): void {
    this.local(message);
  }

  /** As {@link broadcast}, with `text` the JSON of `message`, made by the caller. */
  send(message: StoreBroadcast, text: string): Promise<void> {
    this.local(message);
    return new Promise((resolve, reject) => {
      this.outbox.push({ text, resolve, reject });
      if (this.outbox.length === 1) setImmediate(this.flush);
    });
  }

  /** Delivers `message` to the listeners of every bus of this process on the channel. */
  private local(message: StoreBroadcast): void {
    // Sets iterate safely while a listener stops or a peer closes: no copy per broadcast.
    const peers = local.get(this.localKey);
    if (peers !== undefined) for (const peer of peers) peer.deliver(message);
  }

  listen(listener: (message: StoreBroadcast) => void): () => void {
    // A wrapper per call, so the same function subscribed twice is called twice and stops once per stop.
    const own = (message: StoreBroadcast): void => listener(message);
    this.listeners.add(own);
    return () => this.listeners.delete(own);
  }

  /** A message from the channel: one broadcast, or a batch of them. */
  receive(message: Buffer): void {
    // Delivered in-process already: dropped before it is decoded.
    if (
      message.length >= PROCESS_TAG_BYTES.length &&
      PROCESS_TAG_BYTES.compare(message, 0, PROCESS_TAG_BYTES.length) === 0
    )
      return;
    const text = message.toString();
    let messages: unknown;
    try {
      messages = JSON.parse(text.slice(text.indexOf('\n') + 1));
    } catch {
      return; // not ours: delivery is at most once anyway
    }
    if (!Array.isArray(messages)) messages = [messages];
    for (const message of messages as StoreBroadcast[]) this.deliver(message);
  }

  close(): void {
    this.listeners.clear();
    const peers = local.get(this.localKey);
    peers?.delete(this);
    if (peers?.size === 0) local.delete(this.localKey);
  }

  private deliver(message: StoreBroadcast): void {
    for (const listener of this.listeners) listener(message);
  }

  /**
   * Publishes the broadcasts waiting for their PUBLISH now, ahead of a command about to go out on
   * the same connection that carries later events (a FINISH script publishing a job's end): Redis
   * runs a connection's commands in order, so other processes hear them in the order they were sent.
   */
  flushNow(): void {
    while (this.outbox.length > 0) this.flush();
  }

  private readonly flush = (): void => {
    if (this.outbox.length === 0) return; // published ahead of a FINISH (flushNow)
    const batch = this.outbox.splice(0, MAX_BATCH);
    if (this.outbox.length > 0) setImmediate(this.flush);
    const text = this.batchText(batch.map((b) => b.text));
    this.track(
      this.client.publish(this.channel, text).then(
        () => batch.forEach((b) => b.resolve()),
        (thrown: unknown) => {
          const error = new QuiError('ERR_STORE', 'redis store: broadcast failed', { cause: thrown });
          for (const b of batch) b.reject(error);
        },
      ),
    );
  };
}
