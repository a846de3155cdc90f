import { connectionsHost } from '../../../src/dashboard/dashboard-host';
import { QuiEventBus } from '../../../src/events';
import type { QueueConnection } from '../../../src/queue/connect-queue';

/** Just enough of a connection for the host's checks and its event relay. */
function fake(name: string, relayed: QuiEventBus[] = []): QueueConnection {
  return {
    name,
    relayEvents: (bus: QuiEventBus) => {
      relayed.push(bus);
      return () => relayed.splice(relayed.indexOf(bus), 1);
    },
  } as unknown as QueueConnection;
}

describe('the dashboard over connections', () => {
  it.each([
    [[], 'connections: must be a non-empty array of queue connections'],
    ['nope', 'connections: must be a non-empty array of queue connections'],
    [[fake('a'), fake('a')], 'connections: holds two connections to queue "a"'],
  ])('refuses %p naming connections', (connections, message) => {
    expect(() => connectionsHost({ connections: connections as QueueConnection[] })).toThrow(message);
  });

  it('lists the queues, relays their stores events until disposed, and has no tree nor workers', async () => {
    const relayed: QuiEventBus[] = [];
    const host = connectionsHost({ connections: [fake('a', relayed), fake('b', relayed)] });
    expect(host.queues()).toEqual(['a', 'b']);
    expect(relayed).toEqual([host.events, host.events]);
    expect(await host.tree()).toBeUndefined();
    expect(await host.workers('a')).toBeUndefined();
    expect(() => host.control('c')).toThrow('queue: no connection to queue "c"');
    host.dispose();
    expect(relayed).toEqual([]);
  });
});
