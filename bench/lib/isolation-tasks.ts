/**
 * The module the isolation scenario's Qui workers load in their threads (`workers.module`): a
 * no-op, about `ms` of hashing, and a processor stuck in `while (true) {}`. Also run in process by
 * the in-process contenders, so both sides do the same work.
 */
import { createHash } from 'node:crypto';
import { defineTask, ok } from '../../src/index';

export const noop = defineTask({ name: 'noop', perform: () => ok() });

export const hash = defineTask({
  name: 'hash',
  perform: (params: { ms: number }) => ok(burn(params.ms)),
});

/** Logs when it really starts (in its thread: epoch ms, comparable across threads), then spins. */
export const spin = defineTask({
  name: 'spin',
  perform: (_params: undefined, { log }) => {
    log.info({ at: performance.timeOrigin + performance.now() }, 'started');
    for (;;);
  },
});

/** Logs when it really starts, like `spin`, and completes. */
export const mark = defineTask({
  name: 'mark',
  perform: (_params: undefined, { log }) => {
    log.info({ at: performance.timeOrigin + performance.now() }, 'started');
    return ok();
  },
});

/** About `ms` of SHA-256 chained over its own output: CPU-bound, synchronous. */
export function burn(ms: number): number {
  const end = performance.now() + ms;
  let digest = 'seed';
  while (performance.now() < end) digest = createHash('sha256').update(digest).digest('hex');
  return digest.length;
}
