import { InvalidOptionsError } from '../../../src/errors';
import { redisQueueKeys, type RedisQueueKeys } from '../../../src/stores/redis-keys';

/** What Redis Cluster hashes: the first `{…}` with something inside, else the whole key. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

const all = (keys: RedisQueueKeys): string[] => [
  keys.seq,
  ...keys.wait,
  ...keys.delayed,
  keys.channel,
  keys.tokenPrefix('origin'),
];

describe('redisQueueKeys', () => {
  it('puts every key of a queue under the hash tag of its name: one Cluster slot per queue', () => {
    for (const [prefix, queue] of [
      ['qui:', 'emails'],
      ['X:', 'q2'],
      ['shop:eu:', 'a:b'],
    ] as const) {
      for (const key of all(redisQueueKeys(prefix, queue, ['high', 'x:y', 'low']))) {
        expect(hashTag(key)).toBe(queue);
      }
    }
  });

  it.each([
    ['X:{q}:', 'q2', 'prefix'],
    ['X:', 'q}:{q2', 'queue'],
    ['X:', '{q2}', 'queue'],
    ['X}', 'q', 'prefix'],
  ])('refuses prefix %p with queue %p, naming %s', (prefix, queue, path) => {
    const keys = () => redisQueueKeys(prefix, queue, ['p']);
    expect(keys).toThrow(InvalidOptionsError);
    expect(keys).toThrow(expect.objectContaining({ path }));
  });

  it('never gives two (prefix, queue) pairs a key in common', () => {
    const prefixes = ['X:', 'X', 'X:q:', 'X:q', ':', 'q:'];
    const queues = ['q', 'q2', 'q:', ':q', 'q:q2', 'X', 'X:q'];
    const owner = new Map<string, string>();
    for (const prefix of prefixes) {
      for (const queue of queues) {
        for (const key of all(redisQueueKeys(prefix, queue, ['wait', 'delayed', 'p', 'p:x']))) {
          const pair = JSON.stringify([prefix, queue]);
          expect([key, owner.get(key) ?? pair]).toEqual([key, pair]);
          owner.set(key, pair);
        }
      }
    }
  });
});
