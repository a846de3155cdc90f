import Redis from 'ioredis';
import { redisStore } from '../../../src/stores/redis-store';
import { requireRedis } from '../../helpers/services';
import { describeAttemptHistory } from './attempt-history.suite';
import { describeQueueRecords } from './queue-records.suite';

// First: fails the file in one line, before any client is made, when Redis is down.
const url = requireRedis();
const base = `qui-test:queue-records:${process.pid}:`;
let n = 0;

afterAll(async () => {
  const admin = new Redis(url, { maxRetriesPerRequest: 1 });
  const keys = await admin.keys(`${base}*`);
  if (keys.length > 0) await admin.del(...keys);
  await admin.quit();
});

// One prefix per store made: every test starts from empty queues.
describeQueueRecords('redis', () => redisStore({ url, prefix: `${base}${++n}:` }), {});
describeAttemptHistory('redis', () => redisStore({ url, prefix: `${base}${++n}:` }));
