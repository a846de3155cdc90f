import type { ActorRef } from '../actors/actor-ref';
import type { Clock, TimerHandle } from '../clock';
import { QuiError } from '../errors';

/**
 * The `replyTo` of an `ask`: a ref that is not an actor, resolving a promise with the first value
 * sent to it. Later sends are dead letters. @internal
 */
export class ReplyRef<T> implements ActorRef<T> {
  private done = false;
  private timer: TimerHandle | undefined;
  private untrack: (() => void) | undefined;
  readonly promise: Promise<T>;
  private resolve!: (value: T) => void;
  private reject!: (error: Error) => void;

  constructor(
    readonly path: string,
    private readonly clock: Clock,
    timeoutMs: number,
    private readonly onLate: (message: unknown) => void,
  ) {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    if (timeoutMs !== Infinity) {
      this.timer = clock.setTimeout(
        () =>
          this.fail(
            new QuiError(
              'ERR_ASK_TIMEOUT',
              `no reply from ${path.replace(/^ask:/, '')} within ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
    }
  }

  get alive(): boolean {
    return !this.done;
  }

  /** Lets the target fail this ask if it exits first. */
  watch(untrack: () => void): void {
    this.untrack = untrack;
  }

  send(value: T): void {
    if (this.done) return this.onLate(value);
    this.settle();
    this.resolve(value);
  }

  fail(error: Error): void {
    if (this.done) return;
    this.settle();
    this.reject(error);
  }

  private settle(): void {
    this.done = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.untrack?.();
  }
}
