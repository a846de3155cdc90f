/** The live stream's ticking, on a ManualClock: one tick per refreshMs while a page listens, none after. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManualClock } from '../../../src/clock';
import { createDashboard, type Dashboard } from '../../../src/dashboard/create-dashboard';
import { defineQueue } from '../../../src/queue/define-queue';
import { startSystem, type QuiSystem } from '../../../src/runtime/start-system';
import { defineSupervisor } from '../../../src/supervision/spec';
import { EventStream } from '../../helpers/dashboard-client';

let system: QuiSystem;
let server: Server;
let dashboard: Dashboard;
let clock: ManualClock;
let url: string;

beforeEach(async () => {
  clock = new ManualClock();
  // A queue with no workers, a memory store and no records (whose heartbeat and upkeep would
  // tick on this clock too): the live stream's timer is the only one.
  const q = defineQueue({ name: 'q', retain: false });
  system = await startSystem(defineSupervisor({ id: 'root', children: [q] }), { clock });
  dashboard = createDashboard(system, { refreshMs: 500 });
  server = createServer(dashboard);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/events?view=%2F`;
});
afterEach(async () => {
  dashboard.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await system.stop();
});

/** Lets event-loop turns pass (no time) until `done` holds. */
async function until(done: () => boolean, turns = 10_000): Promise<void> {
  for (let i = 0; i < turns && !done(); i++) await new Promise((resolve) => setImmediate(resolve));
  if (!done()) throw new Error('condition never held');
}

describe('live streams', () => {
  it('sends the view once, stays quiet while nothing changes, keeps the stream alive, and stops ticking when the page leaves', async () => {
    expect(clock.pendingTimers).toBe(0);
    const stream = await EventStream.open(url);
    await until(() => clock.pendingTimers === 1);
    clock.advance(0); // the first render, at once
    expect(await stream.nextView()).toContain('data-queue="q"');
    await until(() => clock.pendingTimers === 1);
    for (let t = 0; t < 30; t++) {
      clock.advance(500);
      await until(() => clock.pendingTimers === 1);
    }
    await system.queue('q').enqueue('x');
    clock.advance(500);
    // The unchanged ticks sent nothing but keep-alive comments: the next view is the changed one.
    expect(await stream.nextView()).toContain('<td class="num" data-count="waiting">1</td>');
    expect(stream.comments).toEqual([': keep-alive']); // 30 quiet ticks of 500 ms: one at 15 s
    stream.close();
    await until(() => clock.pendingTimers === 0);
  });
});
