import { redisStore } from '../../../src/stores/redis-store';
import { dropKeysAt } from '../../helpers/redis-admin';
import { requireRedis } from '../../helpers/services';
import { describeAttemptHistory } from './attempt-history.suite';
import { describeQueueRecords } from './queue-records.suite';

// First: fails the file in one line, before any client is made, when Redis is down.
const url = requireRedis();
const base = `qui-test:queue-records:${process.pid}:`;
let n = 0;

afterAll(async () => {
  await dropKeysAt(url, base);
});

// One prefix per store made: every test starts from empty queues.
describeQueueRecords('redis', () => redisStore({ url, prefix: `${base}${++n}:` }), {});
describeAttemptHistory('redis', () => redisStore({ url, prefix: `${base}${++n}:` }));
