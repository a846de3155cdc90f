/**
 * Loads Qui's public API for the Qui contenders. The types come from src/index.ts at compile
 * time; at run time the module is imported dynamically, so a Qui that does not load (not
 * written yet, or broken mid-change) makes the contender report "skipped", not crash.
 */
import type * as QuiModule from '../../src/index';
import { SkipError } from './child';

export type Qui = typeof QuiModule;

/** A path in a variable: TypeScript leaves the import alone; node (compiled) and tsx both resolve it. */
const ENTRY = '../../src/index.js';

export async function loadQui(): Promise<Qui> {
  let mod: Partial<Qui>;
  try {
    mod = (await import(ENTRY)) as Partial<Qui>;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new SkipError(`Qui not available yet (${message})`);
  }
  const missing = (
    ['startSystem', 'defineSupervisor', 'defineQueue', 'defineActor', 'ok', 'err'] as const
  ).filter((name) => typeof mod[name] !== 'function');
  if (missing.length > 0)
    throw new SkipError(`Qui not available yet (src/index.ts lacks ${missing.join(', ')})`);
  return mod as Qui;
}

/** Resolves when released; until then `held` counts callers that had to wait. */
export interface Gate {
  readonly open: boolean;
  readonly held: number;
  wait<T>(then: () => T): Promise<T>;
  release(): void;
}

export function createGate(): Gate {
  let open = false;
  let held = 0;
  let release: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (release = resolve));
  return {
    get open() {
      return open;
    },
    get held() {
      return held;
    },
    wait(then) {
      held++;
      return opened.then(then);
    },
    release() {
      open = true;
      release();
    },
  };
}

type QuiSystem = Awaited<ReturnType<Qui['startSystem']>>;
type Processor = NonNullable<Parameters<Qui['defineQueue']>[0]['workers']>['processor'];

/** A running system with one queue named 'bench'. */
export interface BenchQueue<TTask> {
  readonly system: QuiSystem;
  readonly queue: ReturnType<QuiSystem['queue']>;
  /** Enqueues in chunks of 10,000 through `enqueueMany`. */
  enqueueAll(tasks: readonly TTask[], options?: Record<string, unknown>): Promise<void>;
}

/**
 * Starts a system whose root holds one queue 'bench' (with a pool when `workers` is given),
 * defined with `retain: false`: the scenarios that use it measure the queue's hand-off.
 */
export async function startBenchQueue<TTask>(
  qui: Qui,
  workers?: { count: number; processor: Processor; intensity?: { maxRestarts: number; withinMs: number } },
): Promise<BenchQueue<TTask>> {
  const spec = qui.defineQueue({
    name: 'bench',
    priorities: ['high', 'low'],
    retain: false,
    ...(workers ? { workers } : {}),
  });
  const system = await qui.startSystem(qui.defineSupervisor({ id: 'root', children: [spec] }));
  const queue = system.queue('bench');
  return {
    system,
    queue,
    async enqueueAll(tasks, options) {
      for (let i = 0; i < tasks.length; i += 10_000) {
        await queue.enqueueMany(tasks.slice(i, i + 10_000).map((task) => ({ task, options })));
      }
    },
  };
}
