import type { ActorCell } from '../actors/actor-cell';
import type { ActorRef } from '../actors/actor-ref';
import type { ExitReason } from '../actors/exit-reason';
import type { Intensity } from './restart-intensity';
import type { ChildSpec, Strategy } from './spec';

/** `startChild`'s outcomes, as OTP's `start_child`. */
export type StartChildResult =
  | { readonly status: 'ok'; readonly ref: ActorRef<never> }
  | { readonly status: 'already-started'; readonly ref: ActorRef<never> }
  | { readonly status: 'already-present' }
  | { readonly status: 'max-children' }
  | { readonly status: 'error'; readonly error: Error };

/** `terminateChild`'s outcomes. */
export type TerminateChildResult = { readonly status: 'ok' } | { readonly status: 'not-found' };

/** `restartChild`'s outcomes; `not-supported` on a dynamic supervisor. */
export type RestartChildResult =
  | { readonly status: 'ok'; readonly ref: ActorRef<never> }
  | { readonly status: 'running' }
  | { readonly status: 'restarting' }
  | { readonly status: 'not-found' }
  | { readonly status: 'not-supported' }
  | { readonly status: 'error'; readonly error: Error };

/** `deleteChild`'s outcomes; `not-supported` on a dynamic supervisor. */
export type DeleteChildResult =
  | { readonly status: 'ok' }
  | { readonly status: 'running' }
  | { readonly status: 'restarting' }
  | { readonly status: 'not-found' }
  | { readonly status: 'not-supported' };

/** One row of `whichChildren`: the running ref, `restarting`, or `undefined` when not running. */
export interface ChildInfo {
  readonly id: string;
  readonly ref: ActorRef<never> | 'restarting' | undefined;
  readonly type: 'worker' | 'supervisor';
}

/** `countChildren`, as OTP's `count_children`. */
export interface ChildCounts {
  /** Specs held, running or not. */
  readonly specs: number;
  /** Children running now. */
  readonly active: number;
  readonly supervisors: number;
  readonly workers: number;
}

/** One child as `inspect` sees it: `stopped` when its spec is held but no incarnation runs. */
export interface InspectedChild {
  readonly id: string;
  readonly type: 'worker' | 'supervisor';
  readonly state: 'running' | 'restarting' | 'stopped';
  /** The running incarnation's path, when it runs. */
  readonly path: string | undefined;
}

/**
 * What a supervisor tells about itself (`SupervisorHandle.inspect`), read-only: its strategy (a
 * dynamic supervisor restarts one for one), its restart intensity, and how many restarts its
 * current window holds; the intensity trips when one more would exceed `intensity.maxRestarts`.
 */
export interface SupervisorInfo {
  readonly kind: 'supervisor' | 'dynamic-supervisor';
  readonly path: string;
  readonly strategy: Strategy;
  readonly intensity: Intensity;
  readonly restartsInWindow: number;
  /** Oldest first. */
  readonly children: readonly InspectedChild[];
}

/** A child of a static supervisor is named by id; one of a dynamic supervisor by its ref. */
export type ChildKey = string | ActorRef<never>;

/** Every message a supervisor handles. @internal */
export type SupervisorMessage =
  | { readonly type: 'sup.exit'; readonly cell: ActorCell; readonly reason: ExitReason }
  | { readonly type: 'sup.retry'; readonly key: unknown }
  | {
      readonly type: 'sup.start-child';
      readonly spec: ChildSpec;
      readonly replyTo: ActorRef<StartChildResult>;
    }
  | {
      readonly type: 'sup.terminate-child';
      readonly key: ChildKey;
      readonly replyTo: ActorRef<TerminateChildResult>;
    }
  | {
      readonly type: 'sup.restart-child';
      readonly key: ChildKey;
      readonly replyTo: ActorRef<RestartChildResult>;
    }
  | {
      readonly type: 'sup.delete-child';
      readonly key: ChildKey;
      readonly replyTo: ActorRef<DeleteChildResult>;
    }
  | { readonly type: 'sup.which-children'; readonly replyTo: ActorRef<readonly ChildInfo[]> }
  | { readonly type: 'sup.count-children'; readonly replyTo: ActorRef<ChildCounts> }
  | { readonly type: 'sup.inspect'; readonly replyTo: ActorRef<SupervisorInfo> };
