import { Redis } from 'ioredis';
import { defineQueue } from '../../../src/queue/define-queue';
import { redisStore } from '../../../src/stores/redis-store';
import { dropKeys } from '../../helpers/redis-admin';
import { requireRedis } from '../../helpers/services';
import { startTestSystem } from '../../helpers/start-test-system';

// Another process's broadcasts reach a queue on Redis only once its subscriber is subscribed to
// the records' bus: until then the end of a job run elsewhere is heard by no one here (not on
// system.events, not by waitFor). So a queue's store is open only once it listens.
const url = requireRedis();
const prefix = `qui-test:redis-listening:${process.pid}:`;
const admin = new Redis(url, { maxRetriesPerRequest: 1 });

afterAll(async () => {
  await dropKeys(admin, prefix);
  await admin.quit();
});

async function busSubscribers(queue: string): Promise<number> {
  const reply = (await admin.pubsub('NUMSUB', `${prefix}{${queue}}:bus`)) as [string, number];
  return reply[1];
}

describe('a queue on Redis keeping records', () => {
  it.each([1, 2, 3])('listens on its bus once its first enqueue returns (start %i)', async (n) => {
    const queue = `listen-${n}`;
    const { system } = await startTestSystem(
      defineQueue({ name: queue, store: redisStore({ url, prefix }) }),
    );
    await system.queue(queue).enqueue({ n });
    expect(await busSubscribers(queue)).toBe(1);
  });
});
