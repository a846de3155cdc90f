import type { ActorRef } from '../../src/actors/actor-ref';
import { defineActor, type ActorSpec } from '../../src/actors/define-actor';
import type { ExitReason } from '../../src/actors/exit-reason';
import type { RestartType, Shutdown } from '../../src/actors/child-options';

/** What a probe actor understands. */
export type ProbeMessage =
  | { readonly type: 'crash'; readonly message?: string }
  | { readonly type: 'reject' }
  | { readonly type: 'exit'; readonly reason: ExitReason }
  | { readonly type: 'stop' }
  | { readonly type: 'ping'; readonly replyTo: ActorRef<string> }
  | { readonly type: 'hang' };

export interface ProbeOptions {
  readonly id: string;
  /** Defaults to the id; `null` for an anonymous actor. */
  readonly name?: string | null;
  readonly restart?: RestartType;
  readonly shutdown?: Shutdown;
  /** Receives `start:<id>` and `terminate:<id>` lines in the order they happen. */
  readonly trace?: string[];
  /** Called by each `init`; returning true makes that start fail. */
  readonly failInit?: () => boolean;
  /** `hang`: `terminate` never settles. */
  readonly terminate?: 'hang' | ((signal: AbortSignal) => Promise<void>);
  /** Receives the signal of each incarnation. */
  readonly signals?: AbortSignal[];
}

/** A scriptable actor for supervision tests: it crashes, exits, hangs or answers pings on request. */
export function probe(options: ProbeOptions): ActorSpec<ProbeMessage> {
  const { id, trace, failInit, terminate, signals } = options;
  return defineActor<number, ProbeMessage>({
    id,
    ...(options.name === null ? {} : { name: options.name ?? id }),
    ...(options.restart ? { restart: options.restart } : {}),
    ...(options.shutdown !== undefined ? { shutdown: options.shutdown } : {}),
    init: (ctx) => {
      trace?.push(`start:${id}`);
      signals?.push(ctx.signal);
      if (failInit?.()) throw new Error(`init of ${id} failed`);
      return 0;
    },
    handle: (n, msg, ctx) => {
      switch (msg.type) {
        case 'crash':
          throw new Error(msg.message ?? `${id} crashed`);
        case 'reject':
          return Promise.reject(new Error(`${id} rejected`));
        case 'exit':
          ctx.exit(msg.reason);
          return n;
        case 'stop':
          ctx.stop();
          return n;
        case 'ping':
          ctx.reply(msg.replyTo, ctx.path);
          return n + 1;
        case 'hang':
          return new Promise<number>(() => undefined);
      }
    },
    terminate: (_n, _reason, ctx) => {
      trace?.push(`terminate:${id}`);
      if (terminate === 'hang') return new Promise<void>(() => undefined);
      if (terminate) return terminate(ctx.signal);
      return undefined;
    },
  });
}

/** A flag the test flips to make starts fail from then on. */
export function switchable(initial = false): { on: boolean; check: () => boolean } {
  const s = { on: initial, check: () => s.on };
  return s;
}
