/**
 * The only module that imports `nact`. Qui uses nact as a mailbox and scheduler and nothing more:
 * every actor is a top-level nact actor with a unique name (so a reference never reaches a later
 * incarnation, and no actor pays nact's per-message copy of a large children map), and every
 * handler catches its own errors so nact's supervision decisions never run. Messages go straight
 * to the nact actor behind a reference (resolved once at spawn) with a shared `Nobody` sender.
 * @internal
 */
import { spawn, start, stop } from 'nact';

/** A nact actor, as the adapter holds it: its public reference and the mailbox object behind it. */
export interface EngineRef {
  readonly ref: unknown;
  readonly actor: NactActor;
}

/** The part of nact's internal Actor object the adapter calls. */
interface NactActor {
  readonly stopped: boolean;
  /** Messages that arrived while the actor was busy, oldest first (a `denque`). */
  readonly mailbox: { readonly length: number; shift(): { readonly message: unknown } | undefined };
  dispatch(message: unknown, sender: unknown): void;
}

/**
 * At most this many messages are handled in one event-loop turn of an actor: those already in
 * its mailbox when the handler of one returns without a promise. nact gives every message its own
 * turn (a `setImmediate`, a context object and a promise each); a queue answering a hundred polls
 * would otherwise take a hundred turns. The cap keeps a busy actor from holding the loop for long.
 */
export const MAX_MESSAGES_PER_TURN = 64;

/** What an actor's mailbox calls for each message; a returned promise holds the mailbox until it settles. */
export type EngineHandler = (message: unknown) => unknown;

interface NactSystem {
  readonly children: Map<string, unknown>;
}

// nact keeps its systems in a module-global map; we read it only to count live actors in tests.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const systemMap = require('nact/lib/system-map') as {
  find(name: string): NactSystem | undefined;
  find(name: string, ref: unknown): NactActor | undefined;
};
// nact's default sender is a fresh `Nobody` (three objects) per dispatch; Qui never reads senders.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Nobody } = require('nact/lib/references') as { Nobody: new () => unknown };
const NOBODY: unknown = new Nobody();

let systemSeq = 0;

/** A nact system wrapped to the four operations Qui needs. */
export class Engine {
  private readonly root: ReturnType<typeof start>;
  private readonly systemName: string;
  private nextName = 0;

  constructor(onEngineCrash: (error: unknown) => void) {
    this.systemName = `qui-${process.pid}-${++systemSeq}`;
    this.root = start({ name: this.systemName } as never);
    this.onCrash = (_msg: unknown, error: unknown, ctx: { stop: unknown }) => {
      onEngineCrash(error);
      return ctx.stop;
    };
  }

  private readonly onCrash: (msg: unknown, error: unknown, ctx: { stop: unknown }) => unknown;

  /** Spawns a mailbox; `handler` receives each message in order, one at a time. */
  spawn(handler: EngineHandler, onUndelivered?: (messages: unknown[]) => void): EngineRef {
    const name = `a${++this.nextName}`;
    // nact keeps what the function returns as the actor's state; ours lives in the cell, so the
    // returned value only matters as a promise that holds the mailbox until it settles.
    const afterStop = onUndelivered
      ? (_state: unknown, ctx: { mailbox?: Array<{ message: unknown }> }) => {
          if (ctx.mailbox && ctx.mailbox.length > 0) onUndelivered(ctx.mailbox.map((m) => m.message));
        }
      : undefined;
    const found: { actor?: NactActor } = {};
    // Messages waiting when a handler returns without a promise are handled in the same turn, in
    // order, one at a time as before; a promise (or a stop) ends the turn and nact resumes as usual.
    const receive = (_state: unknown, message: unknown): unknown => {
      let result = handler(message);
      const self = found.actor as NactActor;
      for (let n = 1; n < MAX_MESSAGES_PER_TURN && !isPromiseLike(result) && !self.stopped; n++) {
        const next = self.mailbox.shift();
        if (next === undefined) break;
        result = handler(next.message);
      }
      return result;
    };
    const ref = spawn(this.root, receive, name, {
      onCrash: this.onCrash as never,
      afterStop: afterStop as never,
    });
    // Resolved once: nact's public dispatch walks the actor's path from the system root on every
    // message; the actor object behind the reference is the same mailbox, reached directly.
    const actor = systemMap.find(this.systemName, ref);
    if (!actor) throw new Error(`nact did not register actor ${name}`);
    found.actor = actor;
    return { ref, actor };
  }

  /** Puts a message in a mailbox; a no-op when the mailbox is gone. */
  dispatch(engineRef: EngineRef, message: unknown): void {
    const actor = engineRef.actor;
    if (!actor.stopped) actor.dispatch(message, NOBODY);
  }

  /** Removes a mailbox at once; undelivered messages are dropped. */
  stop(engineRef: EngineRef): void {
    stop(engineRef.ref as never);
  }

  /** Number of nact actors alive in this system. */
  liveCount(): number {
    return systemMap.find(this.systemName)?.children.size ?? 0;
  }

  /** Stops the nact system itself. */
  close(): void {
    stop(this.root as never);
  }
}

function isPromiseLike(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}
