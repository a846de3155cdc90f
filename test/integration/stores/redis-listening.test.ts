import { Redis } from 'ioredis';
import { DEFAULT_RETENTION } from '../../../src/jobs/job-retention';
import { defineQueue } from '../../../src/queue/define-queue';
import { startSystem } from '../../../src/runtime/start-system';
import { redisStore } from '../../../src/stores/redis-store';
import { dropKeys } from '../../helpers/redis-admin';
import { silentLogger } from '../../../src/logging';
import { requireRedis } from '../../helpers/services';
import { startTestSystem } from '../../helpers/start-test-system';

// Another process's broadcasts reach a queue on Redis only once its subscriber is subscribed to
// the records' bus: until then the end of a job run elsewhere is heard by no one here (not on
// system.events, not by waitFor). So a queue's store is open only once it listens.
const url = requireRedis();
const prefix = `qui-test:redis-listening:${process.pid}:`;
const admin = new Redis(url, { maxRetriesPerRequest: 1 });

// An ACL user of this file's own, without the right to any channel (SUBSCRIBE answers NOPERM).
const user = `qui-test-nosub-${process.pid}`;

afterAll(async () => {
  await admin.call('ACL', 'DELUSER', user);
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

describe('waiting for a Redis store to listen', () => {
  const open = (storeUrl: string) =>
    redisStore({ url: storeUrl, prefix }).create({
      queue: 'listen-x',
      priorities: ['normal'],
      records: { processId: 'p1', retention: DEFAULT_RETENTION },
    });

  it('ends with ERR_STORE when the store closes before its subscriber listens', async () => {
    // Nothing answers on port 1: the subscriber never gets to subscribe.
    const store = open('redis://127.0.0.1:1');
    const listening = store.records!.listening!();
    await store.close();
    await expect(listening).rejects.toMatchObject({ code: 'ERR_STORE' });
  });

  it('is a rejection, not a throw, once the store is closed', async () => {
    const store = open(url);
    await store.close();
    let answer: Promise<void> | undefined;
    expect(() => (answer = store.records!.listening!())).not.toThrow();
    await expect(answer).rejects.toMatchObject({ code: 'ERR_STORE' });
  });

  it('fails the start with ERR_STORE naming the refusal when Redis will not let it subscribe', async () => {
    await admin.call('ACL', 'SETUSER', user, 'reset', 'on', '>pw', '~*', 'resetchannels', '+@all');
    const refused = new URL(url);
    [refused.username, refused.password] = [user, 'pw'];
    const queue = defineQueue({ name: 'listen-acl', store: redisStore({ url: refused.href, prefix }) });
    const started = startSystem(queue, { logger: silentLogger() });
    const error = await started.then(
      () => undefined,
      (e: unknown) => e,
    );
    // The start fails (it does not hang), the store's refusal and Redis' answer in its causes.
    const chain: { code?: string; message: string }[] = [];
    for (let e = error as (Error & { code?: string }) | undefined; e; e = e.cause as typeof e)
      chain.push({ code: e.code, message: e.message });
    expect(chain[0]?.code).toBe('ERR_START_FAILED');
    expect(chain).toContainEqual(
      expect.objectContaining({ code: 'ERR_STORE', message: expect.stringMatching(/cannot subscribe/) }),
    );
    expect(chain.at(-1)?.message).toMatch(/^NOPERM/);
  });
});
