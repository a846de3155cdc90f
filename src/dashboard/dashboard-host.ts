import { systemClock, type Clock } from '../clock';
import { InvalidOptionsError } from '../errors';
import { QuiEventBus } from '../events';
import { silentLogger, type Logger } from '../logging';
import type { QueueConnection } from '../queue/connect-queue';
import type { QueueStats } from '../queue/queue-messages';
import type { QuiSystem } from '../runtime/start-system';
import type { SupervisionNode } from '../runtime/supervision-tree';
import type { QueueControl } from './queue-control';

/**
 * What `createDashboard` shows when it is not given a running system: queues reached through
 * their stores (`connectQueue`), as `qui dashboard --redis` serves them. No tree, no workers,
 * no lease: the dashboard only reads, and acts through the connections.
 */
export interface DashboardConnections {
  /** One connection per queue to show (their names must differ). Closing them is the caller's. */
  readonly connections: readonly QueueConnection[];
  /** Where actions and failures are logged. @defaultValue a silent pino logger */
  readonly logger?: Logger;
}

/** What the dashboard reads of what it shows: a running system, or connections. @internal */
export interface DashboardHost {
  readonly logger: Logger;
  readonly clock: Clock;
  /** Lifecycle events (a system's own and, on shared stores, other processes'). */
  readonly events: QuiEventBus;
  readonly stopped: boolean;
  /** The process id this host heartbeats under (a system's); `undefined` for connections, which hold no lease. */
  readonly processId: string | undefined;
  queues(): readonly string[];
  stats(queue: string): Promise<QueueStats>;
  /** The records calls of `queue` (they reject with `ERR_RECORDS_OFF` when it keeps none). */
  control(queue: string): QueueControl;
  tree(): Promise<SupervisionNode | undefined>;
  /** Running workers of the queue's pool in this process; `undefined` without one. */
  workers(queue: string): Promise<number | undefined>;
  /** Stops what the host itself listens to. */
  dispose(): void;
}

/** The host of a running system. @internal */
export function systemHost(system: QuiSystem): DashboardHost {
  return {
    logger: system.logger,
    clock: system.clock,
    events: system.events,
    get stopped() {
      return system.stopped;
    },
    processId: system.processId,
    queues: () => system.queues(),
    stats: (queue) => system.queue(queue).stats(),
    // A QueueClient is a QueueControl (its records calls): handed over as is, checked by the compiler.
    control: (queue) => system.queue(queue),
    tree: () => system.tree(),
    workers: async (queue) => {
      try {
        return (await system.supervisor(`${queue}.workers`).countChildren()).active;
      } catch {
        return undefined;
      }
    },
    dispose: () => undefined,
  };
}

/**
 * The host of queue connections: lifecycle events come from the stores' broadcasts (what the
 * processes running the queues tell each other), stats from the stores.
 * @throws {InvalidOptionsError} naming `connections` when it is empty or two share a name.
 * @internal
 */
export function connectionsHost(source: DashboardConnections): DashboardHost {
  const given: unknown = source.connections;
  if (!Array.isArray(given) || given.length === 0)
    throw new InvalidOptionsError('connections', 'must be a non-empty array of queue connections');
  const list = source.connections;
  const byName = new Map<string, QueueConnection>();
  for (const c of list) {
    if (byName.has(c.name))
      throw new InvalidOptionsError(
        'connections',
        `holds two connections to queue ${JSON.stringify(c.name)}`,
      );
    byName.set(c.name, c);
  }
  const logger = source.logger ?? silentLogger();
  const events = new QuiEventBus((error, type) =>
    logger.error({ err: error, event: type }, 'event listener threw'),
  );
  const offs = list.map((c) => c.relayEvents(events));
  const get = (queue: string): QueueConnection => {
    const c = byName.get(queue);
    if (!c) throw new InvalidOptionsError('queue', `no connection to queue ${JSON.stringify(queue)}`);
    return c;
  };
  return {
    logger,
    clock: systemClock,
    events,
    stopped: false,
    processId: undefined,
    queues: () => [...byName.keys()],
    stats: (queue) => get(queue).stats(),
    control: (queue) => get(queue), // a QueueConnection is a QueueControl too
    tree: () => Promise.resolve(undefined),
    workers: () => Promise.resolve(undefined),
    dispose: () => {
      for (const off of offs.splice(0)) off();
    },
  };
}

/** A system or connections, as `createDashboard` takes them. @internal */
export function hostOf(source: QuiSystem | DashboardConnections): DashboardHost {
  return 'connections' in source ? connectionsHost(source) : systemHost(source);
}
